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
    from app.web.i18n import register_i18n

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
