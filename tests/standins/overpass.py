"""A local stand-in for the Overpass API.

A real HTTP server on 127.0.0.1 speaking the Overpass protocol: POST a form
with the query in ``data`` (or GET ``?data=``) to ``/api/interpreter``. It does
not run Overpass QL: it picks a JSON fixture from ``tests/fixtures/overpass/``
by markers in the query text (the area id, the relation id, the name...), as
a replay of what the real server answered for the fixture city. A query it
does not recognise gets HTTP 400 with an Overpass-like error page, so a test
never passes on an answer nobody meant.

Tests script faults for the next requests (``faults``, first in first out):
HTTP statuses with Retry-After, a 200 whose JSON carries a runtime-error
remark, a slow answer (longer than the client timeout), a truncated body, a
connection cut mid-body. ``requests`` records what the client sent (headers,
query) to check the User-Agent and the escaping. ``down_url`` is a mirror that
is down (a port nothing listens on). The server plumbing (fault queue, request
log, life cycle) is in tests/standins/base.py.

Usage (also registered as a pytest plugin by tests/conftest.py)::

    def test_x(overpass_server):
        overpass_server.faults.append(Fault.http(429, retry_after="2"))
        client = OverpassClient([overpass_server.url], policy=fast_policy)
"""
from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Fault, RecordedRequest and the remarks are shared with the SPARQL stand-in; tests import them from here.
from tests.standins.base import (  # noqa: F401
    RUNTIME_DISPATCHER_REMARK,
    RUNTIME_MEMORY_REMARK,
    RUNTIME_TIMEOUT_REMARK,
    Fault,
    RecordedRequest,
    Standin,
    StandinHandler,
)

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "overpass"

#: (regex on the query text, fixture file). First match wins; tests may add their own in front.
DEFAULT_ROUTES: list[tuple[str, str]] = [
    (r'area\(3600001001\)[\s\S]*\["railway"~', "context_1001.json"),
    (r"rel\(1001\);\s*out geom;", "outline_1001.json"),
    (r"area\(3600001001\)", "streets_1001.json"),
    (r"rel\(1001\)", "area_relation_1001.json"),
    (r'\["wikidata"="Q900100"\]', "area_wikidata_Q900100.json"),
    (r'\["name"="Villa Ejemplo"\]', "area_name_villa_ejemplo.json"),
    # Well-formed lookups of anything else: Overpass finds nothing.
    (r"area\(36\d+\)|rel\(\d+\)|\[\"wikidata\"=\"Q\d+\"\]|\[\"name\"=\"", "empty.json"),
]


class _Handler(StandinHandler):
    owner: OverpassStandin
    query_param = "data"

    def _answer(self, path: str, query: str | None, fault: Fault | None, record: RecordedRequest) -> None:
        if path != "/api/interpreter":
            return self._error(404, f"no such endpoint {path}")
        if not query:
            return self._error(400, "no query given in 'data'")
        if fault and fault.remark:
            doc = {"version": 0.6, "generator": "Overpass API (stand-in)", "elements": [], "remark": fault.remark}
            return self._send(200, json.dumps(doc).encode(), "application/json")
        found = self.owner.answer_for(query)
        if found is None:
            return self._error(400, "line 1: parse error: the stand-in has no fixture for this query")
        record.fixture, text = found
        payload = text.encode("utf-8")
        if fault and fault.truncated:
            payload = payload[: len(payload) // 2]
        if fault and fault.cut:
            return self._send(200, payload, "application/json", cut=True)
        self._send(200, payload, "application/json")

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, _error_page(message), "text/html", headers)


@dataclass
class OverpassStandin(Standin):
    routes: list = field(default_factory=lambda: list(DEFAULT_ROUTES))
    down_url: str = ""

    handler = _Handler
    endpoint = "/api/interpreter"
    thread_name = "overpass-standin"

    def add_route(self, pattern: str, fixture: str) -> None:
        """Answer queries matching ``pattern`` with ``fixture`` (a file name or a JSON text)."""
        self.routes.insert(0, (pattern, fixture))

    def start(self) -> OverpassStandin:
        super().start()
        self.down_url = f"http://127.0.0.1:{unused_port()}{self.endpoint}"
        return self

    def answer_for(self, query: str) -> tuple[str, str] | None:
        """(fixture name, JSON text) for a query, or None when no route knows it."""
        for pattern, fixture in self.routes:
            if re.search(pattern, query):
                if fixture.lstrip().startswith("{"):
                    return "<inline>", fixture
                return fixture, (FIXTURE_DIR / fixture).read_text(encoding="utf-8")
        return None


def unused_port() -> int:
    """A port nothing listens on (bound then released: the OS will not hand it out again soon)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _error_page(message: str) -> bytes:
    # Overpass answers errors as a small XHTML page with the message in <strong>.
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html><head><title>OSM3S Response</title></head>'
        f'<body><p><strong style="color:#FF0000">Error</strong>: {message} </p></body></html>\n'
    ).encode()


@pytest.fixture
def overpass_server():
    """The stand-in replaying the fixture city's OSM side."""
    standin = OverpassStandin().start()
    try:
        yield standin
    finally:
        standin.close()
