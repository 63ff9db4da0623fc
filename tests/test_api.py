"""The JSON API through Flask's test client, on a real SQLite store."""
import threading

from app.store.models import JobRow


def test_cities_lists_analysed_cities_with_figures(client, sample_city):
    body = client.get("/api/cities").get_json()
    [city] = body["cities"]
    assert city["slug"] == sample_city
    assert city["osm"] == "relation/1001"
    assert city["stats"]["women_share"] == round(4 / 9, 4)


def test_city_stats_and_unknown_city(client, sample_city):
    body = client.get(f"/api/cities/{sample_city}").get_json()
    assert body["stats"]["by_street"]["woman"] == 4
    missing = client.get("/api/cities/atlantis-1")
    assert missing.status_code == 404 and "atlantis" in missing.get_json()["error"]


def test_starting_an_analysis_returns_the_job_at_once_and_only_one_per_city(app, client, sample_city):
    release = threading.Event()
    queue = app.extensions["jobs"]
    queue.execute = lambda job, progress: release.wait(10) and None
    queue.start_workers()
    try:
        first = client.post("/api/cities", json={"query": "relation/1001"})
        assert first.status_code == 202
        job = first.get_json()["job"]
        assert job["area"] == sample_city and job["status"] in ("queued", "running")
        again = client.post("/api/cities", json={"query": "relation/1001"})
        assert again.status_code == 200 and again.get_json()["job"]["id"] == job["id"]
        release.set()
        queue.wait(job["id"])
        done = client.get(f"/api/jobs/{job['id']}").get_json()
        assert done["status"] == "done"
    finally:
        release.set()
        queue.stop_workers()


def test_bad_requests_get_clear_errors(client):
    assert "query" in client.post("/api/cities", data="x").get_json()["error"]
    bad = client.post("/api/cities", json={"query": "\x00evil"})
    assert bad.status_code == 400 and "control" in bad.get_json()["error"]
    assert client.get("/api/jobs/999").status_code == 404


def test_an_unreachable_overpass_is_reported_not_swallowed(tmp_path):
    from app import create_app
    from tests.conftest import make_env

    # Port 9 refuses connections; two quick attempts keep the test short.
    env = make_env(tmp_path, REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01", REMOTE_TIMEOUT="2")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env}, start_workers=False)
    response = app.test_client().post("/api/cities", json={"query": "relation/424242"})
    assert response.status_code == 502
    error = response.get_json()["error"]
    assert "overpass" in error.lower() and "could not connect" in error
    with app.extensions["store"].session() as session:
        assert session.query(JobRow).count() == 0


def test_a_full_queue_refuses_more_analyses(tmp_path):
    from app import create_app
    from app.domain import Area
    from app.store.records import find_or_create_area
    from tests.conftest import make_env

    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": make_env(tmp_path, MAX_ACTIVE_JOBS="1")},
                     start_workers=False)  # no workers: queued jobs stay queued
    store = app.extensions["store"]
    for osm_id in (1001, 1003):
        find_or_create_area(store, Area("relation", osm_id, f"City {osm_id}", admin_level=8))
    client = app.test_client()
    assert client.post("/api/cities", json={"query": "relation/1001"}).status_code == 202
    refused = client.post("/api/cities", json={"query": "relation/1003"})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "120"
    assert "already queued or running" in refused.get_json()["error"]
    # The city already queued still answers with its job.
    assert client.post("/api/cities", json={"query": "relation/1001"}).status_code == 200


def test_a_whole_country_is_refused_on_the_web(client, store):
    from app.domain import Area
    from app.store.records import find_or_create_area

    find_or_create_area(store, Area("relation", 1002, "Uruguay", admin_level=2, country_code="UY"))
    response = client.post("/api/cities", json={"query": "relation/1002"})
    assert response.status_code == 422 and "--pbf" in response.get_json()["error"]


def test_huge_bodies_are_refused_before_reading(client):
    response = client.post("/api/cities", data=b"{" + b" " * (300 * 1024) + b"}",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413
