"""A whole region in one pass, against one-by-one analyses and against a plain pyosmium pass.

Writes a synthetic region with pyosmium: a province of ``--municipalities`` (200) square
municipalities (admin_level 8, 0.02° a side, in a grid) inside a country, holding
``--ways`` (200,000) named ways, a few of which cross into the neighbouring municipality. Street
names come from a pool in which most names recur in many towns, as they do in real provinces:
people ("Calle de Ana García López", 40 % tagged with name:etymology:wikidata, the rest found by
name) and things. The Wikidata side is the local SPARQL stand-in (pyoxigraph) holding the people.

Three measurements, each in a child process of its own (so its peak memory is its own):

- ``plain``: one pyosmium pass over the file with node locations, reading every way's tags and
  coordinates: the floor any reader of this file pays;
- ``region``: ``whose-streets analyze-region`` (app.analysis.analyze_region) into a fresh SQLite store;
- ``single``: ``--sample`` (5) municipalities analysed one by one from the same extract, as
  ``whose-streets analyze relation/ID --pbf FILE`` does (area from the extract, then its streets),
  in one process into a fresh store; time and SPARQL requests are scaled to all municipalities.

Then a second, smaller region of ``--direct`` (9) municipalities, as in the issue's held-out test,
measured both ways with nothing scaled: the region run, the nine one by one in one process (the
data every analysis loads once, place names and languages, loaded once for all nine), and the nine
as nine separate commands (each process loading that data again, as nine `whose-streets analyze`
do). Target: the region run at most half the time of the one-by-one analyses.

Reported: wall time, CPU time, peak memory (max RSS) and SPARQL requests of each, the load average
(the machine may be shared: CPU time is what a run costs whatever else runs), and the targets: the
region run at most 10× the plain pass and under 2 GB.

    nice -n 10 python benchmarks/bench_region.py [--municipalities 200] [--ways 200000] [--sample 5] [--direct 9]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLUMNS = 20
CELL = 0.02
WEST, SOUTH = -4.0, 40.0
PROVINCE, COUNTRY = 1, 2
FIRST_WOMEN = ["Ana", "María", "Carmen", "Lucía", "Isabel", "Rosa", "Elena", "Pilar", "Teresa", "Clara",
               "Julia", "Sara", "Marta", "Laura", "Inés", "Beatriz", "Dolores", "Emilia", "Rosalía", "Concepción"]
FIRST_MEN = ["José", "Juan", "Antonio", "Manuel", "Francisco", "Pedro", "Luis", "Miguel", "Carlos", "Javier",
             "Rafael", "Fernando", "Pablo", "Jorge", "Alberto", "Andrés", "Ramón", "Santiago", "Tomás", "Vicente"]
SURNAMES = ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
            "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez", "Muñoz", "Romero", "Alonso",
            "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano",
            "Blanco", "Molina", "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio", "Marín"]
THINGS = ["Calle del Sol", "Calle Mayor", "Calle Real", "Plaza de España", "Calle de la Iglesia", "Calle Nueva",
          "Calle del Río", "Calle de los Olivos", "Calle de la Fuente", "Camino del Molino", "Calle Ancha",
          "Calle del Pozo", "Calle de las Eras", "Calle del Horno", "Calle de la Paz", "Avenida de la Constitución"]


# --- the synthetic region -----------------------------------------------------------------------------


def people(count: int, rng: random.Random) -> list[tuple[str, str, bool]]:
    """(QID, full name, is a woman): distinct names, a third of them women."""
    seen: set[str] = set()
    out = []
    while len(out) < count:
        woman = rng.random() < 0.33
        name = f"{rng.choice(FIRST_WOMEN if woman else FIRST_MEN)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        if name not in seen:
            seen.add(name)
            out.append((f"Q{8_000_000 + len(out)}", name, woman))
    return out


def street_pool(persons, rng: random.Random) -> list[tuple[str, str | None]]:
    """(street name, tagged QID or None): one street per person, plus numbered things."""
    pool = [(f"Calle de {name}", qid if rng.random() < 0.4 else None) for qid, name, _ in persons]
    pool += [(f"{thing} {i}" if i else thing, None) for thing in THINGS for i in range(60)]
    return pool


def write_region(path: Path, municipalities: int, ways: int, persons, seed: int = 1) -> None:
    import osmium

    rng = random.Random(seed)
    pool = street_pool(persons, rng)
    rows = (municipalities + COLUMNS - 1) // COLUMNS
    per_town = ways // municipalities
    slots = int(per_town ** 0.5) + 1
    next_node = [1]
    next_way = [1]

    with osmium.SimpleWriter(str(path)) as writer:
        ring_ways: list[tuple[int, list[int], dict]] = []
        boundaries: list[tuple[int, int, dict]] = []

        def node(lon: float, lat: float) -> int:
            nid = next_node[0]
            next_node[0] += 1
            writer.add_node(osmium.osm.mutable.Node(id=nid, location=(round(lon, 7), round(lat, 7)), version=1))
            return nid

        def ring(rid: int, west: float, south: float, east: float, north: float, tags: dict) -> None:
            refs = [node(west, south), node(east, south), node(east, north), node(west, north)]
            wid = 10_000_000 + rid
            ring_ways.append((wid, refs + refs[:1], {"boundary": "administrative"}))
            boundaries.append((rid, wid, {"type": "boundary", "boundary": "administrative", **tags}))

        ring(COUNTRY, WEST - 1, SOUTH - 1, WEST + COLUMNS * CELL + 1, SOUTH + rows * CELL + 1,
             {"admin_level": "2", "name": "España", "ISO3166-1": "ES"})
        ring(PROVINCE, WEST - 0.001, SOUTH - 0.001, WEST + COLUMNS * CELL + 0.001, SOUTH + rows * CELL + 0.001,
             {"admin_level": "6", "name": "Provincia sintética"})
        street_ways: list[tuple[int, list[int], dict]] = []
        for town in range(municipalities):
            west, south = WEST + (town % COLUMNS) * CELL, SOUTH + (town // COLUMNS) * CELL
            ring(1000 + town, west, south, west + CELL, south + CELL,
                 {"admin_level": "8", "name": f"Municipio {town + 1}", "wikidata": f"Q{7_000_000 + town}"})
            names = rng.sample(pool, per_town)
            step = CELL / slots
            for i, (name, qid) in enumerate(names):
                lon = west + (i % slots) * step + step * 0.1
                lat = south + (i // slots) * step + step * 0.5
                length = step * 0.6
                if i == 0 and town % COLUMNS != COLUMNS - 1:
                    lon, length = west + CELL - step * 0.3, step * 0.9  # runs on into the next town
                coords = [(lon, lat), (lon + length / 2, lat + step * 0.05), (lon + length, lat)]
                tags = {"highway": "residential", "name": name}
                if qid:
                    tags["name:etymology:wikidata"] = qid
                street_ways.append((0, [node(x, y) for x, y in coords], tags))
        for wid, refs, tags in ring_ways:
            writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
        for _, refs, tags in street_ways:
            writer.add_way(osmium.osm.mutable.Way(id=next_way[0], nodes=refs, tags=tags, version=1))
            next_way[0] += 1
        for rid, wid, tags in boundaries:
            writer.add_relation(osmium.osm.mutable.Relation(id=rid, members=[("w", wid, "outer")], tags=tags, version=1))


def wikidata_ntriples(persons, municipalities: int) -> str:
    wd, wdt = "http://www.wikidata.org/entity/", "http://www.wikidata.org/prop/direct/"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    lines = [f'<{wd}Q29> <{wdt}P297> "ES" .', f'<{wd}Q29> <{label}> "España"@es .']
    for qid, name, woman in persons:
        s = f"<{wd}{qid}>"
        lines += [f"{s} <{wdt}P31> <{wd}Q5> .", f"{s} <{wdt}P21> <{wd}{'Q6581072' if woman else 'Q6581097'}> .",
                  f'{s} <{label}> "{name}"@es .', f"{s} <{wdt}P27> <{wd}Q29> ."]
    for town in range(municipalities):
        lines.append(f'<{wd}Q{7_000_000 + town}> <{label}> "Municipio {town + 1}"@es .')
    return "\n".join(lines) + "\n"


# --- the measured runs (each in its own process) ---------------------------------------------------------


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """This process's CPU time (user + system): what a run costs whatever else the machine is doing."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_plain(extract: Path) -> dict:
    import osmium

    start, cpu_start = time.perf_counter(), cpu_seconds()
    ways = points = 0
    for obj in osmium.FileProcessor(str(extract), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if obj.is_way() and "name" in obj.tags:
            tags = {t.k: t.v for t in obj.tags}
            coords = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
            ways += bool(tags)
            points += len(coords)
    return {"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu_start, "peak_mb": peak_mb(),
            "ways": ways}


def make_app(workdir: Path):
    from app import create_app

    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}",
        "SPARQL_URL": os.environ["BENCH_SPARQL_URL"],
        "OVERPASS_URL": "http://127.0.0.1:9/api/interpreter",
        "QUEUE_URL": f"sqlite:///{workdir / 'queue.sqlite'}",
        "SECRET_KEY": "bench", "CONTACT": "bench@example.invalid",
        "REMOTE_ATTEMPTS": "2", "REMOTE_BACKOFF": "0.1", "REMOTE_TIMEOUT": "300",
    }
    return create_app({"INSTANCE_PATH": workdir / "instance", "ENV": env}, start_workers=False)


