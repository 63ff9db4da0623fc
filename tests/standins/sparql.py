"""A local stand-in for the Wikidata Query Service.

A real HTTP endpoint on 127.0.0.1 speaking the SPARQL 1.1 protocol (POST with a
form-encoded ``query=``, POST with ``application/sparql-query``, or GET
``?query=``), answering ``application/sparql-results+json`` from a pyoxigraph
store loaded with Wikidata-shaped triples. Tests script faults for the next
requests (HTTP statuses with Retry-After, a slow answer, a malformed body) and
read the log of what the client sent (method, headers, query). The server
plumbing (fault queue, request log, life cycle) is in tests/standins/base.py.

Usage (also registered as a pytest plugin by tests/conftest.py)::

    def test_x(sparql_server):
        sparql_server.faults.append(Fault.http(429, retry_after="3"))
        client = SparqlClient(sparql_server.url, ...)
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

# Fault and RecordedRequest are shared with the Overpass stand-in; tests import them from here.
from tests.standins.base import Fault, RecordedRequest, Standin, StandinHandler

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "wikidata"
VILLA_EJEMPLO = FIXTURE_DIR / "villa_ejemplo.ttl"

RESULTS_JSON = "application/sparql-results+json"


class _Handler(StandinHandler):
    owner: SparqlStandin
    query_param = "query"

    def _query_from_body(self, body: bytes) -> str | None:
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if kind == "application/sparql-query":
            return body.decode("utf-8")
        return super()._query_from_body(body)

    def _answer(self, path: str, query: str | None, fault: Fault | None, record: RecordedRequest) -> None:
        # The path is not checked: clients only ever get ``url``, and the tests check what they sent.
        if not query:
            return self._error(400, "missing query parameter")
        try:
            results = self.owner.store.query(query)
            payload = results.serialize(format=ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            return self._error(400, f"query parse error: {exc}")
        except Exception as exc:  # an evaluation error, as WDQS would answer it
            return self._error(500, f"query failed: {exc}")
        if fault and fault.malformed:
            payload = payload[: max(1, len(payload) // 2)]
        self._send(200, payload, RESULTS_JSON)


@dataclass
class SparqlStandin(Standin):
    """The running server; ``faults`` is consumed one per request, first in first out."""

    store: ox.Store = field(default_factory=ox.Store)

    handler = _Handler
    endpoint = "/sparql"
    thread_name = "sparql-standin"

    # --- data ---
    def load(self, turtle: str | bytes) -> None:
        data = turtle.encode("utf-8") if isinstance(turtle, str) else turtle
        self.store.load(data, format=ox.RdfFormat.TURTLE)

    def load_file(self, path: Path | str) -> None:
        self.load(Path(path).read_bytes())

    def load_ntriples(self, text: str | bytes) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)

    @property
    def query_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.query is not None]


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
