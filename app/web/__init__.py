"""The web layer: blueprints that read the store and start jobs. No domain logic lives here."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, url_for

from app.domain import pick_text
from app.jobs import JobQueue
from app.links import OSM_COPYRIGHT, TEMPLATE_FILTERS
from app.store import Store
from app.store.models import AreaRow
from app.store.records import AnalysedArea, AreaNotFound, area_by_slug, find_analysed_area


def store() -> Store:
    return current_app.extensions["store"]


def jobs() -> JobQueue:
    return current_app.extensions["jobs"]


#: The largest id an id column holds (PostgreSQL's INTEGER): bigger ones in URLs are simply not found.
MAX_ID = 2**31 - 1


def whole_number(text: str | None, *, maximum: int = MAX_ID) -> int | None:
    """``text`` as a whole number from 0 to ``maximum``, else None: never an exception, never an overflow.

    ``str.isdigit`` alone accepts "²" (which int() refuses) and numbers no database column holds.
    """
    if text and text.isascii() and text.isdigit() and len(text) <= len(str(maximum)):
        number = int(text)
        if number <= maximum:
            return number
    return None


def analysed_area(slug: str) -> AnalysedArea:
    """The analysed area of a page's URL, or 404."""
    try:
        return find_analysed_area(store(), slug)
    except AreaNotFound:
        abort(404, description=f"no analysed city {slug!r}")


def analysed_area_row(slug: str) -> AreaRow:
    """The analysed area of a page's URL as its stored row with its current run loaded (detached), or 404."""
    with store().session() as session:
        area = area_by_slug(session, slug)
        if area is None:
            abort(404, description=f"no analysed city {slug!r}")
        _ = area.current_run  # loaded now: the row leaves the session
        session.expunge_all()
        return area


def local_path(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page: redirects must not leave the site.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    "/\t/evil.example" or "/\\evil.example" would become "//evil.example": refuse them all.
    """
    if (
        target
        and target.startswith("/")
        and not any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target)
        and not target.startswith("//")
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("pages.home")


def register_web(app: Flask) -> None:
    from app.extensions import csrf
    from app.web import api, assets, auth, changes, gaps, health, pages, publish, regions, reviews
    from app.web.errors import register_errors
    from app.web.i18n import register_i18n

    register_errors(app)
    register_i18n(app)
    # One database session per request, opened by the first unit of work that needs it (a download
    # streamed with stream_with_context reads through it too: the request ends when the stream does).
    app.before_request(lambda: store().begin_request())
    app.teardown_request(lambda _exc: store().end_request())
    # Outside links and the one choice of a label by language, for every template.
    for name, build in TEMPLATE_FILTERS.items():
        app.add_template_filter(build, name)
    app.add_template_filter(pick_text, "pick_text")
    app.jinja_env.globals["OSM_COPYRIGHT"] = OSM_COPYRIGHT
    app.register_blueprint(assets.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(publish.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(gaps.bp)
    app.register_blueprint(regions.bp)
    app.register_blueprint(reviews.bp)
    app.register_blueprint(changes.bp)
    # The JSON API takes only application/json bodies, which a cross-site form cannot send,
    # so it needs no CSRF token (scripts could not get one anyway).
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
