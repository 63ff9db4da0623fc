"""Job leases: several processes run jobs, each job runs to its end exactly once, none stays "running".

The process tests run real `whose-streets` processes (worker, serve, analyze) against the stand-ins,
on SQLite and, when under test, on PostgreSQL with the queue on Redis (tests/backends.py).
"""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select, update

from app.config import load_settings
from app.jobs import MAX_ATTEMPTS, JobQueue, run_claimed
from app.store import Store
from app.store.models import JobRow, RegionMemberRow, RegionRow, RunRow, utcnow
from app.store.records import find_or_create_area
from app.store.regions import claim_member
from tests.conftest import make_env
from tests.sample_city import AREA
from tests.standins.base import Fault
from tests.standins.overpass import unused_port


def make_queue(tmp_path, execute, **settings):
    env = make_env(tmp_path, **settings)
    store = Store(load_settings(tmp_path / "instance", env=env).database_url)
    store.upgrade()
    return store, JobQueue(store, load_settings(tmp_path / "instance", env=env), execute)


def _running_job(store, area_id, worker, heartbeat_age: float) -> int:
    with store.session() as session:
        job = JobRow(area_id=area_id, query="relation/1001", status="running", attempts=1, worker=worker,
                     heartbeat_at=utcnow() - timedelta(seconds=heartbeat_age))
        session.add(job)
        session.flush()
        return job.id


def test_only_a_job_whose_lease_expired_is_taken_over(tmp_path):
    store, queue = make_queue(tmp_path, lambda job, progress: None, JOB_LEASE_SECONDS="30")
    area = find_or_create_area(store, AREA)
    alive = _running_job(store, area.id, "other-host:1:a", heartbeat_age=5)
    assert queue.take_over_expired() == []
    assert queue.recover() == []  # a worker starting leaves a live lease alone
    with store.session() as session:
        assert session.get(JobRow, alive).status == "running"
        session.execute(update(JobRow).where(JobRow.id == alive)
                        .values(heartbeat_at=utcnow() - timedelta(seconds=31)))
    assert queue.take_over_expired() == [alive]
    with store.session() as session:
        row = session.get(JobRow, alive)
        assert (row.status, row.worker) == ("queued", None)
    assert queue.take_over_expired() == []  # taken over once


def test_a_municipality_whose_workers_keep_dying_fails_after_max_attempts(tmp_path):
    store, queue = make_queue(tmp_path, lambda job, progress: None, JOB_LEASE_SECONDS="30")
    area = find_or_create_area(store, AREA)
    with store.session() as session:
        region = RegionRow(slug="provincia", name="Provincia", status="running")
        session.add(region)
        session.flush()
        member = RegionMemberRow(region_id=region.id, area_id=area.id, status="pending", payload=b"inputs",
                                 figures={})
        session.add(member)
        session.flush()
        region_id, member_id = region.id, member.id

    def a_worker_takes_it_and_dies(worker: str) -> list[int]:
        assert claim_member(store, member_id, worker) is not None
        with store.session() as session:
            session.execute(update(RegionMemberRow).where(RegionMemberRow.id == member_id)
                            .values(heartbeat_at=utcnow() - timedelta(seconds=31)))
        return queue.take_over_expired()

    for attempt in range(1, MAX_ATTEMPTS):
        a_worker_takes_it_and_dies(f"host:{attempt}:a")
        with store.session() as session:
            row = session.get(RegionMemberRow, member_id)
            assert (row.status, row.attempts, row.payload) == ("pending", attempt, b"inputs")  # queued again
    a_worker_takes_it_and_dies(f"host:{MAX_ATTEMPTS}:a")
    with store.session() as session:
        row, region = session.get(RegionMemberRow, member_id), session.get(RegionRow, region_id)
        assert (row.status, row.attempts, row.payload, row.worker) == ("failed", MAX_ATTEMPTS, None, None)
        assert region.status == "failed"
        assert region.error.startswith(f"{AREA.name}: its worker stopped {MAX_ATTEMPTS} times")
    assert claim_member(store, member_id, "host:9:a") is None  # no worker takes it again


