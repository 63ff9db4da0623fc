"""Shared fixtures: an app on a real SQLite file in a temporary instance folder, and the stand-in servers."""
from __future__ import annotations

import pytest

from app import create_app

# The stand-in servers (Overpass replaying fixtures, SPARQL on pyoxigraph) as pytest fixtures.
pytest_plugins = ["tests.standins.overpass", "tests.standins.sparql", "tests.browser", "tests.backends"]


def make_env(tmp_path, **extra) -> dict:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
        # Nothing listens on port 9 (discard): a test that forgets a stand-in fails fast, offline.
        "OVERPASS_URL": "http://127.0.0.1:9/api/interpreter",
        "SPARQL_URL": "http://127.0.0.1:9/sparql",
        "CONTACT": "tests@example.invalid",
        "SECRET_KEY": "test-secret",
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite'}",
    }
    # PostgreSQL + Redis when the test runs on them (tests/backends.py).
    from tests.backends import CURRENT  # imported late: pytest loads it as a plugin first

    env.update(CURRENT)
    env.update(extra)
    return env


def set_env(monkeypatch, tmp_path, **extra) -> dict:
    """Configure the process environment like a user's shell, for the real CLI (it builds its own app)."""
    env = make_env(tmp_path, **extra)
    env["INSTANCE_PATH"] = str(tmp_path / "instance")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    return set_env(monkeypatch, tmp_path)


@pytest.fixture
def pipeline_env(tmp_path, monkeypatch, overpass_server, sparql_server):
    """The environment for whole analyses against both stand-in servers, with quick retries."""
    return set_env(monkeypatch, tmp_path, OVERPASS_URL=overpass_server.url, SPARQL_URL=sparql_server.url,
                   REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01", REMOTE_TIMEOUT="5")


def running_app(tmp_path, *, start_workers: bool):
    """An app on a fresh instance folder; a generator for fixtures, which stops its workers at the end."""
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": make_env(tmp_path), "TESTING": True},
                     start_workers=start_workers)
    yield app
    app.extensions["jobs"].stop_workers()
    app.extensions["store"].dispose()


@pytest.fixture
def app(tmp_path):
    yield from running_app(tmp_path, start_workers=False)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def store(app):
    return app.extensions["store"]


@pytest.fixture
def sample_city(store):
    """The fixture city stored as analysed; returns its slug."""
    from tests.sample_city import AREA, store_sample_city

    store_sample_city(store)
    return AREA.slug
