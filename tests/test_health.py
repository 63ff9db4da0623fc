"""``/healthz`` tells a load balancer whether the store and the job queue answer."""
from app import create_app
from tests.conftest import make_env


def test_healthz_answers_ok_when_store_and_queue_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "store": "ok", "queue": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_naming_what_is_down_without_its_address(tmp_path):
    # A Redis queue where nothing listens (port 9, discard): the store answers, the queue does not.
    env = make_env(tmp_path, QUEUE_URL="redis://127.0.0.1:9/0", JOB_MODE="external")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env, "TESTING": True}, start_workers=False)
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json() == {"status": "unavailable", "store": "ok", "queue": "unavailable"}
        assert "127.0.0.1" not in response.get_data(as_text=True)
    finally:
        app.extensions["store"].dispose()