def test_heartbeats_keep_a_long_job_from_being_taken_over(tmp_path):
    release = threading.Event()
    store, queue = make_queue(tmp_path, lambda job, progress: release.wait(20) and None, JOB_LEASE_SECONDS="1")
    area = find_or_create_area(store, AREA)
    queue.start_workers()
    try:
        job, _ = queue.submit(area.id, "relation/1001")
        time.sleep(3)  # three leases long, with no progress written by the job itself
        with store.session() as session:
            row = session.get(JobRow, job.id)
            assert (row.status, row.worker, row.attempts) == ("running", queue.leases.worker_id, 1)
        release.set()
        done = queue.wait(job.id, timeout=10)
        assert (done.status, done.attempts) == ("done", 1)
    finally:
        release.set()
        queue.stop_workers()


def test_a_job_whose_worker_died_after_storing_its_run_is_not_analysed_again(tmp_path):
    analysed = []
    store, queue = make_queue(tmp_path, lambda job, progress: analysed.append(job.id), JOB_LEASE_SECONDS="5")
    area = find_or_create_area(store, AREA)
    job_id = _running_job(store, area.id, "dead-host:1:a", heartbeat_age=60)
    with store.session() as session:
        session.add(RunRow(area_id=area.id, source="overpass", job_id=job_id))
    queue.start_workers()
    try:
        done = queue.wait(job_id, timeout=10)
        assert done.status == "done" and analysed == []
        assert done.run_count == 1 and done.run_id is not None
    finally:
        queue.stop_workers()


def test_a_worker_that_lost_its_lease_stops_without_finishing_the_job(tmp_path):
    store, queue = make_queue(tmp_path, None)
    area = find_or_create_area(store, AREA)
    job = queue.start_foreground(area.id, "relation/1001")

    def execute(job_row, progress):
        with store.session() as session:  # meanwhile another worker took it over
            session.execute(update(JobRow).where(JobRow.id == job_row.id).values(worker="other:2:b"))
        progress("saving", 0, 10)
        raise AssertionError("progress must stop a worker that lost its lease")

    run_claimed(store, job.id, execute, queue.leases.worker_id)
    with store.session() as session:
        row = session.get(JobRow, job.id)
        assert (row.status, row.worker, row.error) == ("running", "other:2:b", None)


# --- real processes -------------------------------------------------------------------------------------


