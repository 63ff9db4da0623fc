"""`analyze-region --queue` as deployed on several machines: the store on PostgreSQL, the queue on Redis,
municipalities stored by several real `whose-streets worker` processes at once.

Runs only on the PostgreSQL + Redis backend (tests/backends.py gives the test its own schema and queue):
that is the deployment in which several worker processes share a region (huey's SQLite queue and SQLite
are for one machine). Everything is real: the CLI and the workers are processes of their own, the
Wikidata side is the SPARQL stand-in. The extract is tests/region_extract.py's province.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from app.config import load_settings
from app.store import Store
from app.store.models import AreaRow, RegionMemberRow, RegionRow, ReviewRow, RunRow, StreetRow, UserRow
from tests.conftest import make_env
from tests.region_extract import PROVINCE, write_region_pbf
from tests.standins.base import Fault

#: A woman no street of the province is named after, known to the stand-in only: a volunteer's review
#: names her, so the worker storing the town must ask Wikidata for her (where this test stalls it).
REVIEWED = "Q910050"
REVIEWED_STREET = "Calle de Miguel de Cervantes"
#: Another such woman, reviewed later, to stall a second worker (the first one's answer is cached by then).
REVIEWED_LATER = "Q910051"
REVIEWED_LATER_STREET = "Calle de Francisco de Goya"
#: The workers' lease (JOB_LEASE_SECONDS): short, so a dead worker's municipality is taken over soon.
LEASE_SECONDS = 4


@pytest.fixture
def region_sparql(empty_sparql_server):
    from tests.region_extract import region_turtle

    empty_sparql_server.load(region_turtle() + (
        f'wd:{REVIEWED} wdt:P31 wd:Q5 ; wdt:P21 wd:Q6581072 ; wdt:P27 wd:Q29 ; rdfs:label "María Moliner"@es .\n'
        f'wd:{REVIEWED_LATER} wdt:P31 wd:Q5 ; wdt:P21 wd:Q6581072 ; wdt:P27 wd:Q29 ; '
        f'rdfs:label "Gloria Fuertes"@es .\n'))
    return empty_sparql_server


def process_env(tmp_path, sparql_url: str) -> dict:
    env = {**os.environ, **make_env(tmp_path, SPARQL_URL=sparql_url, REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01",
                                     REMOTE_TIMEOUT="60", JOB_MODE="external", JOB_WORKERS="1",
                                     JOB_LEASE_SECONDS=str(LEASE_SECONDS))}
    env["INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def cli(env, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app.cli", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def queue_region(env, extract) -> None:
    """`whose-streets analyze-region EXTRACT --within relation/5000 --queue`, to its end."""
    process = cli(env, "analyze-region", str(extract), "--within", f"relation/{PROVINCE}", "--queue")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "municipalities queued for the workers" in err


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def wait_for(condition, timeout=90.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not met within {timeout:g}s")


def region(store) -> RegionRow:
    with store.session() as session:
        row = session.scalar(select(RegionRow))
        session.expunge(row)
        return row


def members(store) -> dict[str, tuple[str, int | None, bool]]:
    """Municipality -> (status, run id, still holding its payload)."""
    with store.session() as session:
        return {name: (status, run_id, payload is not None) for name, status, run_id, payload in session.execute(
            select(AreaRow.name, RegionMemberRow.status, RegionMemberRow.run_id, RegionMemberRow.payload)
            .join(AreaRow, AreaRow.id == RegionMemberRow.area_id))}


def runs(store) -> dict[str, list[int]]:
    """Municipality -> the ids of every run stored for it."""
    found: dict[str, list[int]] = {}
    with store.session() as session:
        for name, run_id in session.execute(select(AreaRow.name, RunRow.id).join(RunRow, RunRow.area_id == AreaRow.id)
                                            .order_by(RunRow.id)):
            found.setdefault(name, []).append(run_id)
    return found


def holder(store, name: str) -> tuple[str, str | None]:
    """A municipality's status and the worker whose lease it is under."""
    with store.session() as session:
        return tuple(session.execute(select(RegionMemberRow.status, RegionMemberRow.worker)
                                     .join(AreaRow, AreaRow.id == RegionMemberRow.area_id)
                                     .where(AreaRow.name == name)).one())


