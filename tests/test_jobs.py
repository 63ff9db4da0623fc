"""Background jobs on a real huey SQLite queue with in-process worker threads."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from sqlalchemy import select

from app.config import load_settings
from app.jobs import MAX_ATTEMPTS, JobQueue
from app.store import Store
from app.store.models import JobRow
from app.store.records import find_or_create_area
from tests.conftest import make_env
from tests.sample_city import AREA


def make_queue(tmp_path, execute):
    settings = load_settings(tmp_path / "instance", env=make_env(tmp_path))
    store = Store(settings.database_url)
    store.upgrade()
    return store, JobQueue(store, settings, execute)


def test_a_job_runs_in_the_background_and_reports_progress(tmp_path):
    release = threading.Event()
    seen = []

    def execute(job, progress):
        progress("Wikidata names", 340, 1200)
        seen.append(job.id)
        release.wait(10)
        return None

    store, queue = make_queue(tmp_path, execute)
    area = find_or_create_area(store, AREA)
    queue.start_workers()
    try:
        started = time.monotonic()
        job, created = queue.submit(area.id, "relation/1001")
        assert created and time.monotonic() - started < 1.0  # returns at once
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            time.sleep(0.02)
        with store.session() as session:
            row = session.get(JobRow, job.id)
            assert (row.status, row.stage, row.done, row.total) == ("running", "Wikidata names", 340, 1200)
        release.set()
        assert queue.wait(job.id, timeout=10).status == "done"
    finally:
        release.set()
        queue.stop_workers()


def test_one_active_job_per_city(tmp_path):
    release = threading.Event()
    store, queue = make_queue(tmp_path, lambda job, progress: release.wait(10) and None)
    area = find_or_create_area(store, AREA)
    queue.start_workers()
    try:
        first, created_first = queue.submit(area.id, "Villa Ejemplo")
        second, created_second = queue.submit(area.id, "relation/1001")
        assert created_first and not created_second
        assert second.id == first.id
        release.set()
        queue.wait(first.id)
        third, created_third = queue.submit(area.id, "relation/1001")  # finished: a new one may start
        assert created_third and third.id != first.id
        queue.wait(third.id)
    finally:
        release.set()
        queue.stop_workers()


def test_failures_end_on_the_job_with_a_readable_reason(tmp_path):
    def execute(job, progress):
        raise RuntimeError("Overpass: HTTP 504 Gateway Timeout (gave up after 4 attempts)")

    store, queue = make_queue(tmp_path, execute)
    area = find_or_create_area(store, AREA)
    queue.start_workers()
    try:
        job, _ = queue.submit(area.id, "relation/1001")
        done = queue.wait(job.id)
        assert done.status == "failed"
        assert "HTTP 504" in done.error
    finally:
        queue.stop_workers()


def test_recovery_requeues_interrupted_jobs_and_fails_hopeless_ones(tmp_path):
    ran = []
    store, queue = make_queue(tmp_path, lambda job, progress: ran.append(job.id))
    area = find_or_create_area(store, AREA)
    other = find_or_create_area(store, AREA.__class__(osm_type="relation", osm_id=1003, name="Villa Ejemplo"))
    with store.session() as session:
        interrupted = JobRow(area_id=area.id, query="a", status="running", attempts=1)
        hopeless = JobRow(area_id=other.id, query="b", status="running", attempts=MAX_ATTEMPTS)
        session.add_all([interrupted, hopeless])
    queue.start_workers()
    try:
        assert queue.wait(interrupted.id).status == "done"
        assert ran == [interrupted.id]
        with store.session() as session:
            failed = session.get(JobRow, hopeless.id)
            assert failed.status == "failed" and "stopped 3 times" in failed.error
    finally:
        queue.stop_workers()


def _silent_server():
    """A TCP server that accepts connections and never answers: an analysis waits on it for ever."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


def test_killing_the_service_mid_job_leaves_no_job_running(tmp_path):
    silent = _silent_server()
    port = silent.getsockname()[1]
    env = {**os.environ, **make_env(tmp_path, OVERPASS_URL=f"http://127.0.0.1:{port}/api/interpreter",
                                     REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.05", REMOTE_TIMEOUT="600",
                                     JOB_LEASE_SECONDS="2"),
           "INSTANCE_PATH": str(tmp_path / "instance")}
    settings = load_settings(tmp_path / "instance", env=env)
    store = Store(settings.database_url)
    store.upgrade()
    find_or_create_area(store, AREA)  # known city: starting it needs no network
    web_port = _free_port()
    service = subprocess.Popen([sys.executable, "-m", "app.cli", "run", "--port", str(web_port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        import requests

        base = f"http://127.0.0.1:{web_port}"
        _wait_for(lambda: requests.get(base + "/api/cities", timeout=1).ok)
        job = requests.post(base + "/api/cities", json={"query": "relation/1001"}, timeout=10).json()["job"]
        _wait_for(lambda: requests.get(f"{base}/api/jobs/{job['id']}", timeout=1).json()["status"] == "running")
        os.killpg(service.pid, signal.SIGKILL)
        service.wait(10)
        with store.session() as session:
            assert session.get(JobRow, job["id"]).status == "running"  # what the kill left behind
        silent.close()  # now Overpass "refuses": the resumed job must end, not hang

        # The service starts again: once the dead process's lease expires the job is resumed and ends
        # (failed: nothing answers), never stuck.
        from app import create_app

        app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env}, start_workers=False)
        queue = app.extensions["jobs"]
        queue.start_workers()
        try:
            with store.session() as session:
                row = session.get(JobRow, job["id"])
                assert row.status in ("queued", "running", "failed")
            ended = queue.wait(job["id"], timeout=120)
            assert ended.status == "failed", ended.status
            assert ended.attempts == 2
            assert "overpass" in ended.error.lower()
        finally:
            queue.stop_workers()
        with store.session() as session:
            assert session.scalars(select(JobRow).where(JobRow.status == "running")).all() == []
    finally:
        if service.poll() is None:
            os.killpg(service.pid, signal.SIGKILL)
        silent.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001 - the service is still starting
            pass
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_an_interrupted_foreground_job_is_marked_failed(tmp_path):
    import pytest

    from app.jobs import run_claimed

    def execute(job, progress):
        raise KeyboardInterrupt

    store, queue = make_queue(tmp_path, execute)
    area = find_or_create_area(store, AREA)
    job = queue.start_foreground(area.id, "relation/1001")
    with pytest.raises(KeyboardInterrupt):
        run_claimed(store, job.id, execute, queue.leases.worker_id)
    with store.session() as session:
        row = session.get(JobRow, job.id)
        assert (row.status, row.error) == ("failed", "interrupted before it finished")


def test_internal_errors_are_not_published_on_the_job():
    from sqlalchemy.exc import OperationalError

    from app.jobs import public_reason
    from app.remote import RemoteError

    assert public_reason(RemoteError("overpass", "HTTP 504")) == "overpass: HTTP 504"
    hidden = public_reason(OperationalError("SELECT secret FROM t", {}, Exception("disk I/O error")))
    assert "SELECT" not in hidden and "OperationalError" in hidden
