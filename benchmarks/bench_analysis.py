"""How long does a whole analysis take, stage by stage, against just loading Overpass's answer?

    python benchmarks/bench_analysis.py [--cities brussels,madrid,synthetic] [--synthetic-ways 50000]

Cities (real geometry and names from ../shared; the project's tests never need that folder):

- brussels: EqualStreetNames' 3,848 ways of Brussels (``ways.geojson``), with the namesake tags their data
  carries (``name:etymology:wikidata`` from their Wikidata details);
- madrid: Geochicas' 10,321 ways of Madrid (``final_tile.geojson``): the real 10k-way city of the target;
- synthetic: a city of --synthetic-ways ways built by benchmarks/bench_osm_assembly.py.

Each city's ways become an Overpass answer (``out body geom`` JSON: ways with tags, node ids shared where
coordinates are equal, and their geometry), served by the Overpass stand-in of tests/standins on
127.0.0.1; the SPARQL stand-in (pyoxigraph) answers Wikidata's side with an empty store. A first analysis
fills the store's answer cache; the analysis timed is the second one, offline from that cache, like a
re-analysis of a city whose remote answers are cached: only our own work is measured. It runs through
``app.analysis.analyze`` on a fresh SQLite store, exactly as ``whose-streets analyze`` does, and the
time of each stage comes from the progress the analysis reports. Then the same analysis runs once more as
a user runs it: ``whose-streets analyze relation/ID --offline`` in a fresh process (start-up, imports and
all), timed from outside. The start-up alone (importing the CLI and creating its app on an instance whose
store is at the newest migration, as for ``analyze``) is timed apart too.

Floor: ``json.load`` of the Overpass answer, on the same Python. Target: the whole analysis of the 10k-way
city at most 15 times that. Every figure is given as wall time and as CPU time (user + system, of this
process or of the CLI's): on a machine other work keeps busy, wall times stretch unevenly, while the CPU
time of this single-threaded work stays close to the wall time of an idle machine.
"""
from __future__ import annotations

import argparse
import gc
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "data"
BRUSSELS = Path("/work/shared/data/equalstreetnames/brussels/ways.geojson")
MADRID = Path("/work/shared/data/geochicas/madrid/final_tile.geojson")
TARGET = 15.0


def _shared(path: Path) -> Path:
    """The file under ../shared beside the repository, else the machine-wide copy named."""
    relative = Path(*path.parts[path.parts.index("data") + 1:])
    local = SHARED / relative
    return local if local.exists() else path


def overpass_answer_from_geojson(path: Path) -> str:
    """An Overpass ``out body geom`` answer holding a GeoJSON file's named lines as highway ways.

    Points with equal coordinates get the same node id, so ways that meet share a node as in OSM.
    """
    collection = json.loads(path.read_text(encoding="utf-8"))
    nodes: dict[tuple[float, float], int] = {}
    elements = []
    for index, feature in enumerate(collection["features"]):
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        name = props.get("name")
        if not name:
            continue
        if geometry.get("type") == "LineString":
            lines = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiLineString":
            lines = geometry["coordinates"]
        else:
            continue
        tags = {"highway": "residential", "name": name}
        details = props.get("details")
        details = details if isinstance(details, list) else [details] if details else []
        qids = [d.get("wikidata") for d in details if isinstance(d, dict) and d.get("wikidata")]
        if qids and props.get("source") == "wikidata":
            tags["name:etymology:wikidata"] = ";".join(qids)
        if props.get("wikidata"):
            tags["wikidata"] = props["wikidata"]
        for part, line in enumerate(lines):
            way_nodes = [nodes.setdefault((round(lon, 7), round(lat, 7)), 1_000_000 + len(nodes))
                         for lon, lat, *_ in line]
            raw_id = str(feature.get("id") or props.get("id") or "")
            way_id = int(raw_id.rsplit("/", 1)[-1]) if raw_id.rsplit("/", 1)[-1].isdigit() and not part else 0
            elements.append({
                "type": "way", "id": way_id or 900_000_000 + index * 10 + part,
                "nodes": way_nodes,
                "geometry": [{"lat": lat, "lon": lon} for lon, lat, *_ in line],
                "tags": tags,
            })
    return json.dumps({"version": 0.6, "generator": "bench_analysis", "elements": elements})


def json_load_seconds(text: str, repeat: int = 7) -> tuple[float, float]:
    """The median wall and CPU times of ``json.load`` of the answer (medians on both sides of every ratio:
    a best-of floor against a single analysis would flatter the floor)."""
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        json.load(io.StringIO(text))
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus)


