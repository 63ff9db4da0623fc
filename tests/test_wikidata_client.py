"""The SPARQL client against the local stand-in: protocol, politeness, cache, faults."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.remote import MemoryCache, RemoteError, RetryPolicy, cache_key
from app.wikidata.client import SERVICE, SparqlClient
from tests.standins.sparql import Fault

QUERY = """PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?country WHERE { ?country wdt:P297 "UY" }"""
UY = [{"country": "http://www.wikidata.org/entity/Q77"}]
QUERIES = Path(__file__).resolve().parent.parent / "queries"


class Sleeps(list):
    """Records the waits RetryPolicy asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fast_policy(sleeps: Sleeps | None = None, attempts: int = 3, timeout: float = 5.0) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, base_delay=0.01, max_delay=30, timeout=timeout, sleep=sleeps if sleeps is not None else Sleeps())


def test_select_posts_form_with_user_agent_and_json(sparql_server):
    client = SparqlClient(sparql_server.url, contact="ops@example.org", policy=fast_policy())
    assert client.select(QUERY) == UY
    [request] = sparql_server.requests
    assert request.method == "POST"
    assert request.query == QUERY
    assert request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert "application/sparql-results+json" in request.headers["Accept"]
    agent = request.headers["User-Agent"]
    assert agent.startswith("WhoseStreets/") and "ops@example.org" in agent
    assert client.requests_sent == 1 and client.bytes_sent == len(QUERY.encode())


def test_every_answer_is_cached_as_raw_json(sparql_server):
    cache = MemoryCache()
    client = SparqlClient(sparql_server.url, cache=cache, policy=fast_policy())
    client.select(QUERY)
    raw = cache.get(SERVICE, cache_key("sparql", QUERY))
    assert raw is not None and '"results"' in raw
    assert client.select(QUERY) == UY
    assert len(sparql_server.requests) == 1
    assert client.cache_hits == 1


def test_offline_uses_the_cache_and_refuses_misses(sparql_server):
    cache = MemoryCache()
    SparqlClient(sparql_server.url, cache=cache, policy=fast_policy()).select(QUERY)
    offline = SparqlClient(sparql_server.url, cache=cache, offline=True, policy=fast_policy())
    assert offline.select(QUERY) == UY
    with pytest.raises(RemoteError, match="offline"):
        offline.select(QUERY.replace("UY", "ES"))
    assert len(sparql_server.requests) == 1
    assert offline.requests_sent == 0


def test_429_waits_as_long_as_retry_after_says(sparql_server):
    sleeps = Sleeps()
    sparql_server.faults.append(Fault.http(429, retry_after="7"))
    client = SparqlClient(sparql_server.url, policy=fast_policy(sleeps))
    assert client.select(QUERY) == UY
    assert sleeps == [7.0]
    assert client.requests_sent == 2


