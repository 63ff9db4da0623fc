"""``GET /healthz``: whether this process can reach its store and its job queue (for load balancers, systemd)."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from app.web import jobs, store

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _store_answers() -> None:
    with store().engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _queue_answers() -> None:
    jobs().huey.pending_count()


@bp.get("/healthz")
def healthz():
    checks = {}
    for name, check in (("store", _store_answers), ("queue", _queue_answers)):
        try:
            check()
            checks[name] = "ok"
        except Exception:  # noqa: BLE001 - any failure means unhealthy; the log has the details, not the answer
            log.exception("health check: the %s does not answer", name)
            checks[name] = "unavailable"
    healthy = all(state == "ok" for state in checks.values())
    response = jsonify({"status": "ok" if healthy else "unavailable", **checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
