"""Bytes transferred and time to draw for a city of 10,000 streets: our map page against Folium's defaults.

    python benchmarks/bench_map_transfer.py [--streets 10000] [--runs 3] [--seed 1]

A synthetic city (streets of 10-20 points each, wandering like real ones, full OSM precision) is stored
through the real store code into a temporary SQLite file; the app is served by werkzeug in a thread and
Debian's Chromium (Playwright, headless) loads:

- ours: /cities/<slug> — the page plus its assets plus map.geojson (simplified, gzip by flask-compress);
- folium default: a plain `folium.Map` + `folium.GeoJson(full FeatureCollection)` saved to HTML and served
  by the same app (gzip too). Its CDN assets cannot load here (no network): only what is transferred counts.
  For its time to draw, a copy with the local Leaflet swapped in for the CDN one is loaded instead,
  since the original cannot draw without the network.

Bytes: the sum of CDP Network.loadingFinished encodedDataLength (bytes on the wire, headers included),
in a fresh browser context each run (nothing cached). Time to draw: from navigation start until the
streets' SVG paths are in the page (ours: window.wsStreetsDrawnAt, set by citymap.js; Folium: a marker
script placed after Folium's own script). Figures are the median over --runs runs; the first, cold
request of ours (building the map data from the store) is reported separately.

Targets: under 3 MB and under 3 s for ours, and at least 3 times less data than Folium's defaults.
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain import (  # noqa: E402
    HIGH, KIND_HUMAN, MAN, MEDIUM, NOT_PERSON, SEVERAL, UNKNOWN, WOMAN, Area, Decision, Namesake, Street,
)
from app.store.records import find_or_create_area, save_run  # noqa: E402

AREA = Area(osm_type="relation", osm_id=990001, name="Ciudad Sintética", admin_level=8, country_code="UY",
            wikidata="Q990001", languages=["es"], parent="Uruguay")
CATEGORY_WEIGHTS = [(WOMAN, 0.08), (MAN, 0.32), (SEVERAL, 0.02), (NOT_PERSON, 0.38), (UNKNOWN, 0.20)]
FIRST_W = ["María", "Juana", "Ana", "Delmira", "Clara", "Luisa", "Rosa", "Elena", "Carmen", "Isabel"]
FIRST_M = ["José", "Juan", "Pedro", "Luis", "Carlos", "Manuel", "Francisco", "Antonio", "Miguel", "Jorge"]
LAST = ["García", "Fernández", "López", "Martínez", "Rodríguez", "Pérez", "Gómez", "Sánchez", "Díaz", "Silva",
        "Artigas", "Rivera", "Lavalleja", "Oribe", "Ibarbourou", "Agustini", "Vaz Ferreira", "Quiroga"]
OCCUPATIONS = ["poeta", "militar", "político", "maestra", "médico", "escritora", "pintor", "abogado"]


def street_line(rng: random.Random, lon: float, lat: float, wiggly: bool) -> list[tuple[float, float]]:
    """10-20 nodes like an OSM street: mostly straight runs with a node at each crossing (mapped from
    imagery, so off the line by a metre or less), a turn or two, and about one street in four curved.
    With ``wiggly`` every node bends the street (a worst case for simplification)."""
    heading = rng.uniform(0, 2 * math.pi)
    count = rng.randint(10, 20)
    curved = wiggly or rng.random() < 0.25
    turns = set(rng.sample(range(2, count - 1), rng.randint(0, 2))) if not curved else set()
    line = []
    for i in range(count):
        jitter = (rng.gauss(0, 4e-6), rng.gauss(0, 4e-6)) if not curved else (0.0, 0.0)
        line.append((round(lon + jitter[0], 7), round(lat + jitter[1], 7)))
        if wiggly:
            heading += rng.gauss(0, 0.25)
        elif curved:
            heading += rng.gauss(0.06, 0.05)
        elif i in turns:
            heading += rng.choice((-1, 1)) * rng.uniform(0.35, 1.6)
        step = rng.uniform(2e-4, 6e-4) if not curved else rng.uniform(1e-4, 2.5e-4)
        lon += step * math.cos(heading)
        lat += step * math.sin(heading) * 0.82
    return line


def synthetic_city(count: int, seed: int, wiggly: bool = False) -> tuple[list[Street], dict, dict]:
    rng = random.Random(seed)
    centre_lon, centre_lat = -56.17, -34.88
    namesakes: dict[str, Namesake] = {}
    people = {WOMAN: [], MAN: []}
    for i in range(1500):
        gender = WOMAN if i % 5 == 0 else MAN
        first = rng.choice(FIRST_W if gender == WOMAN else FIRST_M)
        qid = f"Q{7_000_000 + i}"
        label = f"{first} {rng.choice(LAST)} {rng.choice(LAST)}"
        born = rng.randint(1700, 1960)
        namesakes[qid] = Namesake(
            qid=qid, labels={"es": label, "en": label}, descriptions={"es": f"{rng.choice(OCCUPATIONS)} uruguaya"},
            gender=gender, gender_qids=["Q6581072" if gender == WOMAN else "Q6581097"],
            gender_labels=["female" if gender == WOMAN else "male"], kind=KIND_HUMAN, birth_year=born,
            death_year=born + rng.randint(30, 90), image=f"{label}.jpg" if rng.random() < 0.5 else None,
            occupations=[rng.choice(OCCUPATIONS)], sitelinks=rng.randint(0, 60),
            articles={"es": f"https://es.wikipedia.org/wiki/{label.replace(' ', '_')}"} if rng.random() < 0.7 else {})
        people[gender].append(qid)

    streets, decisions = [], {}
    categories, weights = zip(*CATEGORY_WEIGHTS)
    for i in range(count):
        line = street_line(rng, centre_lon + rng.uniform(-0.09, 0.09), centre_lat + rng.uniform(-0.07, 0.07),
                           wiggly)
        category = rng.choices(categories, weights)[0]
        qids = []
        if category in (WOMAN, MAN):
            qids = [rng.choice(people[category])]
        elif category == SEVERAL:
            qids = [rng.choice(people[WOMAN]), rng.choice(people[MAN])]
        name = ("Calle " + namesakes[qids[0]].labels["es"]) if qids else f"Calle {rng.choice(LAST)} {i}"
        key = f"w{100_000 + i}"
        streets.append(Street(key=key, name=name, osm_ids=[f"way/{100_000 + i}"], lines=[line],
                              length_m=len(line) * 25.0))
        decisions[key] = Decision(category, "osm_tag" if qids else ("rule" if category == NOT_PERSON else None),
                                  HIGH if qids else MEDIUM, qids, mix="mixed" if category == SEVERAL else None)
    return streets, decisions, namesakes


class Server:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


def folium_default_pages(store, slug: str, folder: Path, leaflet_url: str, leaflet_css: str) -> None:
    """Folium's way: the full (unsimplified) FeatureCollection embedded in the HTML, CDN assets."""
    import io
    import json

    import folium

    from app.exports import write_export
    from app.maps import PALETTE

    out = io.StringIO()
    write_export(store, slug, "geojson", out)
    collection = json.loads(out.getvalue())
    m = folium.Map(location=[-34.88, -56.17], zoom_start=13)
    folium.GeoJson(collection, style_function=lambda f: {"color": PALETTE[f["properties"]["category"]],
                                                         "weight": 3}).add_to(m)
    html = m.get_root().render()
    (folder / "folium_default.html").write_text(html, encoding="utf-8")
    # The same page able to draw offline: local Leaflet instead of the CDN one, other CDN assets removed
    # (they are not needed to draw lines), and a marker once Folium's script has run.
    import re

    local = re.sub(r'<script src="https://cdn\.jsdelivr\.net/npm/leaflet@[^"]+"></script>',
                   f'<script src="{leaflet_url}"></script>', html)
    local = re.sub(r'<link rel="stylesheet" href="https://cdn\.jsdelivr\.net/npm/leaflet@[^"]+"/>',
                   f'<link rel="stylesheet" href="{leaflet_css}"/>', local)
    local = re.sub(r'<script src="https://[^"]+"></script>', "", local)
    local = re.sub(r'<link rel="stylesheet" href="https://[^"]+"/>', "", local)
    local = local.replace("</html>", "<script>window.wsStreetsDrawnAt = performance.now();"
                                     "window.wsStreetsDrawn = true;</script>\n</html>")
    (folder / "folium_local.html").write_text(local, encoding="utf-8")


