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
fills the store's answer cache; the analyses timed come after it, offline from that cache, like a
re-analysis of a city whose remote answers are cached: only our own work is measured. They run through
``app.analysis.analyze`` on a fresh SQLite store, exactly as ``whose-streets analyze`` does, five times,
and the time of each stage comes from the progress the analysis reports. Then the same analysis runs five
times as a user runs it: ``whose-streets analyze relation/ID --offline`` in a fresh process (start-up,
imports and all), timed from outside, with its bytecode cached as an installed wheel has it. Apart: the
interpreter alone, the import of the libraries a CLI analysis uses, and the CLI's start-up (importing it
and creating its app on an instance whose store is at the newest migration, as for ``analyze``).

Floor: ``json.load`` of the Overpass answer, on the same Python, timed inside a fresh interpreter; one
sample just before each measured run, which is divided by its own sample (this machine's speed drifts by
a third within minutes; paired samples drift together). Target: the whole analysis of the 10k-way city at
most 15 times that, by the median ratio. Figures are CPU time (user + system, of this process or of the
CLI's), wall time beside: on a machine other work keeps busy, wall times stretch unevenly, while the CPU
time of this single-threaded work stays close to the wall time of an idle machine.
"""
from __future__ import annotations

import argparse
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
#: Measured runs of each kind (in process, CLI), each with a floor sample of its own.
RUNS = 5


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


def timed_inside(setup: str, timed: str, folder: Path, *args: str) -> tuple[float, float]:
    """Wall and CPU time of the statement ``timed``, run after ``setup`` in a fresh interpreter (given
    ``args``) and timed inside it: the interpreter's own start-up left out."""
    code = (f"import sys, time\n{setup}\nwall, cpu = time.perf_counter(), time.process_time()\n{timed}\n"
            "print(time.perf_counter() - wall, time.process_time() - cpu)")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=folder,
                         env=bytecode_env(folder), check=True)
    wall, cpu = map(float, out.stdout.split())
    return wall, cpu


def json_load_seconds(path: Path, folder: Path) -> tuple[float, float]:
    """``json.load`` of the answer file, timed inside a fresh interpreter (wall, CPU): the floor.

    Fresh, because the same call in a process that holds an app and earlier analyses is up to half again
    slower (Python's collector walks that heap while json.load allocates), and one sample per measured
    run, just before it: on a shared machine both drift together, so each run is divided by its own floor.
    """
    return timed_inside("import json; f = open(sys.argv[1], encoding='utf-8')", "json.load(f)", folder, str(path))


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


