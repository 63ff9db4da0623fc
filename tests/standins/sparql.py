"""A local stand-in for the Wikidata Query Service.

A real HTTP endpoint on 127.0.0.1 speaking the SPARQL 1.1 protocol (POST with a
form-encoded ``query=``, POST with ``application/sparql-query``, or GET
``?query=``), answering ``application/sparql-results+json`` from a pyoxigraph
store loaded with Wikidata-shaped triples. Tests script faults for the next
requests (HTTP statuses with Retry-After, a slow answer, a malformed body) and
read the log of what the client sent (method, headers, query).

Usage in tests (until tests/conftest.py lists this module in ``pytest_plugins``,
import the fixtures directly: ``from tests.standins.sparql import sparql_server``)::

    def test_x(sparql_server):
        sparql_server.faults.append(Fault.http(429, retry_after="3"))
        client = SparqlClient(sparql_server.url, ...)
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "wikidata"
VILLA_EJEMPLO = FIXTURE_DIR / "villa_ejemplo.ttl"

RESULTS_JSON = "application/sparql-results+json"


@dataclass
class Fault:
    """What the server does instead of (or before) answering one request."""

    status: int | None = None  # answer this HTTP status instead of the results
    retry_after: str | None = None  # Retry-After header value to send with it
    delay: float = 0.0  # seconds to wait before answering (longer than the client timeout = a timeout)
    malformed: bool = False  # answer 200 with a cut-off JSON body

    @classmethod
    def http(cls, status: int, retry_after: str | None = None) -> "Fault":
        return cls(status=status, retry_after=retry_after)

    @classmethod
    def timeout(cls, seconds: float) -> "Fault":
        return cls(delay=seconds)

    @classmethod
    def malformed_json(cls) -> "Fault":
        return cls(malformed=True)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    query: str | None
    body_bytes: int
    fault: Fault | None = None


@dataclass
class SparqlStandin:
    """The running server; ``faults`` is consumed one per request, first in first out."""

    store: ox.Store = field(default_factory=ox.Store)
    faults: deque = field(default_factory=deque)
    requests: list = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- data ---
    def load(self, turtle: str | bytes) -> None:
        data = turtle.encode("utf-8") if isinstance(turtle, str) else turtle
        self.store.load(data, format=ox.RdfFormat.TURTLE)

    def load_file(self, path: Path | str) -> None:
        self.load(Path(path).read_bytes())

    def load_ntriples(self, text: str | bytes) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)

    # --- life cycle ---
    def start(self) -> "SparqlStandin":
        standin = self

        class Handler(_Handler):
            owner = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}/sparql"
        self._thread = threading.Thread(target=self._server.serve_forever, name="sparql-standin", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "SparqlStandin":
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- used by the handler ---
    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.popleft() if self.faults else None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    @property
    def query_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.query is not None]


class _Handler(BaseHTTPRequestHandler):
    owner: SparqlStandin
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        params = parse_qs(urlsplit(self.path).query)
        self._answer(params.get("query", [None])[0], 0)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if kind == "application/sparql-query":
            query = body.decode("utf-8")
        else:
            query = parse_qs(body.decode("utf-8")).get("query", [None])[0]
        self._answer(query, len(body))

    def _answer(self, query: str | None, body_bytes: int) -> None:
        fault = self.owner._next_fault()
        self.owner._record(
            RecordedRequest(
                method=self.command,
                path=self.path,
                headers={k: v for k, v in self.headers.items()},
                query=query,
                body_bytes=body_bytes,
                fault=fault,
            )
        )
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return self._send(fault.status, b"scripted failure\n", "text/plain", headers)
        if not query:
            return self._send(400, b"missing query parameter\n", "text/plain")
        try:
            results = self.owner.store.query(query)
            payload = results.serialize(format=ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            return self._send(400, f"query parse error: {exc}\n".encode(), "text/plain")
        except Exception as exc:  # an evaluation error, as WDQS would answer it
            return self._send(500, f"query failed: {exc}\n".encode(), "text/plain")
        if fault and fault.malformed:
            payload = payload[: max(1, len(payload) // 2)]
        self._send(200, payload, RESULTS_JSON)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a scripted timeout): nothing to tell it


def start_standin(turtle_files: list[Path] | None = None) -> SparqlStandin:
    standin = SparqlStandin()
    for path in turtle_files or []:
        standin.load_file(path)
    return standin.start()


@pytest.fixture
def sparql_server():
    """The stand-in loaded with the fixture city's Wikidata side (tests/fixtures/wikidata/villa_ejemplo.ttl)."""
    standin = start_standin([VILLA_EJEMPLO])
    try:
        yield standin
    finally:
        standin.close()


@pytest.fixture
def empty_sparql_server():
    """The stand-in with an empty store, for tests that load their own triples."""
    standin = start_standin()
    try:
        yield standin
    finally:
        standin.close()


def results_json(rows: list[dict[str, str]]) -> str:
    """A SELECT answer in SPARQL JSON (for tests that need a hand-made body)."""
    names = sorted({k for row in rows for k in row})
    bindings = [{k: {"type": "literal", "value": v} for k, v in row.items()} for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}})