def measure(browser, url: str, wait_drawn: bool) -> dict:
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="load", timeout=120_000)
    drawn = None
    paths = None
    if wait_drawn:
        page.wait_for_function("window.wsStreetsDrawn === true", timeout=120_000)
        drawn = page.evaluate("window.wsStreetsDrawnAt") / 1000
        paths = page.locator("path.leaflet-interactive").count()
    page.wait_for_timeout(300)  # let late responses finish
    context.close()
    return {"bytes": sum(sizes.values()), "requests": len(sizes), "drawn_s": drawn, "paths": paths,
            "by_url": {urls.get(k, k): v for k, v in sizes.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wiggly", action="store_true",
                        help="every node bends its street: the worst case for simplification")
    args = parser.parse_args()

    from flask import send_from_directory
    from playwright.sync_api import sync_playwright

    from app import create_app
    from tests.browser import CHROMIUM_ARGS, chromium_path
    from tests.conftest import make_env

    folder = Path(tempfile.mkdtemp(prefix="bench-map-"))
    app = create_app({"INSTANCE_PATH": folder / "instance", "ENV": make_env(folder)}, start_workers=False)
    app.config["MAP_TILES"] = None  # no network here; tiles would only add failed requests
    store = app.extensions["store"]

    t0 = time.perf_counter()
    streets, decisions, namesakes = synthetic_city(args.streets, args.seed, args.wiggly)
    area = find_or_create_area(store, AREA)
    save_run(store, area.id, streets=streets, readings={}, decisions=decisions, namesakes=namesakes, conflicts={},
             source="overpass")
    points = sum(len(line) for s in streets for line in s.lines)
    print(f"synthetic city: {len(streets)} streets, {points} points, stored in {time.perf_counter() - t0:.1f} s")

    pages = folder / "pages"
    pages.mkdir()
    folium_default_pages(store, AREA.slug, pages, "/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css")
    app.add_url_rule("/bench/<path:name>", "bench_page", lambda name: send_from_directory(pages, name))
    server = Server(app)
    results: dict[str, list[dict]] = {"ours": [], "folium_default": [], "folium_local": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            cold = measure(browser, f"{server.url}/cities/{AREA.slug}", True)
            for _ in range(args.runs):
                results["ours"].append(measure(browser, f"{server.url}/cities/{AREA.slug}", True))
                results["folium_default"].append(measure(browser, f"{server.url}/bench/folium_default.html", False))
                results["folium_local"].append(measure(browser, f"{server.url}/bench/folium_local.html", True))
            browser.close()
    finally:
        server.stop()

    def median(name, key):
        return statistics.median(r[key] for r in results[name])

    ours_bytes, folium_bytes = median("ours", "bytes"), median("folium_default", "bytes")
    ours_time, folium_time = median("ours", "drawn_s"), median("folium_local", "drawn_s")
    mb = 1024 * 1024
    print(f"ours (page + assets + map.geojson, gzip): {ours_bytes / mb:.2f} MB in "
          f"{results['ours'][0]['requests']} requests; streets drawn after {ours_time:.2f} s "
          f"({results['ours'][0]['paths']} paths); first cold load {cold['drawn_s']:.2f} s")
    print(f"folium defaults (GeoJSON embedded, unsimplified, gzip; CDN assets fail offline): "
          f"{folium_bytes / mb:.2f} MB")
    print(f"folium defaults with local Leaflet swapped in: {median('folium_local', 'bytes') / mb:.2f} MB, "
          f"streets drawn after {folium_time:.2f} s ({results['folium_local'][0]['paths']} paths)")
    for name in ("ours", "folium_default"):
        print(f"  {name}, bytes per request:")
        for url, size in sorted(results[name][0]["by_url"].items(), key=lambda kv: -kv[1]):
            print(f"    {size / 1024:9.1f} KB  {url.replace(server.url, '')[:90]}")
    ratio = folium_bytes / ours_bytes if ours_bytes else float("inf")
    print(f"data ratio folium/ours: {ratio:.1f}x")
    ok = ours_bytes < 3 * mb and ours_time < 3 and ratio >= 3
    print("targets (< 3 MB, < 3 s, >= 3x less data):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
