"""The store, jobs and API tests run twice: on the embedded defaults (SQLite, huey's SQLite queue) and on
PostgreSQL with the huey queue on Redis, when TEST_DATABASE_URL and TEST_REDIS_URL name servers
(`tests/run.sh` sets them when 127.0.0.1:5432 and :6379 answer).

Test runs never share anything on those servers, so several can run at once (other people's, CI's):
each session creates its own database ``ws_test_<random>`` on the server of TEST_DATABASE_URL and drops
it at the end; each test gets its own schema in it, and its own huey queue name (the Redis key prefix of its queue and rate limits).
The terminal summary says plainly when the PostgreSQL + Redis runs were skipped.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

import pytest

#: Test modules whose tests run on every backend.
BACKEND_MODULES = {"test_store", "test_jobs", "test_api", "test_health", "test_leases", "test_deploy", "test_cache",
                   "test_changes", "test_regions_queue"}
BACKENDS = ("sqlite", "postgresql")

#: The settings of the backend the running test uses; tests.conftest.make_env starts from these.
CURRENT: dict[str, str] = {}


@dataclass
class Servers:
    """The session's own database and Redis prefix, or why there are none."""

    database_url: str | None = None  # a URL to the session's database on TEST_DATABASE_URL's server
    redis_url: str | None = None
    prefix: str = field(default_factory=lambda: "wstest" + secrets.token_hex(4))
    missing: str | None = None
    ran: int = 0
    skipped: int = 0
    _admin: object = None  # an engine on the server's own database, to create and drop ours
    _schemas: object = None  # an engine on our database, to create each test's schema
    _count: int = 0

    def next_test(self) -> dict[str, str]:
        """Settings for one test: its own schema and queue name."""
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        self._count += 1
        schema = f"t{self._count}"
        with self._schemas.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = make_url(self.database_url).update_query_dict({"options": f"-csearch_path={schema}"})
        return {
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "QUEUE_URL": self.redis_url,
            "QUEUE_NAME": f"{self.prefix}q{self._count}",
        }


def _start(servers: Servers) -> None:
    database, redis_url = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if not database or not redis_url:
        unset = [name for name, value in (("TEST_DATABASE_URL", database), ("TEST_REDIS_URL", redis_url))
                 if not value]
        servers.missing = " and ".join(unset) + (" is" if len(unset) == 1 else " are") + " not set"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    import redis

    redis.Redis.from_url(redis_url).ping()
    server = make_url(database)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"ws_test_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    servers._admin = admin
    servers.database_url = server.set(database=name).render_as_string(hide_password=False)
    servers._schemas = create_engine(servers.database_url, isolation_level="AUTOCOMMIT")
    servers.redis_url = redis_url


def _stop(servers: Servers) -> None:
    if servers._admin is None:
        return
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    import redis

    servers._schemas.dispose()
    name = make_url(servers.database_url).database
    with servers._admin.connect() as connection:
        # FORCE: a worker thread a test left behind must not keep the database alive.
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    servers._admin.dispose()
    client = redis.Redis.from_url(servers.redis_url)
    keys = list(client.scan_iter(match=f"*{servers.prefix}*", count=1000))
    if keys:
        client.delete(*keys)


SERVERS = Servers()


def pytest_configure(config):
    _start(SERVERS)


def pytest_unconfigure(config):
    _stop(SERVERS)


def pytest_generate_tests(metafunc):
    if metafunc.module.__name__.rsplit(".", 1)[-1] in BACKEND_MODULES and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(autouse=True)
def backend(request):
    """The store and queue this test runs on: "sqlite" unless its module runs on every backend."""
    name = getattr(request, "param", "sqlite")
    if name == "postgresql":
        if SERVERS.database_url is None:
            SERVERS.skipped += 1
            pytest.skip(f"PostgreSQL + Redis not tested: {SERVERS.missing}")
        SERVERS.ran += 1
        CURRENT.update(SERVERS.next_test())
    try:
        yield name
    finally:
        CURRENT.clear()


def pytest_terminal_summary(terminalreporter):
    if SERVERS.database_url is None:
        terminalreporter.write_sep(
            "=", f"PostgreSQL + Redis: NOT TESTED, {SERVERS.skipped} tests skipped ({SERVERS.missing}; "
                 "tests/run.sh sets them when 127.0.0.1:5432 and :6379 answer)", yellow=True, bold=True)
    else:
        terminalreporter.write_sep(
            "=", f"PostgreSQL + Redis: {SERVERS.ran} tests ran on a database and queue of their own", green=True)
