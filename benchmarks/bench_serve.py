"""Requests per second and p95 latency under load: `whose-streets serve` (waitress) against `whose-streets run`
(Flask's development server), on SQLite and on PostgreSQL.

    python benchmarks/bench_serve.py [--streets 5000] [--clients 8] [--seconds 15] [--database-url URL]

A synthetic city (benchmarks/bench_gap_pages.py's, stored through the real ``save_run``) is served by
each server in its own process; a second process (this script with ``--load``) runs 8 client threads,
each asking in turn for the city page, its map data and a gap list, for ``--seconds``. Figures per
server, database and URL: requests per second and median / p95 latency. PostgreSQL runs when
``--database-url`` names a server (default: postgresql+psycopg://postgres@127.0.0.1:5432/postgres when
it answers); the benchmark makes its own database there and drops it.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SERVERS = {
    "serve": lambda port, clients: ["serve", "--port", str(port), "--threads", str(clients)],
    "run": lambda port, clients: ["run", "--port", str(port), "--with-threads"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- the second process: clients --------------------------------------------------------------------


def load(root: str, urls: list[str], clients: int, seconds: float) -> dict:
    """``clients`` threads asking for ``urls`` in turn for ``seconds``: latencies per URL."""
    times: dict[str, list[float]] = {url: [] for url in urls}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        session = requests.Session()
        i = offset
        while time.monotonic() < stop_at:
            url = urls[i % len(urls)]
            i += 1
            started = time.perf_counter()
            try:
                response = session.get(root + url, headers={"Accept-Encoding": "gzip"}, timeout=60)
                ok = response.status_code == 200
            except requests.RequestException as exc:
                ok, response = False, exc
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    times[url].append(elapsed)
                else:
                    errors.append(f"{url}: {getattr(response, 'status_code', response)}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    times["all three"] = [t for url in urls for t in times[url]]
    return {"wall": wall, "errors": errors[:5], "error_count": len(errors),
            "urls": {url: {"count": len(t), "rps": len(t) / wall,
                           "median_ms": 1000 * statistics.median(t) if t else None,
                           "p95_ms": 1000 * percentile(t, 95) if t else None} for url, t in times.items()}}


# --- the first process: data, servers, report ---------------------------------------------------------


def store_city(database_url: str, streets: int):
    from bench_gap_pages import synthetic_city

    from app.domain import Area
    from app.store import Store
    from app.stats import headline
    from app.store.records import find_or_create_area, save_run

    store = Store(database_url)
    store.upgrade()
    area = Area("relation", 4242, "Ciudad Grande", admin_level=8, country_code="UY", languages=["es"])
    row = find_or_create_area(store, area)
    city, decisions, namesakes, readings = synthetic_city(streets)
    save_run(store, row.id, figures=headline, streets=city, readings=readings, decisions=decisions, namesakes=namesakes,
             conflicts={}, source="overpass")
    store.dispose()
    return area.slug


def postgres_database(server_url: str | None):
    """(URL of a new database, drop function), or (None, None) when no server answers."""
    if not server_url:
        return None, None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"ws_bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:  # noqa: BLE001 - no server: the PostgreSQL rows are skipped, and said so
        print(f"PostgreSQL skipped: {exc.__class__.__name__}")
        return None, None

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


def measure(server: str, env: dict, slug: str, args) -> dict:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "app.cli", *SERVERS[server](port, args.clients)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    root = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{root}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        page = requests.get(f"{root}/cities/{slug}", timeout=60)
        page.raise_for_status()
        # The map data's URL as the page gives it to its script (with the revision that makes it cacheable).
        map_data = re.search(r"map\.(?:geo)?json\?rev=[\w.-]*", page.text)
        if map_data is None:
            raise SystemExit("the city page names no map data URL")
        urls = [f"/cities/{slug}", f"/cities/{slug}/{map_data.group(0)}", f"/cities/{slug}/gaps?list=unresolved"]
        for url in urls:  # warm-up
            requests.get(root + url, timeout=60).raise_for_status()
        result = subprocess.run([sys.executable, __file__, "--load", root, "--clients", str(args.clients),
                                 "--seconds", str(args.seconds), *urls], capture_output=True, text=True, check=True)
        return json.loads(result.stdout)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streets", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server (SQLAlchemy URL to any of its databases)")
    parser.add_argument("--load", metavar="ROOT", help=argparse.SUPPRESS)
    parser.add_argument("urls", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(args.load, args.urls, args.clients, args.seconds)))
        return

    server_url = args.database_url
    if server_url is None:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", 5432)) == 0:
                server_url = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pg_url, drop = postgres_database(server_url)
        databases = {"sqlite": f"sqlite:///{folder / 'bench.sqlite'}"}
        if pg_url:
            databases["postgresql"] = pg_url
        try:
            for database, url in databases.items():
                started = time.perf_counter()
                slug = store_city(url, args.streets)
                print(f"{database}: {args.streets} streets stored in {time.perf_counter() - started:.1f} s", flush=True)
                env = {k: v for k, v in os.environ.items()}
                env.update(INSTANCE_PATH=str(folder / database), DATABASE_URL=url, SECRET_KEY="bench", OFFLINE="1",
                           QUEUE_URL=f"sqlite:///{folder / (database + '-queue.sqlite')}", PYTHONPATH=str(ROOT))
                for server in SERVERS:
                    report = measure(server, env, slug, args)
                    for url, figures in report["urls"].items():
                        rows.append((server, database, url.split("?")[0].rsplit("/", 1)[-1] or "city", figures,
                                     report["error_count"]))
                    print(f"  {server} done ({report['error_count']} errors)", flush=True)
        finally:
            if drop:
                drop()

    print(f"\n{args.clients} concurrent clients in a second process, {args.seconds:g} s per server and database, "
          f"a city of {args.streets} streets")
    print(f"{'server':<6} {'database':<11} {'request':<16} {'req/s':>7} {'median ms':>10} {'p95 ms':>8} {'errors':>7}")
    names = {"ciudad-grande-4242": "city page", "map.json": "map data", "map.geojson": "map data", "gaps": "gap list"}
    for server, database, what, figures, errors in rows:
        print(f"{server:<6} {database:<11} {names.get(what, what):<16} {figures['rps']:>7.1f} "
              f"{figures['median_ms'] or 0:>10.1f} {figures['p95_ms'] or 0:>8.1f} {errors:>7}")


if __name__ == "__main__":
    main()
