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


@pytest.fixture
def region_sparql(empty_sparql_server):
    from tests.region_extract import region_turtle

    empty_sparql_server.load(region_turtle() + (
        f'wd:{REVIEWED} wdt:P31 wd:Q5 ; wdt:P21 wd:Q6581072 ; wdt:P27 wd:Q29 ; rdfs:label "María Moliner"@es .\n'))
    return empty_sparql_server


def process_env(tmp_path, sparql_url: str) -> dict:
    env = {**os.environ, **make_env(tmp_path, SPARQL_URL=sparql_url, REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01",
                                     REMOTE_TIMEOUT="60", JOB_MODE="external", JOB_WORKERS="1")}
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
        with store.session() as session:
            villaclara = session.scalar(select(AreaRow).where(AreaRow.name == "Villaclara"))
            key = session.scalar(select(StreetRow.key).where(StreetRow.area_id == villaclara.id,
                                                             StreetRow.name == REVIEWED_STREET))
            user = UserRow(name="ana", password_hash="x")
            session.add(user)
            session.flush()
            session.add(ReviewRow(area_id=villaclara.id, street_key=key, street_name=REVIEWED_STREET,
                                  user_id=user.id, qids=[REVIEWED], note="test"))
        queue_region(env, extract)
        assert {name: m[0] for name, m in members(store).items()} == \
            {"Villaclara": "pending", "Rosaleda": "pending", "Yermo": "empty"}

        # The worker storing Villaclara asks Wikidata for the reviewed woman: that answer takes 60 s,
        # and the worker is killed while it waits, with Villaclara taken and not stored.
        region_sparql.faults.append(Fault.timeout(60))
        asked = len(region_sparql.query_requests)
        doomed = cli(env, "worker")
        workers.append(doomed)
        wait_for(lambda: any(REVIEWED in (r.query or "") for r in region_sparql.query_requests[asked:]),
                 what="a worker asking Wikidata for the reviewed namesake")
        assert members(store)["Villaclara"][0] == "running"
        kill(doomed)

        # Two fresh workers store what is left; Villaclara stays with the dead worker's claim.
        workers += [cli(env, "worker"), cli(env, "worker")]
        wait_for(lambda: members(store)["Rosaleda"][0] == "done", what="Rosaleda stored")
        time.sleep(1.0)  # time enough for a (wrong) second claim of Villaclara
        assert members(store)["Villaclara"][:2] == ("running", first["Villaclara"][0])
        assert (region(store).status, region(store).done) == ("running", 2)
        rosaleda_run = members(store)["Rosaleda"][1]

        # 4. Running the command again resumes: Rosaleda keeps its run, Villaclara is queued again.
        queue_region(env, extract)
        wait_for(lambda: region(store).status == "done", what="the resumed region done")
        final = runs(store)
        assert {name: len(ids) for name, ids in final.items()} == {"Villaclara": 2, "Rosaleda": 2}
        assert final["Rosaleda"][-1] == rosaleda_run  # not stored again by the resumed run
        assert members(store) == {"Villaclara": ("done", final["Villaclara"][-1], False),
                                  "Rosaleda": ("done", rosaleda_run, False), "Yermo": ("empty", None, False)}
        assert current_runs(store)["Villaclara"] == final["Villaclara"][-1]
        with store.session() as session:
            reviewed = session.scalar(select(StreetRow).where(StreetRow.run_id == final["Villaclara"][-1],
                                                              StreetRow.name == REVIEWED_STREET))
            assert (reviewed.category, reviewed.source) == ("woman", "review")
            assert session.scalar(select(func.count(StreetRow.id)).where(StreetRow.name == REVIEWED_STREET)) == 1
        row = region(store)
        # One more woman: Villaclara 4 of 12, the region 5 of 14.
        assert (row.done, row.stats["person_streets"], row.stats["women_streets"]) == (3, 14, 5)
        with store.session() as session:
            stats = session.scalar(select(AreaRow.stats).where(AreaRow.name == "Villaclara"))
        assert (stats["person_streets"], stats["women_streets"]) == (12, 4)
    finally:
        for worker in workers:
            kill(worker)
        store.dispose()