def process_env(tmp_path, overpass_server, sparql_server, **extra) -> dict:
    settings = {"REMOTE_ATTEMPTS": "2", "REMOTE_BACKOFF": "0.01", "REMOTE_TIMEOUT": "20", "JOB_LEASE_SECONDS": "2",
                **extra}
    env = {**os.environ, **make_env(tmp_path, OVERPASS_URL=overpass_server.url, SPARQL_URL=sparql_server.url,
                                     **settings)}
    env["INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def start(args, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app.cli", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def wait_for(condition, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what}: not met within {timeout:g}s")


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def job_rows(store) -> list[JobRow]:
    with store.session() as session:
        return session.scalars(select(JobRow).order_by(JobRow.id)).all()


def runs_per_area(store) -> dict[int, int]:
    with store.session() as session:
        return dict(session.execute(select(RunRow.area_id, func.count(RunRow.id)).group_by(RunRow.area_id)).all())


def test_a_killed_cli_analysis_is_taken_over_by_the_running_server_and_runs_once(
        tmp_path, overpass_server, sparql_server):
    env = process_env(tmp_path, overpass_server, sparql_server)
    store = Store(load_settings(tmp_path / "instance", env=env).database_url)
    store.upgrade()
    port = unused_port()
    server = start(["serve", "--port", str(port)], env)
    cli = None
    try:
        wait_for(lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok, what="serve")
        # The area lookup answers at once; the streets take 4 s, long enough to kill the CLI mid-job.
        overpass_server.faults.extend([Fault(), Fault.timeout(4)])
        cli = start(["analyze", "relation/1001"], env)
        wait_for(lambda: [j.status for j in job_rows(store)] == ["running"], what="the CLI job running")
        kill(cli)
        [job] = job_rows(store)
        assert job.worker.split(":")[1] == str(cli.pid)  # the CLI's lease
        # The server takes it over once the lease (2 s) expires, not at its next restart.
        wait_for(lambda: job_rows(store)[0].status not in ("queued", "running"), what="the job ending")
        [job] = job_rows(store)
        assert (job.status, job.attempts, job.run_count) == ("done", 2, 1), job.error
        assert runs_per_area(store) == {job.area_id: 1}
        assert requests.get(f"http://127.0.0.1:{port}/api/jobs/{job.id}", timeout=5).json()["runs"] == 1
    finally:
        if cli is not None:
            kill(cli)
        kill(server)


def test_a_server_restart_leaves_a_running_cli_analysis_alone(tmp_path, overpass_server, sparql_server):
    env = process_env(tmp_path, overpass_server, sparql_server)
    store = Store(load_settings(tmp_path / "instance", env=env).database_url)
    store.upgrade()
    overpass_server.faults.extend([Fault(), Fault.timeout(5)])
    cli = start(["analyze", "relation/1001"], env)
    server = None
    try:
        wait_for(lambda: [j.status for j in job_rows(store)] == ["running"], what="the CLI job running")
        port = unused_port()
        server = start(["serve", "--port", str(port)], env)  # its workers start and recover
        wait_for(lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok, what="serve")
        assert cli.wait(60) == 0
        [job] = job_rows(store)
        assert (job.status, job.attempts, job.run_count) == ("done", 1, 1)
        assert job.worker.split(":")[1] == str(cli.pid)
    finally:
        kill(cli)
        if server is not None:
            kill(server)


def test_two_workers_one_killed_mid_job_every_job_done_once(tmp_path, overpass_server, sparql_server, backend):
    if backend != "postgresql":
        pytest.skip("several worker processes: the PostgreSQL + Redis deployment")
    env = process_env(tmp_path, overpass_server, sparql_server, JOB_MODE="external", JOB_WORKERS="1")
    settings = load_settings(tmp_path / "instance", env=env)
    store = Store(settings.database_url)
    store.upgrade()
    # Three cities; the stand-in answers their streets with the fixture city's, each after 3 s.
    areas = []
    for osm_id in (1001, 1004, 1005):
        overpass_server.add_route(rf"area\(360000{osm_id}\)", "streets_1001.json")
        areas.append(find_or_create_area(store, dataclasses.replace(AREA, osm_id=osm_id)))
    overpass_server.faults.extend([Fault.timeout(3)] * 3)
    web = JobQueue(store, settings, None)  # the web process: only queues
    jobs = [web.submit(area.id, f"relation/{area.osm_id}")[0].id for area in areas]

    workers = [start(["worker"], env), start(["worker"], env)]
    try:
        wait_for(lambda: sum(j.status == "running" for j in job_rows(store)) == 2, what="both workers busy")
        victim_job = next(j for j in job_rows(store) if j.status == "running")
        victim = next(w for w in workers if str(w.pid) == victim_job.worker.split(":")[1])
        kill(victim)
        workers.append(start(["worker"], env))
        wait_for(lambda: all(j.status not in ("queued", "running") for j in job_rows(store)), timeout=120,
                 what="every job ending")
        rows = job_rows(store)
        assert [(j.id, j.status, j.run_count) for j in rows] == [(job_id, "done", 1) for job_id in jobs]
        assert next(j for j in rows if j.id == victim_job.id).attempts == 2
        assert runs_per_area(store) == {area.id: 1 for area in areas}
    finally:
        for worker in workers:
            kill(worker)
        web.huey.flush()


def test_a_worker_stopped_with_sigterm_hands_its_job_back_at_once(tmp_path, overpass_server, sparql_server):
    env = process_env(tmp_path, overpass_server, sparql_server, JOB_MODE="external", JOB_WORKERS="1",
                      JOB_LEASE_SECONDS="600")  # a lease far too long to wait for: only the hand-back can help
    settings = load_settings(tmp_path / "instance", env=env)
    store = Store(settings.database_url)
    store.upgrade()
    area = find_or_create_area(store, AREA)
    overpass_server.faults.append(Fault.timeout(5))
    web = JobQueue(store, settings, None)
    web.submit(area.id, "relation/1001")
    worker = start(["worker"], env)
    replacement = None
    try:
        wait_for(lambda: job_rows(store)[0].status == "running", what="the job running")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
        [job] = job_rows(store)
        assert (job.status, job.worker, job.stage) == ("queued", None, "resumed: its worker stopped")
        replacement = start(["worker"], env)
        wait_for(lambda: job_rows(store)[0].status == "done", what="the job done by the next worker")
        [job] = job_rows(store)
        assert (job.attempts, job.run_count) == (2, 1)
    finally:
        kill(worker)
        if replacement is not None:
            kill(replacement)
        web.huey.flush()
