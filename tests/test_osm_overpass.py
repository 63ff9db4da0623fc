"""The Overpass client against the local stand-in: answers, faults, mirrors, cache.

Every fault must end in a retry that succeeds or in a clear RemoteError, and
never in a hang: the policy keeps delays tiny and records the waits it was
asked for (so Retry-After is checked without sleeping through it).
"""
from __future__ import annotations

import time

import pytest

from app.osm.overpass import OverpassClient, check_answer
from app.remote import MemoryCache, RemoteError, RetryableError, RetryPolicy, cache_key
from tests.standins.overpass import (
    RUNTIME_DISPATCHER_REMARK,
    RUNTIME_MEMORY_REMARK,
    RUNTIME_TIMEOUT_REMARK,
    Fault,
)

QUERY = "[out:json][timeout:25];\nrel(1001)->.candidates;\n.candidates out tags;"


class Sleeps(list):
    """Records the waits the retry loop asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


def make_client(urls, sleeps, **kw) -> OverpassClient:
    policy = RetryPolicy(attempts=3, base_delay=0.01, max_delay=30, timeout=0.5, sleep=sleeps)
    return OverpassClient(urls, contact="tests@example.invalid", policy=policy, **kw)


def test_answer_and_user_agent(overpass_server, sleeps):
    data = make_client([overpass_server.url], sleeps).raw(QUERY)
    assert [el["type"] for el in data["elements"]][:2] == ["relation", "area"]
    request = overpass_server.requests[-1]
    assert request.method == "POST" and request.query == QUERY
    assert request.headers["User-Agent"].startswith("WhoseStreets/")
    assert "tests@example.invalid" in request.headers["User-Agent"]
    assert sleeps == []


def test_query_gives_an_overpy_result(overpass_server, sleeps):
    result = make_client([overpass_server.url], sleeps).query(QUERY)
    assert [r.id for r in result.relations] == [1001]
    assert result.relations[0].tags["name"] == "Villa Ejemplo"


@pytest.mark.parametrize(
    "fault",
    [
        Fault.http(504),
        Fault.http(503),
        Fault.runtime_remark(RUNTIME_TIMEOUT_REMARK),
        Fault.runtime_remark(RUNTIME_MEMORY_REMARK),
        Fault.runtime_remark(RUNTIME_DISPATCHER_REMARK),
        Fault.truncated_body(),
        Fault.connection_cut(),
        Fault.timeout(2.0),
    ],
    ids=["504", "503", "remark-timeout", "remark-memory", "remark-dispatcher", "truncated", "cut", "timeout"],
)
def test_one_fault_then_success(overpass_server, sleeps, fault):
    overpass_server.faults.append(fault)
    started = time.monotonic()
    data = make_client([overpass_server.url], sleeps).raw(QUERY)
    assert data["elements"]
    assert len(overpass_server.requests) == 2
    assert sleeps == [0.01]  # one backoff step, base delay
    assert time.monotonic() - started < 2.0  # the client timeout (0.5 s) cut the slow answer short


def test_retry_after_is_honoured(overpass_server, sleeps):
    overpass_server.faults.extend([Fault.http(429, retry_after="7"), Fault.http(429)])
    assert make_client([overpass_server.url], sleeps).raw(QUERY)["elements"]
    # Retry-After wins over the backoff; without it the backoff doubles (0.01 * 2).
    assert sleeps == [7.0, 0.02]


def test_retry_after_is_capped(overpass_server, sleeps):
    overpass_server.faults.append(Fault.http(429, retry_after="3600"))
    make_client([overpass_server.url], sleeps).raw(QUERY)
    assert sleeps == [30]  # policy.max_delay


def test_persistent_fault_ends_in_remote_error(overpass_server, sleeps):
    overpass_server.faults.extend([Fault.truncated_body()] * 3)
    with pytest.raises(RemoteError, match="malformed or truncated JSON") as info:
        make_client([overpass_server.url], sleeps).raw(QUERY)
    assert info.value.service == "overpass"
    assert "gave up after 3 attempts" in str(info.value)
    assert len(overpass_server.requests) == 3


def test_persistent_timeout_ends_in_remote_error_not_a_hang(overpass_server, sleeps):
    overpass_server.faults.extend([Fault.timeout(5.0)] * 3)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="timed out"):
        make_client([overpass_server.url], sleeps).raw(QUERY)
    assert time.monotonic() - started < 4.0


def test_other_runtime_error_is_not_retried(overpass_server, sleeps):
    overpass_server.faults.append(Fault.runtime_remark("runtime error: Area 3600001001 not found in the database."))
    with pytest.raises(RemoteError, match="could not run the query"):
        make_client([overpass_server.url], sleeps).raw(QUERY)
    assert len(overpass_server.requests) == 1 and sleeps == []


def test_unknown_query_is_a_clear_error(overpass_server, sleeps):
    with pytest.raises(RemoteError, match="HTTP 400"):
        make_client([overpass_server.url], sleeps).raw("node(1); out;")
    assert sleeps == []


def test_mirror_that_is_down_fails_over(overpass_server, sleeps):
    client = make_client([overpass_server.down_url, overpass_server.url], sleeps)
    assert client.raw(QUERY)["elements"]
    assert len(overpass_server.requests) == 1
    assert sleeps == [0.01, 0.02]  # the dead mirror got its attempts first


def test_all_mirrors_down_names_each(overpass_server, sleeps):
    client = make_client([overpass_server.down_url, overpass_server.down_url.replace("/api", "/x/api")], sleeps)
    with pytest.raises(RemoteError, match="no mirror could answer") as info:
        client.raw(QUERY)
    assert str(info.value).count("could not connect") == 2


def test_cache_serves_repeat_and_offline(overpass_server, sleeps):
    cache = MemoryCache()
    first = make_client([overpass_server.url], sleeps, cache=cache).raw(QUERY)
    offline = make_client([], sleeps, cache=cache, offline=True)
    assert offline.raw(QUERY) == first
    assert len(overpass_server.requests) == 1
    with pytest.raises(RemoteError, match="offline"):
        offline.raw(QUERY + " ")


def test_failed_answers_are_not_cached(overpass_server, sleeps):
    cache = MemoryCache()
    overpass_server.faults.append(Fault.runtime_remark())
    make_client([overpass_server.url], sleeps, cache=cache).raw(QUERY)
    body = cache.get("overpass", cache_key("overpass", QUERY))
    assert "remark" not in check_answer(body)


def test_check_answer_classifies_bodies():
    with pytest.raises(RetryableError):
        check_answer('{"elements": [')
    with pytest.raises(RetryableError):
        check_answer("<html>busy</html>")
    with pytest.raises(RetryableError):
        check_answer('{"elements": [], "remark": "runtime error: Query timed out in \\"query\\""}')
    with pytest.raises(RemoteError):
        check_answer('{"elements": [], "remark": "runtime error: unknown"}')
    assert check_answer('{"elements": [], "remark": "note: nothing"}') == {"elements": [], "remark": "note: nothing"}
