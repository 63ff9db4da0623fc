"""Remote requests end: an overall deadline beats a server that trickles its answer. And their errors
name the service ("overpass mirror 2"), never a configured address or its credentials."""
from __future__ import annotations

import time

import pytest

from app.jobs import public_reason
from app.osm.overpass import OverpassClient
from app.remote import RemoteError, RetryPolicy, redact
from app.wikidata.client import SparqlClient
from tests.standins.base import Fault

QUERY = '[out:json][timeout:25]; rel(1001); out tags center;'


def test_a_trickling_overpass_is_given_up_at_the_deadline_not_after_minutes(overpass_server):
    # One byte every 2 s: no single read ever times out, the whole answer would take hours.
    overpass_server.faults.extend([Fault.trickling(2.0)] * 3)
    client = OverpassClient([overpass_server.url], policy=RetryPolicy(attempts=3, base_delay=0.01, timeout=3,
                                                                      deadline=5))
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        client.raw(QUERY)
    elapsed = time.monotonic() - started
    assert elapsed < 12, elapsed  # the deadline (5 s), plus at most one read in progress
    assert "no complete answer within 3s" in str(caught.value)
    assert len(overpass_server.requests) == 2  # the third attempt would pass the 5 s deadline


def test_a_trickling_sparql_endpoint_is_given_up_too(sparql_server):
    sparql_server.faults.extend([Fault.trickling(2.0)] * 2)
    client = SparqlClient(sparql_server.url, policy=RetryPolicy(attempts=2, base_delay=0.01, timeout=3, deadline=8))
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        client.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    assert time.monotonic() - started < 14
    assert "no complete answer within 3s" in str(caught.value)


def test_errors_name_the_mirror_and_never_show_its_address_or_credentials(overpass_server):
    secret_mirror = overpass_server.down_url.replace("http://", "http://operator:hunter2@")
    client = OverpassClient([overpass_server.down_url, secret_mirror],
                            policy=RetryPolicy(attempts=1, base_delay=0.01, timeout=2))
    with pytest.raises(RemoteError) as caught:
        client.raw(QUERY)
    message = public_reason(caught.value)
    assert "overpass mirror 1" in message and "overpass mirror 2" in message
    for leak in ("hunter2", "operator", "127.0.0.1", str(overpass_server.down_url.split(":")[2].split("/")[0])):
        assert leak not in message


def test_an_http_error_names_the_service_not_the_url(overpass_server, sparql_server):
    overpass_server.faults.append(Fault.http(403))
    with pytest.raises(RemoteError) as caught:
        OverpassClient([overpass_server.url], policy=RetryPolicy(attempts=1, timeout=2)).raw(QUERY)
    assert "HTTP 403 from overpass" in str(caught.value) and "127.0.0.1" not in str(caught.value)
    sparql_server.faults.append(Fault.http(403))
    with pytest.raises(RemoteError) as caught:
        SparqlClient(sparql_server.url, policy=RetryPolicy(attempts=1, timeout=2)).select("SELECT * {} LIMIT 1")
    assert "127.0.0.1" not in str(caught.value) and "sparql" in str(caught.value)


@pytest.mark.parametrize("text", [
    "could not reach https://user:pass@overpass.internal:8443/api/interpreter?key=abc",
    "HTTPConnectionPool(host='10.0.0.5', port=8080): Max retries exceeded",
    'connection to server at "192.168.1.20", port 5432 failed',
])
def test_redact_takes_out_every_kind_of_address(text):
    cleaned = redact(text)
    for leak in ("user:pass", "overpass.internal", "abc", "10.0.0.5", "8080", "192.168.1.20", "5432"):
        assert leak not in cleaned
    assert "<address hidden>" in cleaned
