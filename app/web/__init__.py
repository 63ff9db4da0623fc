"""The web layer: blueprints that read the store and start jobs. No domain logic lives here."""
from __future__ import annotations

from flask import Flask, current_app

from app.jobs import JobQueue
from app.store import Store


def store() -> Store:
    return current_app.extensions["store"]


def jobs() -> JobQueue:
    return current_app.extensions["jobs"]


def register_web(app: Flask) -> None:
    from app.extensions import csrf
    from app.web import api, assets, auth, gaps, pages, reviews
    from app.web.i18n import register_i18n

    register_i18n(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(gaps.bp)
    app.register_blueprint(reviews.bp)
    # The JSON API takes only application/json bodies, which a cross-site form cannot send,
    # so it needs no CSRF token (scripts could not get one anyway).
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