class StageClock:
    """A progress callback that adds up wall time per stage (stage names as the analysis says them)."""

    def __init__(self):
        self.times: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.order: list[str] = []
        self.stage: str | None = None
        self.since, self.since_cpu = time.perf_counter(), time.process_time()

    def __call__(self, stage: str, done: int = 0, total: int = 0) -> None:
        if stage == self.stage:
            return
        self.lap()
        self.stage = stage
        if stage not in self.order:
            self.order.append(stage)

    def lap(self) -> None:
        now, now_cpu = time.perf_counter(), time.process_time()
        if self.stage is not None:
            self.times[self.stage] += now - self.since
            self.cpu[self.stage] += now_cpu - self.since_cpu
        self.since, self.since_cpu = now, now_cpu


#: The third-party libraries a CLI analysis imports (``python -X importtime`` of ``whose-streets analyze``):
#: any program built on them pays their import at start-up, whatever it then does.
LIBRARIES = "sqlalchemy.orm, numpy, shapely, flask, overpy, SPARQLWrapper, gender_guesser.detector"


def bytecode_env(folder: Path, **extra: str) -> dict:
    """The environment of a fresh process that reads and writes compiled bytecode in a cache of its own
    (under ``folder``). An installed wheel has its bytecode (pip compiles it), so a user's command never
    compiles the package's source; a shell with PYTHONDONTWRITEBYTECODE, like this machine's, would make
    every timed run compile it again."""
    env = {**os.environ, **extra, "PYTHONPYCACHEPREFIX": str(folder / "pycache"), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def fresh_process_seconds(argv: list[str], env: dict, cwd: Path, repeat: int = 3) -> tuple[float, float]:
    """Median wall and CPU time (user + system) of ``argv`` as a fresh process, timed from outside,
    after one untimed run that fills the bytecode cache."""
    import resource

    walls, cpus = [], []
    for attempt in range(repeat + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        out = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=env)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if out.returncode != 0:
            raise SystemExit(f"{' '.join(argv[:4])} failed: {out.stderr.strip()[-500:]}")
        if attempt:
            walls.append(seconds)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def library_floor_seconds(folder: Path) -> tuple[float, float]:
    """A fresh interpreter importing only the libraries a CLI analysis uses (``LIBRARIES``)."""
    return fresh_process_seconds([sys.executable, "-c", f"import {LIBRARIES}"], bytecode_env(folder), folder, 5)


def startup_seconds(folder: Path) -> tuple[float, float]:
    """A fresh interpreter importing the CLI and creating its app as `whose-streets analyze` does, on an
    instance whose store is at the newest migration (every run but the very first)."""
    code = ("import click; from app.cli import main, _create_app_for_cli;"
            "ctx = click.Context(main, info_name='analyze'); ctx.__enter__(); _create_app_for_cli()")
    env = bytecode_env(folder, INSTANCE_PATH=str(folder), DATABASE_URL=f"sqlite:///{folder}/s.sqlite")
    return fresh_process_seconds([sys.executable, "-c", code], env, folder, 5)


def cli_seconds(env: dict, folder: Path, osm_id: int) -> tuple[float, float]:
    """``whose-streets analyze relation/ID --offline`` in a fresh process, timed from outside: wall and CPU."""
    code = "import sys; from app.cli import main; sys.argv[0] = 'whose-streets'; main()"
    return fresh_process_seconds([sys.executable, "-c", code, "analyze", f"relation/{osm_id}", "--offline"],
                                 bytecode_env(folder, **env, INSTANCE_PATH=str(folder)), folder)


def analyse(name: str, answer: str, country: str, languages: list[str]) -> dict:
    from app import create_app
    from app.analysis import analyze, make_clients
    from app.domain import Area
    from app.store.records import find_or_create_area
    from tests.conftest import make_env
    from tests.standins.overpass import OverpassStandin
    from tests.standins.sparql import start_standin

    folder = Path(tempfile.mkdtemp(prefix=f"bench-analysis-{name}-"))
    overpass = OverpassStandin().start()
    sparql = start_standin()
    overpass.add_route(r"area\(36\d+\)", answer)
    try:
        env = make_env(folder, OVERPASS_URL=overpass.url, SPARQL_URL=sparql.url, REMOTE_ATTEMPTS="2",
                       REMOTE_BACKOFF="0.01", REMOTE_TIMEOUT="120")
        app = create_app({"INSTANCE_PATH": folder / "instance", "ENV": env}, start_workers=False)
        store, settings = app.extensions["store"], app.config["SETTINGS"]
        area = find_or_create_area(store, Area(osm_type="relation", osm_id=990_100, name=name, admin_level=8,
                                               country_code=country, languages=languages))
        # First analysis: asks the stand-ins and fills the answer cache.
        start = time.perf_counter()
        analyze(store, area.id, make_clients(settings, store), lambda *a: None)
        online = time.perf_counter() - start
        # The analysis measured: offline, every remote answer from the store's cache; three runs, the
        # median one reported with its stages.
        runs = []
        for _ in range(3):
            clock = StageClock()
            start, start_cpu = time.perf_counter(), time.process_time()
            analyze(store, area.id, make_clients(settings, store, offline=True), clock)
            total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            clock.lap()
            runs.append((total_cpu, total, clock))
        total_cpu, total, clock = sorted(runs, key=lambda run: run[0])[1]
        store.dispose()
        cli = cli_seconds(env, folder / "instance", 990_100)
        # The floor as a command too: a fresh interpreter that only loads the answer from its file.
        (folder / "answer.json").write_text(answer, encoding="utf-8")
        load_process = fresh_process_seconds(
            [sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1], encoding='utf-8'))",
             str(folder / "answer.json")], bytecode_env(folder), folder, 5)
    finally:
        overpass.close()
        sparql.close()
    return {"online": online, "total": total, "total_cpu": total_cpu, "cli": cli, "load_process": load_process,
            "all_cpu": sorted(run[0] for run in runs),
            "stages": [(s, clock.times[s], clock.cpu[s]) for s in clock.order]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cities", default="brussels,madrid,synthetic")
    parser.add_argument("--synthetic-ways", type=int, default=50_000)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-analysis-startup-"))
    bare, bare_cpu = fresh_process_seconds([sys.executable, "-c", "pass"], bytecode_env(scratch), scratch, 5)
    libraries, libraries_cpu = library_floor_seconds(scratch)
    startup, startup_cpu = startup_seconds(scratch)
    print("Fresh processes (medians; bytecode cached, as in an installed wheel):")
    print(f"  the interpreter alone: {bare:.2f} s wall, {bare_cpu:.2f} s CPU")
    print(f"  importing the libraries a CLI analysis uses ({LIBRARIES}): {libraries:.2f} s wall, "
          f"{libraries_cpu:.2f} s CPU")
    print(f"  start-up of a CLI analysis (import app.cli, create its app; store at head): {startup:.2f} s wall, "
          f"{startup_cpu:.2f} s CPU")
    cities = []
    for name in args.cities.split(","):
        if name == "brussels":
            cities.append(("Brussels", overpass_answer_from_geojson(_shared(BRUSSELS)), "BE", ["fr", "nl"]))
        elif name == "madrid":
            cities.append(("Madrid", overpass_answer_from_geojson(_shared(MADRID)), "ES", ["es"]))
        elif name == "synthetic":
            from benchmarks.bench_osm_assembly import synthetic_city

            ways = args.synthetic_ways
            cities.append((f"Synthetic {ways // 1000}k", synthetic_city(ways, ways * 3 // 10, 1), "UY", ["es"]))
    for name, answer, country, languages in cities:
        ways = sum(1 for e in json.loads(answer)["elements"] if e["type"] == "way")
        floor, floor_cpu = json_load_seconds(answer)
        result = analyse(name, answer, country, languages)
        total, total_cpu = result["total"], result["total_cpu"]
        print(f"\n{name}: {ways:,} ways, Overpass answer {len(answer) / 1e6:.1f} MB; json.load {floor * 1000:.0f} ms "
              f"wall, {floor_cpu * 1000:.0f} ms CPU")
        print(f"  first analysis (asking the stand-ins): {result['online']:.2f} s")
        print(f"  analysis from cached answers, in this process (median of 3): {total:.2f} s wall = "
              f"{total / floor:.1f}x json.load; {total_cpu:.2f} s CPU = {total_cpu / floor_cpu:.1f}x "
              f"(the 3 runs: {', '.join(f'{c:.2f}' for c in result['all_cpu'])} s CPU)")
        for stage, seconds, cpu in result["stages"]:
            print(f"    {seconds:7.2f} s {seconds / total:5.0%}   CPU {cpu:6.2f} s  {stage}")
        cli, cli_cpu = result["cli"]
        print(f"  `whose-streets analyze --offline`, a fresh process timed from outside (median of 3): {cli:.2f} s "
              f"wall = {cli / floor:.1f}x json.load; {cli_cpu:.2f} s CPU = {cli_cpu / floor_cpu:.1f}x; beyond the "
              f"libraries' import: {cli_cpu - libraries_cpu:.2f} s CPU = {(cli_cpu - libraries_cpu) / floor_cpu:.1f}x")
        load_process, load_process_cpu = result["load_process"]
        print(f"  a fresh process that only json.loads the answer file (median of 5): {load_process:.2f} s wall, "
              f"{load_process_cpu:.2f} s CPU; the CLI run against it: {cli_cpu / load_process_cpu:.1f}x (CPU)")
        if 10_000 <= ways < 20_000:
            for what, cpu in (("the analysis in process", total_cpu), ("a whole CLI run", cli_cpu),
                              ("a CLI run beyond importing its libraries", cli_cpu - libraries_cpu)):
                verdict = "met" if cpu <= TARGET * floor_cpu else "NOT met"
                print(f"  target <= {TARGET:.0f}x json.load (CPU), {what}: {cpu / floor_cpu:.1f}x, {verdict}")


if __name__ == "__main__":
    main()
