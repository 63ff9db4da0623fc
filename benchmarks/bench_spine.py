"""Job machinery overhead per job, and GET /api/cities requests per second with 100 cities stored.

    python benchmarks/bench_spine.py [--jobs 200] [--seconds 5]

The job figure is the wall time from submit() to "done" for jobs whose analysis
does nothing, so it is what the queue, the store writes and the polling cost.
The API figure comes from a second process (this one) talking HTTP to the app
served by `whose-streets run` in a subprocess, like a browser or script would.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import load_settings  # noqa: E402
from app.domain import Area  # noqa: E402
from app.jobs import JobQueue  # noqa: E402
from app.store import Store  # noqa: E402
from app.store.records import find_or_create_area  # noqa: E402


def bench_jobs(folder: Path, count: int) -> None:
    env = {"DATABASE_URL": f"sqlite:///{folder / 'jobs.sqlite'}", "QUEUE_URL": f"sqlite:///{folder / 'q.sqlite'}"}
    settings = load_settings(folder / "instance", env=env)
    store = Store(settings.database_url)
    store.upgrade()
    queue = JobQueue(store, settings, lambda job, progress: progress("working", 1, 1))
    areas = [find_or_create_area(store, Area("relation", 10_000 + i, f"City {i}")).id for i in range(count)]
    queue.start_workers()
    try:
        latencies = []
        started = time.perf_counter()
        for area_id in areas:
            t0 = time.perf_counter()
            job, _ = queue.submit(area_id, "bench")
            queue.wait(job.id, poll=0.005)
            latencies.append(time.perf_counter() - t0)
        total = time.perf_counter() - started
    finally:
        queue.stop_workers()
    print(f"jobs: {count} empty analyses, one after another")
    print(f"  overhead per job (submit -> done): median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {sorted(latencies)[int(0.95 * len(latencies)) - 1] * 1000:.1f} ms, total {total:.2f} s")


def fill_cities(store: Store, count: int) -> None:
    from app.store.models import AreaRow, RunRow

    with store.session() as session:
        for i in range(count):
            area = AreaRow(slug=f"city-{i}", name=f"City {i}", osm_id=20_000 + i, languages=["es"])
            session.add(area)
            session.flush()
            run = RunRow(area_id=area.id, stats={"streets": 1000 + i, "women_share": 0.1})
            session.add(run)
            session.flush()
            area.current_run_id = run.id
            area.stats = run.stats


def bench_api(folder: Path, count: int, seconds: float, threads: int) -> None:
    env = {**os.environ, "INSTANCE_PATH": str(folder / "web"),
           "DATABASE_URL": f"sqlite:///{folder / 'web.sqlite'}", "QUEUE_URL": f"sqlite:///{folder / 'wq.sqlite'}"}
    settings = load_settings(env["INSTANCE_PATH"], env=env)
    store = Store(settings.database_url)
    store.upgrade()
    fill_cities(store, count)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "app.cli", "run", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/cities"
    try:
        for _ in range(100):
            try:
                if requests.get(url, timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert len(requests.get(url).json()["cities"]) == count

        def hammer(_):
            session = requests.Session()
            done, deadline = 0, time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                session.get(url).raise_for_status()
                done += 1
            return done

        with ThreadPoolExecutor(threads) as pool:
            started = time.perf_counter()
            total = sum(pool.map(hammer, range(threads)))
            elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
    print(f"api: GET /api/cities with {count} cities, {threads} client threads for {seconds:g} s "
          f"(Flask development server, threaded)")
    print(f"  {total / elapsed:.0f} requests/s ({total} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--cities", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_jobs(Path(tmp), args.jobs)
        bench_api(Path(tmp), args.cities, args.seconds, args.threads)


if __name__ == "__main__":
    main()
