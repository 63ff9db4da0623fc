"""Whose Streets: whose names a city's streets carry."""
from __future__ import annotations

import os
from pathlib import Path

from app.config import INTERFACE_LANGUAGES as LANGUAGES
from app.version import __version__

__all__ = ["LANGUAGES", "__version__", "create_app"]


def create_app(test_config: dict | None = None, *, start_workers: bool | None = None, web: bool = True):
    """The application factory.

    ``test_config`` may carry ``INSTANCE_PATH`` and an ``ENV`` dict that replaces
    the process environment, so tests configure the app exactly as a user would.
    ``web=False``: the store, settings and job queue only, without pages, sign-in, security headers,
    translations or rate limits, for CLI commands that answer no request (their start-up then skips
    importing the web stack: about half of it).
    """
    from flask import Flask

    from app.config import load_settings
    from app.jobs import JobQueue, job_executor, region_member_executor
    from app.names import prepared
    from app.resources import bundled_dir
    from app.store import Store

    test_config = dict(test_config or {})
    instance_path = test_config.pop("INSTANCE_PATH", None) or os.environ.get("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        static_folder=str(bundled_dir("static")),
        static_url_path="/static",
    )
    settings = load_settings(app.instance_path, test_config.pop("ENV", None))
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        SETTINGS=settings,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        LANGUAGES=LANGUAGES,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        # Every form and JSON body here is small; refuse anything bigger before reading it.
        MAX_CONTENT_LENGTH=256 * 1024,
        COMPRESS_MIMETYPES=["text/html", "text/css", "application/json", "application/geo+json",
                            "application/javascript", "text/javascript", "text/csv"],
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage,
        RATELIMIT_KEY_PREFIX=settings.queue_name,
    )
    app.config.update(test_config)
    # Tables derived from the name datasets are prepared once per instance, not per process.
    prepared.keep_in(Path(app.instance_path) / "prepared")
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops)

    store = Store(settings.database_url)
    store.upgrade()
    queue = JobQueue(store, settings, job_executor(store, settings), region_member_executor(store, settings))
    app.extensions["store"] = store
    app.extensions["jobs"] = queue
    if web:
        _register_web_stack(app)

    if start_workers is None:
        start_workers = settings.job_mode == "thread" and not app.config.get("NO_WORKERS")
    if start_workers:
        queue.start_workers()
    return app


def _register_web_stack(app) -> None:
    """Pages, JSON, sign-in, CSRF, rate limits, compression, translations and security headers."""
    from app.extensions import babel, compress, csrf, limiter, login_manager
    from app.maps import OSM_TILES
    from app.web import register_web
    from app.web.i18n import select_locale
    from app.web.security import register_security

    settings = app.config["SETTINGS"]
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    register_security(app, secure_cookies=settings.secure_cookies,
                      tiles=app.config.get("MAP_TILES", OSM_TILES))
    register_web(app)
