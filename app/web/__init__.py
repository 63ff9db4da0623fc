"""The web layer: blueprints that read the store and start jobs. No domain logic lives here."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, url_for

from app.jobs import JobQueue
from app.store import Store


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
    from app.web import api, assets, auth, changes, gaps, health, pages, reviews
    from app.web.errors import register_errors
    from app.web.i18n import register_i18n

    register_errors(app)
    register_i18n(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(gaps.bp)
    app.register_blueprint(reviews.bp)
    app.register_blueprint(changes.bp)
    # The JSON API takes only application/json bodies, which a cross-site form cannot send,
    # so it needs no CSRF token (scripts could not get one anyway).
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
