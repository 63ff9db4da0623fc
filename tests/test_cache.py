"""The remote-answer cache: fresh answers reused, older ones asked again, failures fall back, bounds hold."""
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import func, select, update

from app import create_app
from app.cli import main
from app.osm.overpass import OverpassClient
from app.remote import MemoryCache, RetryPolicy
from app.store import StoreCache
from app.store.models import RemoteAnswerRow, utcnow
from tests.conftest import make_env
from tests.standins.overpass import Fault

QUERY = '[out:json]; rel(1001); out tags;'


def client_for(server, cache, **options) -> OverpassClient:
    return OverpassClient([server.url], cache=cache, policy=RetryPolicy(attempts=2, base_delay=0, sleep=lambda s: None),
                          **options)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_fresh_answer_is_reused_and_an_old_one_asked_again(overpass_server):
    clock = Clock()
    cache = MemoryCache(clock)
    client_for(overpass_server, cache, max_age=60).raw(QUERY)
    client_for(overpass_server, cache, max_age=60).raw(QUERY)  # a double click: within the window
    assert len(overpass_server.requests) == 1
    clock.now += 61
    client_for(overpass_server, cache, max_age=60).raw(QUERY)
    assert len(overpass_server.requests) == 2


def test_one_client_never_asks_twice_whatever_the_age(overpass_server):
    clock = Clock()
    client = client_for(overpass_server, MemoryCache(clock), max_age=60)
    client.raw(QUERY)
    clock.now += 3600  # a long analysis: its own answers stay usable
    client.raw(QUERY)
    assert len(overpass_server.requests) == 1 and client.http.cache_hits == 1


def test_offline_takes_any_age(overpass_server):
    clock = Clock()
    cache = MemoryCache(clock)
    first = client_for(overpass_server, cache, max_age=60).raw(QUERY)
    clock.now += 10**6
    assert client_for(overpass_server, cache, max_age=60, offline=True).raw(QUERY) == first
    assert len(overpass_server.requests) == 1


def test_a_failing_service_falls_back_to_the_cached_answer(overpass_server):
    clock = Clock()
    cache = MemoryCache(clock)
    first = client_for(overpass_server, cache, max_age=60).raw(QUERY)
    clock.now += 61
    overpass_server.faults.extend([Fault.http(504), Fault.http(504)])
    again = client_for(overpass_server, cache, max_age=60)
    assert again.raw(QUERY) == first
    assert again.http.answers.stale_answers == 1 and len(overpass_server.requests) == 3


def test_the_store_cache_honours_the_age(store):
    cache = StoreCache(store)
    cache.put("overpass", "k", "http://x/api", "q", "body")
    assert cache.get("overpass", "k", 60) == "body"
    with store.session() as session:
        session.execute(update(RemoteAnswerRow).values(fetched_at=utcnow() - timedelta(seconds=120)))
    assert cache.get("overpass", "k", 60) is None
    assert cache.get("overpass", "k") == "body"  # offline and fallbacks take any age
    cache.put("overpass", "k", "http://x/api", "q", "newer")
    assert cache.get("overpass", "k", 60) == "newer"


def test_the_store_cache_prunes_the_oldest_beyond_its_bounds(store):
    cache = StoreCache(store, max_entries=5, max_bytes=1000)
    for n in range(12):
        cache.put("sparql", f"k{n}", "http://x", "q", "x" * 100)
    with store.session() as session:
        keys = set(session.scalars(select(RemoteAnswerRow.key)))
    # Passing the bound of 5 prunes down to 90 % of it (4), so pruning does not run at every answer.
    assert keys == {f"k{n}" for n in range(8, 12)}
    cache.put("sparql", "big", "http://x", "q", "y" * 850)
    with store.session() as session:
        count, weight = session.execute(select(func.count(), func.sum(RemoteAnswerRow.size))).one()
    assert weight <= 900 and count == 1 and cache.get("sparql", "big") is not None


def test_the_cache_stays_bounded_under_a_thousand_area_searches(tmp_path, overpass_server):
    from app.areas import search_areas

    env = make_env(tmp_path, OVERPASS_URL=overpass_server.url, CACHE_MAX_ENTRIES="100", CACHE_MAX_MB="1")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env, "TESTING": True}, start_workers=False)
    store = app.extensions["store"]
    settings = app.config["SETTINGS"]
    for n in range(1000):
        assert search_areas(settings, store, f"Pueblo {n:04d}") == []
    with store.session() as session:
        count, weight = session.execute(select(func.count(), func.sum(RemoteAnswerRow.size))).one()
    assert len(overpass_server.requests) == 1000
    assert 90 <= count <= 100 and weight <= 1024 * 1024
    # The newest searches are the ones kept: typing one again sends nothing.
    search_areas(settings, store, "Pueblo 0999")
    assert len(overpass_server.requests) == 1000
    store.dispose()


def analyze(*args):
    return CliRunner().invoke(main, ["analyze", *args])


def test_a_reanalysis_within_the_window_sends_nothing_new(pipeline_env, overpass_server, sparql_server):
    assert analyze("relation/1001").exit_code == 0
    sent = (len(overpass_server.requests), len(sparql_server.requests))
    assert analyze("relation/1001").exit_code == 0
    assert (len(overpass_server.requests), len(sparql_server.requests)) == sent


def test_a_reanalysis_after_the_window_asks_again(pipeline_env, overpass_server, sparql_server, monkeypatch):
    monkeypatch.setenv("CACHE_MAX_AGE", "0")
    assert analyze("relation/1001").exit_code == 0
    sent = (len(overpass_server.requests), len(sparql_server.requests))
    assert analyze("relation/1001").exit_code == 0
    # The area lookup (its boundary, and its official languages from Wikidata) may come from the store.
    assert len(overpass_server.requests) >= 2 * sent[0] - 1
    assert 2 * sent[1] - 1 <= len(sparql_server.requests) <= 2 * sent[1]