def run_region(extract: Path, workdir: Path) -> dict:
    from sqlalchemy import select

    from app.analysis import analyze_region, make_clients
    from app.store.models import RegionRow

    app = make_app(workdir)
    store = app.extensions["store"]
    stages: dict[str, float] = {}
    last = {"stage": None, "at": time.perf_counter()}

    def progress(stage, done=0, total=0):
        if stage != last["stage"]:
            now = time.perf_counter()
            if last["stage"] is not None:
                stages[last["stage"]] = stages.get(last["stage"], 0.0) + now - last["at"]
            last.update(stage=stage, at=now)

    start, cpu_start = time.perf_counter(), cpu_seconds()
    analyze_region(store, make_clients(app.config["SETTINGS"], store), progress, pbf=extract, within=PROVINCE)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    progress("end")
    with store.session() as session:
        region = session.scalar(select(RegionRow))
        figures = {"done": region.done, "total": region.total, "streets": region.stats["streets"],
                   "women_share": region.stats["women_share"]}
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), "stages": {k: round(v, 1) for k, v in stages.items()}, **figures}


def run_single(extract: Path, workdir: Path, sample: int, first: int = 0) -> dict:
    from app.analysis import analyze, make_clients
    from app.areas import with_languages
    from app.osm.pbf import read_area_from_pbf
    from app.store.records import find_or_create_area

    app = make_app(workdir)
    store = app.extensions["store"]
    clients = make_clients(app.config["SETTINGS"], store)
    start, cpu_start = time.perf_counter(), cpu_seconds()
    for town in range(first, first + sample):
        area = with_languages(read_area_from_pbf(extract, 1000 + town))
        row = find_or_create_area(store, area)
        analyze(store, row.id, clients, lambda *_: None, pbf=extract)
    return {"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu_start, "peak_mb": peak_mb(),
            "analysed": sample}


