"""The plumbing shared by the stand-in servers (tests/standins/overpass.py, tests/standins/sparql.py).

``Standin`` is a real HTTP server on 127.0.0.1 (a free port, a daemon thread)
with the two things every test scripts or checks: ``faults``, consumed one per
request first in first out, and ``requests``, the log of what the client sent.
``StandinHandler`` reads the query (``?<param>=`` on GET, a form field on
POST), records the request, applies the scripted delay and HTTP status, and
leaves the protocol's answer to ``_answer`` in each server's handler.

A subclass sets ``handler`` (its ``StandinHandler`` subclass), ``endpoint``
(the URL path ``url`` points at) and ``thread_name``.
"""
from __future__ import annotations

import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Self
from urllib.parse import parse_qs, urlsplit

# The remarks Overpass puts in a 200 answer when the query failed on the server (Fault.runtime_remark).
RUNTIME_TIMEOUT_REMARK = 'runtime error: Query timed out in "query" at line 9 after 181 seconds.'
RUNTIME_MEMORY_REMARK = "runtime error: Query run out of memory using about 2048 MB of RAM."
RUNTIME_DISPATCHER_REMARK = (
    "runtime error: open64: 0 Success /osm3s_osm_base Dispatcher_Client::request_read_and_idx::timeout. "
    "The server is probably too busy to handle your request."
)


@dataclass
class Fault:
    """What the server does instead of (or before) answering one request.

    ``status``, ``retry_after`` and ``delay`` work on every stand-in; the body
    faults are those of the protocol that has them (Overpass: ``remark``,
    ``truncated``, ``cut``; SPARQL: ``malformed``).
    """

    status: int | None = None  # answer this HTTP status instead
    retry_after: str | None = None  # Retry-After header sent with it
    delay: float = 0.0  # wait this long first (longer than the client timeout = a timeout)
    remark: str | None = None  # Overpass: answer 200 with no elements and this remark
    truncated: bool = False  # Overpass: answer 200 with the first half of the JSON (Content-Length matching)
    cut: bool = False  # Overpass: promise the whole body, send half, close the connection
    malformed: bool = False  # SPARQL: answer 200 with a cut-off JSON body
    trickle: float = 0.0  # send the answer one byte every this many seconds (no read ever times out)

    @classmethod
    def http(cls, status: int, retry_after: str | None = None) -> Self:
        return cls(status=status, retry_after=retry_after)

    @classmethod
    def timeout(cls, seconds: float) -> Self:
        return cls(delay=seconds)

    @classmethod
    def trickling(cls, seconds_per_byte: float = 2.0) -> Self:
        return cls(trickle=seconds_per_byte)

    @classmethod
    def runtime_remark(cls, remark: str = RUNTIME_TIMEOUT_REMARK) -> Self:
        return cls(remark=remark)

    @classmethod
    def truncated_body(cls) -> Self:
        return cls(truncated=True)

    @classmethod
    def connection_cut(cls) -> Self:
        return cls(cut=True)

    @classmethod
    def malformed_json(cls) -> Self:
        return cls(malformed=True)


@dataclass
class RecordedRequest:
    """One request as the client sent it, and what the stand-in did with it."""

    method: str
    path: str
    headers: dict[str, str]
    query: str | None
    fault: Fault | None = None
    body_bytes: int = 0  # size of the POST body (0 for a GET)
    fixture: str | None = None  # Overpass: which file answered (None: an error or a fault)


@dataclass
class Standin:
    """The running server; ``faults`` is consumed one per request, first in first out."""

    faults: deque = field(default_factory=deque)
    requests: list = field(default_factory=list)
    url: str = ""

    handler: ClassVar[type[StandinHandler]]
    endpoint: ClassVar[str]
    thread_name: ClassVar[str]

    def __post_init__(self) -> None:
        self._lock = threading.Lock()  # handlers run on their own threads
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> Self:
        standin = self

        # A class per server, so that handlers (built by the server, one per request) find their stand-in.
        class Handler(self.handler):
            owner = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}{self.endpoint}"
        # A short poll interval: shutdown() waits up to one interval, once per test.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.thread_name, daemon=True
        ).start()
        return self

    def close(self) -> None:
        self._closing.set()  # wakes handlers sleeping through a scripted timeout
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.popleft() if self.faults else None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class StandinHandler(BaseHTTPRequestHandler):
    owner: Standin
    protocol_version = "HTTP/1.1"
    query_param: ClassVar[str] = "query"  # the form / URL field holding the query

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self._handle(url.path, parse_qs(url.query).get(self.query_param, [None])[0], 0)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._handle(urlsplit(self.path).path, self._query_from_body(body), len(body))

    def _query_from_body(self, body: bytes) -> str | None:
        return parse_qs(body.decode("utf-8")).get(self.query_param, [None])[0]

    def _handle(self, path: str, query: str | None, body_bytes: int) -> None:
        fault = self.owner._next_fault()
        record = RecordedRequest(
            method=self.command,
            path=self.path,
            headers=dict(self.headers.items()),
            query=query,
            fault=fault,
            body_bytes=body_bytes,
        )
        self.owner._record(record)
        self._trickle = fault.trickle if fault else 0.0
        if fault and fault.delay:
            self.owner._closing.wait(fault.delay)
        if fault and fault.status:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return self._error(fault.status, f"scripted HTTP {fault.status}", headers)
        self._answer(path, query, fault, record)

    def _answer(self, path: str, query: str | None, fault: Fault | None, record: RecordedRequest) -> None:
        """Answer the request in the server's protocol (no scripted status left to apply)."""
        raise NotImplementedError

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        """An error answer; a server whose real counterpart words errors differently overrides this."""
        self._send(status, f"{message}\n".encode(), "text/plain", headers)

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None, cut: bool = False
    ) -> None:
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
            if getattr(self, "_trickle", 0.0):
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    if self.owner._closing.wait(self._trickle):
                        return
                return
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (a scripted timeout): nothing to tell it
