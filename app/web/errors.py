"""What unchecked input gets instead of a 500 (ids too big to be found, JSON too deep to read), JSON errors
under /api, and Retry-After on every 429.

Ids in URLs (``<int:job_id>``) are bounded by what an id column holds, so a job id past 64 bits is a
404 like any unknown id, not a database overflow. ``/api/*`` answers every error as JSON, keeping the
error's own headers (``Allow``, ``Retry-After``).
"""
from __future__ import annotations

import json
import time

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from app.extensions import limiter
from app.web import MAX_ID


class IdConverter(IntegerConverter):
    """``<int:…>`` limited to ids a database column can hold (bigger ones do not match: 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a body nested too deeply to parse is bad JSON (400), not a RecursionError (500)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def json_error(exc: HTTPException):
    response = exc.get_response()
    response.set_data(json.dumps({"error": exc.description or exc.name}))
    response.content_type = "application/json"
    return response


def register_errors(app: Flask) -> None:
    """Call before registering blueprints: their URL rules are built with these converters."""
    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)

    @app.after_request
    def retry_after_on_every_429(response):
        """A client told "too many requests" is also told when to come back (the limit's window)."""
        if response.status_code == 429 and "Retry-After" not in response.headers:
            limit = limiter.current_limit
            wait = int(limit.reset_at - time.time()) + 1 if limit is not None else 60
            response.headers["Retry-After"] = str(max(1, wait))
        return response

    @app.errorhandler(HTTPException)
    def api_errors_as_json(exc: HTTPException):
        if request.path.startswith("/api/"):
            return json_error(exc)
        return exc
