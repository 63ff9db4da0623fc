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
is down (a port nothing listens on).

Usage (also registered as a pytest plugin by tests/conftest.py)::

    def test_x(overpass_server):
        overpass_server.faults.append(Fault.http(429, retry_after="2"))
        client = OverpassClient([overpass_server.url], policy=fast_policy)
"""
from __future__ import annotations

import json
import re
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "overpass"

#: (regex on the query text, fixture file). First match wins; tests may add their own in front.
DEFAULT_ROUTES: list[tuple[str, str]] = [
    (r"area\(3600001001\)", "streets_1001.json"),
    (r"rel\(1001\)", "area_relation_1001.json"),
    (r'\["wikidata"="Q900100"\]', "area_wikidata_Q900100.json"),
    (r'\["name"="Villa Ejemplo"\]', "area_name_villa_ejemplo.json"),
    # Well-formed lookups of anything else: Overpass finds nothing.
    (r"area\(36\d+\)|rel\(\d+\)|\[\"wikidata\"=\"Q\d+\"\]|\[\"name\"=\"", "empty.json"),
]

RUNTIME_TIMEOUT_REMARK = 'runtime error: Query timed out in "query" at line 9 after 181 seconds.'
RUNTIME_MEMORY_REMARK = "runtime error: Query run out of memory using about 2048 MB of RAM."
RUNTIME_DISPATCHER_REMARK = (
    "runtime error: open64: 0 Success /osm3s_osm_base Dispatcher_Client::request_read_and_idx::timeout. "
    "The server is probably too busy to handle your request."
)


@dataclass
class Fault:
    """What the server does instead of answering one request."""

    status: int | None = None  # answer this HTTP status
    retry_after: str | None = None  # Retry-After header sent with it
    delay: float = 0.0  # wait this long first (longer than the client timeout = a timeout)
    remark: str | None = None  # answer 200 with no elements and this remark
    truncated: bool = False  # answer 200 with the first half of the JSON (Content-Length matching)
    cut: bool = False  # promise the whole body, send half, close the connection

    @classmethod
    def http(cls, status: int, retry_after: str | None = None) -> "Fault":
        return cls(status=status, retry_after=retry_after)

    @classmethod
    def timeout(cls, seconds: float) -> "Fault":
        return cls(delay=seconds)

    @classmethod
    def runtime_remark(cls, remark: str = RUNTIME_TIMEOUT_REMARK) -> "Fault":
        return cls(remark=remark)

    @classmethod
    def truncated_body(cls) -> "Fault":
        return cls(truncated=True)

    @classmethod
    def connection_cut(cls) -> "Fault":
        return cls(cut=True)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    query: str | None
    fault: Fault | None = None
    fixture: str | None = None  # which file answered (None: an error or a fault)


@dataclass
class OverpassStandin:
    faults: deque = field(default_factory=deque)
    requests: list = field(default_factory=list)
    routes: list = field(default_factory=lambda: list(DEFAULT_ROUTES))
    url: str = ""
    down_url: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def add_route(self, pattern: str, fixture: str) -> None:
        """Answer queries matching ``pattern`` with ``fixture`` (a file name or a JSON text)."""
        self.routes.insert(0, (pattern, fixture))

    def start(self) -> "OverpassStandin":
        standin = self

        class Handler(_Handler):
            owner = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}/api/interpreter"
        self.down_url = f"http://127.0.0.1:{unused_port()}/api/interpreter"
        # A short poll interval: shutdown() waits up to one interval, once per test.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="overpass-standin", daemon=True
        ).start()
        return self

    def close(self) -> None:
        self._closing.set()  # wakes handlers sleeping through a scripted timeout
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "OverpassStandin":
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def answer_for(self, query: str) -> tuple[str, str] | None:
        """(fixture name, JSON text) for a query, or None when no route knows it."""
        for pattern, fixture in self.routes:
            if re.search(pattern, query):
                if fixture.lstrip().startswith("{"):
                    return "<inline>", fixture
                return fixture, (FIXTURE_DIR / fixture).read_text(encoding="utf-8")
        return None

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.popleft() if self.faults else None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


def unused_port() -> int:
    """A port nothing listens on (bound then released: the OS will not hand it out again soon)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler(BaseHTTPRequestHandler):
    owner: OverpassStandin
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self._answer(url.path, parse_qs(url.query).get("data", [None])[0])

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = parse_qs(body.decode("utf-8")).get("data", [None])[0]
        self._answer(urlsplit(self.path).path, query)

    def _answer(self, path: str, query: str | None) -> None:
        fault = self.owner._next_fault()
        record = RecordedRequest(self.command, self.path, dict(self.headers.items()), query, fault)
        self.owner._record(record)
        if fault and fault.delay:
            self.owner._closing.wait(fault.delay)
        if fault and fault.status:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return self._send(fault.status, _error_page(f"scripted HTTP {fault.status}"), "text/html", headers)
        if path != "/api/interpreter":
            return self._send(404, _error_page(f"no such endpoint {path}"), "text/html")
        if not query:
            return self._send(400, _error_page("no query given in 'data'"), "text/html")
        if fault and fault.remark:
            doc = {"version": 0.6, "generator": "Overpass API (stand-in)", "elements": [], "remark": fault.remark}
            return self._send(200, json.dumps(doc).encode(), "application/json")
        found = self.owner.answer_for(query)
        if found is None:
            return self._send(
                400, _error_page("line 1: parse error: the stand-in has no fixture for this query"), "text/html"
            )
        record.fixture, text = found
        payload = text.encode("utf-8")
        if fault and fault.truncated:
            payload = payload[: len(payload) // 2]
        if fault and fault.cut:
            return self._send(200, payload, "application/json", cut=True)
        self._send(200, payload, "application/json")

    def _send(self, status: int, body: bytes, content_type: str, headers=None, cut: bool = False) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if cut:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client gave up (a scripted timeout): nothing to tell it


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