def test_503_with_http_date_retry_after(sparql_server):
    sleeps = Sleeps()
    sparql_server.faults.append(Fault.http(503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT"))
    client = SparqlClient(sparql_server.url, policy=fast_policy(sleeps))
    assert client.select(QUERY) == UY
    assert sleeps == [0.0]  # a date in the past: retry at once


def test_500_is_retried_with_backoff(sparql_server):
    sleeps = Sleeps()
    sparql_server.faults.extend([Fault.http(500), Fault.http(500)])
    client = SparqlClient(sparql_server.url, policy=fast_policy(sleeps))
    assert client.select(QUERY) == UY
    assert sleeps == [0.01, 0.02]
    assert len(sparql_server.requests) == 3


def test_timeout_is_retried(sparql_server):
    sparql_server.faults.append(Fault.timeout(1.5))
    client = SparqlClient(sparql_server.url, policy=fast_policy(timeout=0.4))
    assert client.select(QUERY) == UY
    assert client.requests_sent == 2


def test_malformed_json_is_retried_then_succeeds(sparql_server):
    sparql_server.faults.append(Fault.malformed_json())
    cache = MemoryCache()
    client = SparqlClient(sparql_server.url, cache=cache, policy=fast_policy())
    assert client.select(QUERY) == UY
    assert client.requests_sent == 2
    # Only the good answer is cached.
    assert cache.get(SERVICE, cache_key("sparql", QUERY)).startswith("{")


@pytest.mark.parametrize(
    "fault, message",
    [
        (Fault.http(503), r"HTTP 503"),
        (Fault.http(429, retry_after="1"), r"HTTP 429"),
        (Fault.malformed_json(), r"malformed JSON"),
        (Fault.http(500), r"HTTP 500"),
    ],
)
def test_repeated_faults_end_in_a_clear_remote_error(sparql_server, fault, message):
    sparql_server.faults.extend([fault] * 3)
    cache = MemoryCache()
    client = SparqlClient(sparql_server.url, cache=cache, policy=fast_policy(attempts=3))
    with pytest.raises(RemoteError) as caught:
        client.select(QUERY)
    assert re.search(message, str(caught.value))
    assert "gave up after 3 attempts" in str(caught.value)
    assert caught.value.service == "sparql"
    assert len(sparql_server.requests) == 3
    assert cache.get(SERVICE, cache_key("sparql", QUERY)) is None


def test_bad_query_is_not_retried(sparql_server):
    client = SparqlClient(sparql_server.url, policy=fast_policy())
    with pytest.raises(RemoteError, match="QueryBadFormed"):
        client.select("SELECT WHERE {")
    assert len(sparql_server.requests) == 1


def test_unreachable_endpoint_is_a_remote_error(empty_sparql_server):
    url = empty_sparql_server.url
    empty_sparql_server.close()
    client = SparqlClient(url, policy=fast_policy(attempts=2))
    with pytest.raises(RemoteError, match="could not connect"):
        client.select(QUERY)


@pytest.mark.parametrize("path", sorted(QUERIES.glob("wikidata_*.rq")), ids=lambda p: p.name)
def test_queries_are_plain_sparql(path):
    """Every query must run on WDQS and on a plain SPARQL 1.1 engine alike."""
    text = re.sub(r"(?m)^#.*$", "", path.read_text(encoding="utf-8"))
    assert "SERVICE" not in text.upper()
    assert "mwapi" not in text
    used = set(re.findall(r"(?<![\w:/])([a-z]+):[A-Za-z]", re.sub(r"<[^>]*>|\"[^\"]*\"", "", text)))
    declared = set(re.findall(r"PREFIX (\w+):", text))
    assert used <= declared, f"undeclared prefixes {used - declared}"


def test_sparql_url_may_list_mirrors_tried_in_order(sparql_server):
    """A mirror that cannot answer (nothing listens on port 9) hands over to the next one."""
    sleeps = Sleeps()
    client = SparqlClient(f"http://127.0.0.1:9/sparql,{sparql_server.url}", policy=fast_policy(sleeps, attempts=2))
    assert client.select(QUERY) == UY
    assert len(sparql_server.requests) == 1 and len(sleeps) == 1  # the dead mirror was tried twice
    assert client.remote.urls == ["http://127.0.0.1:9/sparql", sparql_server.url]


def test_both_clients_share_one_remote_policy_object(overpass_server, sparql_server):
    from app.osm.overpass import OverpassClient
    from app.remote import Mirrors

    cache = MemoryCache()
    sparql = SparqlClient(sparql_server.url, cache=cache, policy=fast_policy())
    overpass = OverpassClient([overpass_server.url], cache=cache, policy=fast_policy())
    assert isinstance(sparql.remote, Mirrors) and isinstance(overpass.http.remote, Mirrors)
    sparql.select(QUERY)
    offline = SparqlClient(sparql_server.url, cache=cache, offline=True, policy=fast_policy())
    assert offline.select(QUERY) == UY and offline.cache_hits == 1