# --- the parent: data, stand-in, children, report ------------------------------------------------------------


def child(mode: str, extract: Path, workdir: Path, sparql, sample: int = 0, first: int = 0) -> tuple[dict, int]:
    before = len(sparql.query_requests) if sparql else 0
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_SPARQL_URL": sparql.url if sparql else ""}
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--extract", str(extract),
                          "--workdir", str(workdir), "--sample", str(sample), "--first", str(first)],
                         env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"{mode} run failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result, (len(sparql.query_requests) - before) if sparql else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--municipalities", type=int, default=200)
    parser.add_argument("--ways", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--sample", type=int, default=5, help="municipalities analysed one by one")
    parser.add_argument("--direct", type=int, default=9,
                        help="also a region of this many municipalities, analysed whole and one by one (0: skip)")
    parser.add_argument("--child", choices=("plain", "region", "single"))
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--extract", type=Path)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()

    if args.child:
        if args.child == "plain":
            result = run_plain(args.extract)
        elif args.child == "region":
            result = run_region(args.extract, args.workdir)
        else:
            result = run_single(args.extract, args.workdir, args.sample, args.first)
        print(json.dumps(result))
        return

    from tests.standins.sparql import start_standin

    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    sparql = start_standin()
    try:
        full = measure(sparql, args.municipalities, args.ways, args.people, args.sample, plain=True)
        direct = measure(sparql, args.direct, args.direct * (args.ways // args.municipalities), args.people,
                         args.direct, plain=False, separately=True) if args.direct else None
    finally:
        sparql.close()
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    report(args, *full[:5])
    if direct:
        _, region, region_requests, single, single_requests, commands = direct
        share = region["seconds"] / single["seconds"]
        print(f"\nthe same {args.direct} municipalities ({args.direct * (args.ways // args.municipalities):,} named ways), "
              f"measured both ways, nothing scaled:")
        print(f"  region run {region['seconds']:.1f} s ({region['cpu']:.1f} s CPU, {region_requests} SPARQL requests); "
              f"one by one {single['seconds']:.1f} s ({single['cpu']:.1f} s CPU, {single_requests} requests)")
        print(f"  region run / one by one: {share:.2f} of the time, {region['cpu'] / single['cpu']:.2f} of the CPU "
              f"(target <= 0.5: {'met' if share <= 0.5 else 'NOT met'})")
        commands_share = region["seconds"] / commands["seconds"]
        print(f"  one by one as {args.direct} separate commands (each process loads its name data anew): "
              f"{commands['seconds']:.1f} s ({commands['cpu']:.1f} s CPU, {commands['requests']} requests); "
              f"region run / those: {commands_share:.2f} of the time, {region['cpu'] / commands['cpu']:.2f} of the CPU "
              f"(target <= 0.5: {'met' if commands_share <= 0.5 else 'NOT met'})")


def measure(sparql, municipalities: int, ways: int, persons_count: int, sample: int, *, plain: bool,
            separately: bool = False):
    """Write a region, then run each measurement in a child of its own against the SPARQL stand-in."""
    with tempfile.TemporaryDirectory(prefix="bench-region-") as tmp:
        tmp = Path(tmp)
        extract = tmp / "region.osm.pbf"
        rng = random.Random(7)
        persons = people(persons_count, rng)
        start = time.perf_counter()
        write_region(extract, municipalities, ways, persons)
        print(f"extract: {municipalities} municipalities, {ways:,} named ways, "
              f"{extract.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - start:.1f} s")
        # The same seed gives the same people: loading them again for the second region adds nothing.
        sparql.load_ntriples(wikidata_ntriples(persons, municipalities))
        plain_result = child("plain", extract, tmp / "plain", None)[0] if plain else None
        region, region_requests = child("region", extract, tmp / "region", sparql)
        single, single_requests = child("single", extract, tmp / "single", sparql, sample)
        commands = None
        if separately:  # one `whose-streets analyze` per municipality: each process loads its data anew
            commands = {"seconds": 0.0, "cpu": 0.0, "requests": 0}
            for town in range(municipalities):
                result, requests = child("single", extract, tmp / "commands", sparql, 1, town)
                commands["seconds"] += result["seconds"]
                commands["cpu"] += result["cpu"]
                commands["requests"] += requests
    return plain_result, region, region_requests, single, single_requests, commands


def report(args, plain, region, region_requests, single, single_requests) -> None:
    scale = args.municipalities / args.sample
    single_all = single["seconds"] * scale
    print(f"\n{'run':<34} {'wall time':>12} {'CPU time':>11} {'peak memory':>12} {'SPARQL requests':>16}")
    print(f"{'plain pyosmium pass':<34} {plain['seconds']:>10.1f} s {plain['cpu']:>9.1f} s {plain['peak_mb']:>9.0f} MB "
          f"{'-':>16}")
    print(f"{'region run (analyze-region)':<34} {region['seconds']:>10.1f} s {region['cpu']:>9.1f} s "
          f"{region['peak_mb']:>9.0f} MB {region_requests:>16,}")
    print(f"{f'one by one, {args.sample} measured':<34} {single['seconds']:>10.1f} s {single['cpu']:>9.1f} s "
          f"{single['peak_mb']:>9.0f} MB {single_requests:>16,}")
    print(f"{f'one by one, all {args.municipalities} (scaled)':<34} {single_all:>10.1f} s "
          f"{single['cpu'] * scale:>9.1f} s {'':>12} {round(single_requests * scale):>16,}")
    print(f"\nregion: {region['done']}/{region['total']} municipalities, {region['streets']:,} streets, "
          f"women {region['women_share']:.1%} of person-named; stages (s): {region['stages']}")
    ratio, cpu_ratio = region["seconds"] / plain["seconds"], region["cpu"] / plain["cpu"]
    print(f"region run / plain pass: {ratio:.1f}x the wall time, {cpu_ratio:.1f}x the CPU "
          f"(target <= 10x: {'met' if ratio <= 10 else 'NOT met'}); "
          f"peak {region['peak_mb']:.0f} MB (target < 2048 MB: {'met' if region['peak_mb'] < 2048 else 'NOT met'})")
    print(f"one by one / region run: {single_all / region['seconds']:.1f}x the time, "
          f"{single_requests * scale / max(region_requests, 1):.1f}x the SPARQL requests (scaled from {args.sample})")


if __name__ == "__main__":
    main()