def review(store, street_name: str, qid: str) -> None:
    """A volunteer says this street of Villaclara honours ``qid``."""
    with store.session() as session:
        villaclara = session.scalar(select(AreaRow).where(AreaRow.name == "Villaclara"))
        key = session.scalar(select(StreetRow.key).where(StreetRow.area_id == villaclara.id,
                                                         StreetRow.name == street_name))
        user = session.scalar(select(UserRow).where(UserRow.name == "ana"))
        if user is None:
            user = UserRow(name="ana", password_hash="x")
            session.add(user)
            session.flush()
        session.add(ReviewRow(area_id=villaclara.id, street_key=key, street_name=street_name,
                              user_id=user.id, qids=[qid], note="test"))


def asked_for(sparql, qid: str, since: int) -> bool:
    return any(qid in (r.query or "") for r in sparql.query_requests[since:])


def current_runs(store) -> dict[str, int | None]:
    with store.session() as session:
        return dict(session.execute(select(AreaRow.name, AreaRow.current_run_id)).all())


def test_workers_on_postgresql_and_redis_store_each_municipality_once_and_a_dead_one_resumes(
        tmp_path, region_sparql, backend):
    if backend != "postgresql":
        pytest.skip("several worker processes: the PostgreSQL + Redis deployment")
    extract = tmp_path / "provincia.osm.pbf"
    write_region_pbf(extract)
    env = process_env(tmp_path, region_sparql.url)
    assert env["DATABASE_URL"].startswith("postgresql") and env["QUEUE_URL"].startswith("redis://")
    store = Store(load_settings(tmp_path / "instance", env=env).database_url)
    store.upgrade()
    workers: list[subprocess.Popen] = []
    try:
        # 1. The CLI reads the extract, resolves the names and queues the towns; no worker runs yet.
        queue_region(env, extract)
        assert members(store) == {"Villaclara": ("pending", None, True), "Rosaleda": ("pending", None, True),
                                  "Yermo": ("empty", None, False)}
        assert (region(store).status, region(store).done) == ("running", 1)

        # 2. Two workers start at once and share the towns; the last to finish completes the region.
        workers += [cli(env, "worker"), cli(env, "worker")]
        wait_for(lambda: region(store).status == "done", what="the region done by the workers")
        first = runs(store)
        assert {name: len(ids) for name, ids in first.items()} == {"Villaclara": 1, "Rosaleda": 1}
        done = members(store)
        assert done == {"Villaclara": ("done", first["Villaclara"][0], False),
                        "Rosaleda": ("done", first["Rosaleda"][0], False), "Yermo": ("empty", None, False)}
        assert current_runs(store) == {"Villaclara": first["Villaclara"][0], "Rosaleda": first["Rosaleda"][0],
                                       "Yermo": None}
        row = region(store)
        # The region's curated figures: 4 of its 14 person-named streets honour women.
        assert (row.done, row.total, row.stats["person_streets"], row.stats["women_streets"]) == (3, 3, 14, 4)
        for worker in workers:
            kill(worker)
        workers.clear()

        # 3. A volunteer says Cervantes' street honours María Moliner; the region is analysed again.
        review(store, REVIEWED_STREET, REVIEWED)
        queue_region(env, extract)
        assert {name: m[0] for name, m in members(store).items()} == \
            {"Villaclara": "pending", "Rosaleda": "pending", "Yermo": "empty"}

        # The worker storing Villaclara asks Wikidata for the reviewed woman: that answer takes 60 s,
        # and the worker is killed while it waits, with Villaclara taken under its lease and not stored.
        region_sparql.faults.append(Fault.timeout(60))
        asked = len(region_sparql.query_requests)
        doomed = cli(env, "worker")
        workers.append(doomed)
        wait_for(lambda: asked_for(region_sparql, REVIEWED, asked), what="a worker asking for the reviewed namesake")
        status, dead_worker = holder(store, "Villaclara")
        assert status == "running" and dead_worker
        kill(doomed)

        # Two fresh workers store Rosaleda, and take Villaclara over once the dead worker's lease expired.
        workers += [cli(env, "worker"), cli(env, "worker")]
        wait_for(lambda: region(store).status == "done", what="the region done after a worker died")
        second = runs(store)
        assert {name: len(ids) for name, ids in second.items()} == {"Villaclara": 2, "Rosaleda": 2}
        assert members(store) == {"Villaclara": ("done", second["Villaclara"][-1], False),
                                  "Rosaleda": ("done", second["Rosaleda"][-1], False), "Yermo": ("empty", None, False)}
        assert holder(store, "Villaclara") == ("done", None)
        assert current_runs(store)["Villaclara"] == second["Villaclara"][-1]
        with store.session() as session:
            reviewed = session.scalar(select(StreetRow).where(StreetRow.run_id == second["Villaclara"][-1],
                                                              StreetRow.name == REVIEWED_STREET))
            assert (reviewed.category, reviewed.source) == ("woman", "review")
            assert session.scalar(select(func.count(StreetRow.id)).where(StreetRow.name == REVIEWED_STREET)) == 1
        row = region(store)
        # One more woman: Villaclara 4 of 12, the region 5 of 14.
        assert (row.done, row.stats["person_streets"], row.stats["women_streets"]) == (3, 14, 5)
        for worker in workers:
            kill(worker)
        workers.clear()

        # 4. Another review; the region is queued again, and one worker takes Villaclara and stalls on
        # Wikidata for longer than its lease, renewing it all the while.
        review(store, REVIEWED_LATER_STREET, REVIEWED_LATER)
        queue_region(env, extract)
        stall = 6 * LEASE_SECONDS
        region_sparql.faults.append(Fault.timeout(stall))
        asked = len(region_sparql.query_requests)
        slow = cli(env, "worker")
        workers.append(slow)
        wait_for(lambda: asked_for(region_sparql, REVIEWED_LATER, asked), what="a worker asking for the later review")
        stalled_at = time.monotonic()
        status, live_worker = holder(store, "Villaclara")
        assert status == "running" and live_worker and live_worker != dead_worker
        # Meanwhile another worker is ready and the command is run again: Villaclara stays with the live
        # worker (its lease is renewed), and is not queued a second time.
        workers.append(cli(env, "worker"))
        queue_region(env, extract)
        assert time.monotonic() - stalled_at < stall, "the stalled answer came before the command was run again"
        assert holder(store, "Villaclara") == ("running", live_worker)
        time.sleep(2 * LEASE_SECONDS)  # past its lease: only the heartbeat keeps it
        assert holder(store, "Villaclara") == ("running", live_worker)
        wait_for(lambda: region(store).status == "done", what="the region done by the live worker")
        final = runs(store)
        # One more run each: Villaclara's by the worker that held it, not a second by the other one.
        assert {name: len(ids) for name, ids in final.items()} == {"Villaclara": 3, "Rosaleda": 3}
        assert members(store)["Villaclara"] == ("done", final["Villaclara"][-1], False)
        assert current_runs(store)["Villaclara"] == final["Villaclara"][-1]
        with store.session() as session:
            later = session.scalar(select(StreetRow).where(StreetRow.run_id == final["Villaclara"][-1],
                                                           StreetRow.name == REVIEWED_LATER_STREET))
            assert (later.category, later.source) == ("woman", "review")
            stats = session.scalar(select(AreaRow.stats).where(AreaRow.name == "Villaclara"))
        assert (stats["person_streets"], stats["women_streets"]) == (12, 5)
        row = region(store)
        assert (row.done, row.stats["person_streets"], row.stats["women_streets"]) == (3, 14, 6)
    finally:
        for worker in workers:
            kill(worker)
        store.dispose()