def child_seconds(argv: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """Wall and CPU time (user + system) of ``argv`` as a fresh process, timed from outside."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=env)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed: {out.stderr.strip()[-500:]}")
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def fresh_process_seconds(argv: list[str], env: dict, cwd: Path, repeat: int = 3) -> tuple[float, float]:
    """Median wall and CPU time of ``argv`` as a fresh process, after one untimed run that fills the
    bytecode cache."""
    child_seconds(argv, env, cwd)
    runs = [child_seconds(argv, env, cwd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def import_seconds(modules: str, folder: Path, after: str = "") -> tuple[float, float]:
    """Importing ``modules`` in a fresh interpreter, once ``after`` is imported, timed inside it (wall, CPU)."""
    return timed_inside(f"import {after}" if after else "", f"import {modules}", folder)


def library_imports(folder: Path) -> list[tuple[str, float]]:
    """What each of ``LIBRARIES`` adds to a fresh interpreter's import of those before it: (name, median
    CPU seconds of 3)."""
    names = [name.strip() for name in LIBRARIES.split(",")]
    import_seconds(LIBRARIES, folder)  # untimed: fills the bytecode cache
    return [(name, statistics.median(import_seconds(name, folder, ", ".join(names[:i]))[1] for _ in range(3)))
            for i, name in enumerate(names)]


def startup_seconds(folder: Path) -> tuple[float, float]:
    """A fresh interpreter importing the CLI and creating its app as `whose-streets analyze` does, on an
    instance whose store is at the newest migration (every run but the very first)."""
    code = ("import click; from app.cli import main, _create_app_for_cli;"
            "ctx = click.Context(main, info_name='analyze'); ctx.__enter__(); _create_app_for_cli()")
    env = bytecode_env(folder, INSTANCE_PATH=str(folder), DATABASE_URL=f"sqlite:///{folder}/s.sqlite")
    return fresh_process_seconds([sys.executable, "-c", code], env, folder, 5)


def cli_command(env: dict, folder: Path, osm_id: int) -> tuple[list[str], dict]:
    """``whose-streets analyze relation/ID --offline`` as a fresh process: (argv, environment)."""
    code = "import sys; from app.cli import main; sys.argv[0] = 'whose-streets'; main()"
    return ([sys.executable, "-c", code, "analyze", f"relation/{osm_id}", "--offline"],
            bytecode_env(folder, **env, INSTANCE_PATH=str(folder)))


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
        # The analysis measured: offline, every remote answer from the store's cache, RUNS times, each
        # run after a floor sample of its own; the median run is reported with its stages.
        answer_file = folder / "answer.json"
        answer_file.write_text(answer, encoding="utf-8")
        runs = []
        for _ in range(RUNS):
            floor = json_load_seconds(answer_file, folder)
            clock = StageClock()
            start, start_cpu = time.perf_counter(), time.process_time()
            analyze(store, area.id, make_clients(settings, store, offline=True), clock)
            total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            clock.lap()
            runs.append({"wall": total, "cpu": total_cpu, "floor": floor, "clock": clock})
        store.dispose()
        # The same analysis as a user runs it, RUNS times, each after a floor sample of its own and a
        # sample of importing its libraries.
        argv, cli_env = cli_command(env, folder / "instance", 990_100)
        child_seconds(argv, cli_env, folder)  # untimed: these two fill this folder's bytecode cache
        import_seconds(LIBRARIES, folder)
        cli_runs = []
        for _ in range(RUNS):
            floor = json_load_seconds(answer_file, folder)
            libraries = import_seconds(LIBRARIES, folder)
            wall, cpu = child_seconds(argv, cli_env, folder)
            cli_runs.append({"wall": wall, "cpu": cpu, "floor": floor, "libraries": libraries})
    finally:
        overpass.close()
        sparql.close()
    return {"online": online, "runs": runs, "cli_runs": cli_runs}


def summary(runs: list[dict], beyond_libraries: bool = False) -> dict:
    """Medians of paired runs: CPU, wall, floor, and the CPU ratio, the median of each run's CPU over its
    own floor (not the ratio of the medians), with the lowest and highest. ``beyond_libraries``: each run's
    CPU less its own sample of importing the libraries."""
    def cpu(run):
        return run["cpu"] - (run["libraries"][1] if beyond_libraries else 0.0)

    ratios = sorted(cpu(run) / run["floor"][1] for run in runs)
    return {"cpu": statistics.median(map(cpu, runs)), "wall": statistics.median(run["wall"] for run in runs),
            "floor": statistics.median(run["floor"][1] for run in runs), "ratio": statistics.median(ratios),
            "low": ratios[0], "high": ratios[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cities", default="brussels,madrid,synthetic")
    parser.add_argument("--synthetic-ways", type=int, default=50_000)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-analysis-startup-"))
    bare, bare_cpu = fresh_process_seconds([sys.executable, "-c", "pass"], bytecode_env(scratch), scratch, 5)
    startup, startup_cpu = startup_seconds(scratch)
    imports = library_imports(scratch)
    print("Fresh processes (medians; bytecode cached, as in an installed wheel):")
    print(f"  the interpreter alone: {bare:.2f} s wall, {bare_cpu:.2f} s CPU")
    print(f"  start-up of a CLI analysis (import app.cli, create its app; store at head): {startup:.2f} s wall, "
          f"{startup_cpu:.2f} s CPU")
    print("  importing the libraries a CLI analysis uses, one after the other (CPU, timed inside the interpreter):")
    for name, seconds in imports:
        print(f"    {seconds:5.2f} s  {name}")
    print(f"    {sum(seconds for _, seconds in imports):5.2f} s  in all")
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
        result = analyse(name, answer, country, languages)
        inproc, cli = summary(result["runs"]), summary(result["cli_runs"])
        beyond = summary(result["cli_runs"], beyond_libraries=True)
        libraries_cpu = statistics.median(run["libraries"][1] for run in result["cli_runs"])
        floor_cpu = statistics.median(run["floor"][1] for run in result["runs"] + result["cli_runs"])
        print(f"\n{name}: {ways:,} ways, Overpass answer {len(answer) / 1e6:.1f} MB; json.load in a fresh "
              f"interpreter, median of the {2 * RUNS} samples: {floor_cpu * 1000:.0f} ms CPU")
        print(f"  first analysis (asking the stand-ins): {result['online']:.2f} s")
        print("  ratios: the median of each run's CPU over its own floor sample (lowest-highest)")
        print(f"  analysis from cached answers, in this process ({RUNS} runs): median {inproc['cpu']:.2f} s CPU "
              f"({inproc['wall']:.2f} s wall) = {inproc['ratio']:.1f}x json.load ({inproc['low']:.1f}-{inproc['high']:.1f}x)")
        median_run = sorted(result["runs"], key=lambda run: run["cpu"])[RUNS // 2]
        clock = median_run["clock"]
        print("    stages of the median run (wall, share of the run, CPU):")
        for stage in clock.order:
            print(f"    {clock.times[stage]:7.2f} s {clock.times[stage] / median_run['wall']:5.0%}   "
                  f"CPU {clock.cpu[stage]:6.2f} s  {stage}")
        print(f"  `whose-streets analyze --offline`, a fresh process timed from outside ({RUNS} runs): median "
              f"{cli['cpu']:.2f} s CPU ({cli['wall']:.2f} s wall) = {cli['ratio']:.1f}x json.load "
              f"({cli['low']:.1f}-{cli['high']:.1f}x); beyond importing its libraries (median {libraries_cpu:.2f} s CPU, "
              f"sampled before each run; the interpreter's own start-up stays in): "
              f"{beyond['ratio']:.1f}x ({beyond['low']:.1f}-{beyond['high']:.1f}x)")
        if 10_000 <= ways < 20_000:
            for what, figures in (("the analysis in process", inproc), ("a whole CLI run", cli),
                                  ("a CLI run beyond importing its libraries", beyond)):
                verdict = "met" if figures["ratio"] <= TARGET else "NOT met"
                print(f"  target <= {TARGET:.0f}x json.load (CPU, median ratio), {what}: {figures['ratio']:.1f}x, "
                      f"{verdict}")


if __name__ == "__main__":
    main()
