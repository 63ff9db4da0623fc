"""What a city page weighs and how fast it draws: our map page against Folium's plain default.

    python benchmarks/bench_map_transfer.py [--cities brussels,madrid,synthetic,worst] [--runs 3]

Cities, each stored through the real store code (one street per way) into a temporary SQLite file:

- brussels: EqualStreetNames' 3,848 ways of Brussels (../shared), with their namesakes' Wikidata facts
  (labels, descriptions, years, pictures) as the popups' facts;
- madrid: Geochicas' 10,321 ways of Madrid (../shared): the real 10k-way city of the target (only men and
  women, no Wikidata facts: popups hold little here);
- synthetic: 10,000 streets of 10-20 points at full OSM precision, wandering like real ones;
- worst: the same with every node bending its street, the worst case for simplification.

Both sides are compressed the same way: gzip -9 of the raw bytes of every file the page needs.

- ours: the city page, every script and style it loads from the app, and map.json (the map data as the
  analysis prepared it); what is fetched when a visitor first opens a popup or searches (the streets'
  keys, map-keys.json, once; a street's popup facts) is not counted, and printed apart;
- Folium's default: ``folium.Map`` + ``folium.GeoJson`` of our own full GeoJSON export (every street with
  every CSV fact, full precision) saved as one HTML page, plus Leaflet's JS and CSS (the same files as
  ours); its other CDN files (jQuery, Bootstrap, Font Awesome, awesome-markers...) are NOT counted, which
  favours Folium.

Time to draw, in Debian's Chromium (headless, Playwright): from navigation start until the streets' SVG
paths are in the page (ours: window.wsStreetsDrawnAt; Folium: a marker after its own script, on a copy
with the local Leaflet in place of the CDN one). "First visit" is the first load after the analysis
prepared the map data (one browser serves every city: for the first city, a browser just launched);
"second" the median of --runs later loads, each in a fresh browser context (nothing cached), alternating
with Folium's so that neither side always meets a colder browser. Targets: at least 4x less than Folium's
default on a real 10k-way city, at least 3x on the worst case, and our streets drawn no slower than
Folium's; the first visit at most twice the second.
"""
from __future__ import annotations

import argparse
import gzip
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
from app.stats import headline  # noqa: E402
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


def without_csp_for_bench_pages(app):
    """The WSGI app with no Content-Security-Policy on /bench/ pages: Folium's page runs inline scripts
    without our nonces, as it would on any other site."""
    def wsgi(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/bench/"):
            return app(environ, start_response)

        def start(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "content-security-policy"]
            return start_response(status, headers, exc_info)
        return app(environ, start)
    return wsgi


class Server:
    def __init__(self, app):
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs):
                pass

        self.server = make_server("127.0.0.1", 0, without_csp_for_bench_pages(app), threaded=True,
                                  request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


def real_city(path: Path, key_prefix: str = "w") -> tuple[list[Street], dict, dict]:
    """Streets, decisions and namesakes from an EqualStreetNames or Geochicas GeoJSON file (one street per way)."""
    import json

    genders = {"F": WOMAN, "Female": WOMAN, "female": WOMAN, "M": MAN, "Male": MAN, "male": MAN,
               "+": SEVERAL, "-": NOT_PERSON}
    collection = json.loads(path.read_text(encoding="utf-8"))
    streets, decisions, entities = [], {}, {}
    for index, feature in enumerate(collection["features"]):
        geometry, props = feature.get("geometry") or {}, feature.get("properties") or {}
        if geometry.get("type") != "LineString" or not props.get("name"):
            continue
        raw_id = str(feature.get("id") or props.get("id") or index).rsplit("/", 1)[-1]
        key = f"{key_prefix}{raw_id}"
        details = props.get("details")
        details = details if isinstance(details, list) else [details] if isinstance(details, dict) else []
        qids = []
        for d in details:
            qid = d.get("wikidata")
            if not qid:
                continue
            qids.append(qid)
            gender = genders.get(d.get("gender") or "")
            entities[qid] = Namesake(
                qid=qid, labels={k: v["value"] for k, v in (d.get("labels") or {}).items()},
                descriptions={k: v["value"] for k, v in (d.get("descriptions") or {}).items()},
                gender=gender if gender in (WOMAN, MAN) else None, kind=KIND_HUMAN if d.get("person") else "thing",
                birth_year=d.get("birth"), death_year=d.get("death"), image=d.get("image"),
                sitelinks=len(d.get("sitelinks") or {}),
                articles={site[:-4]: f"https://{site[:-4]}.wikipedia.org/wiki/{v['title'].replace(' ', '_')}"
                          for site, v in (d.get("sitelinks") or {}).items() if site.endswith("wiki") and len(site) <= 7})
        category = genders.get(props.get("gender") or "", UNKNOWN)
        line = [(lon, lat) for lon, lat, *_ in geometry["coordinates"]]
        if len(line) < 2 or key in decisions:
            continue
        streets.append(Street(key=key, name=props["name"], osm_ids=[f"way/{raw_id}"], lines=[line],
                              length_m=len(line) * 25.0))
        decisions[key] = Decision(category, "osm_tag" if qids else ("name_match" if category != UNKNOWN else None),
                                  HIGH if qids else MEDIUM, qids, mix="mixed" if category == SEVERAL else None)
    return streets, decisions, entities


def gzip9(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def folium_default_pages(store, slug: str, folder: Path, leaflet_url: str, leaflet_css: str) -> None:
    """Folium's way: the full (unsimplified) FeatureCollection embedded in the HTML, CDN assets."""
    import io
    import json
    import re

    import folium

    from app.exports import write_export
    from app.maps import PALETTE

    out = io.StringIO()
    write_export(store, slug, "geojson", out)
    collection = json.loads(out.getvalue())
    points = [p for f in collection["features"] for line in f["geometry"]["coordinates"] for p in line]
    m = folium.Map()
    # The same view as ours: the whole city.
    m.fit_bounds([[min(p[1] for p in points), min(p[0] for p in points)],
                  [max(p[1] for p in points), max(p[0] for p in points)]])
    folium.GeoJson(collection, style_function=lambda f: {"color": PALETTE[f["properties"]["category"]],
                                                         "weight": 3}).add_to(m)
    html = m.get_root().render()
    (folder / "folium_default.html").write_text(html, encoding="utf-8")
    # The same page able to draw offline: local Leaflet instead of the CDN one, other CDN assets removed
    # (they are not needed to draw lines), and a marker once Folium's script has run.
    local = re.sub(r'<script src="https://cdn\.jsdelivr\.net/npm/leaflet@[^"]+"></script>',
                   f'<script src="{leaflet_url}"></script>', html)
    local = re.sub(r'<link rel="stylesheet" href="https://cdn\.jsdelivr\.net/npm/leaflet@[^"]+"/>',
                   f'<link rel="stylesheet" href="{leaflet_css}"/>', local)
    local = re.sub(r'<script src="https://[^"]+"></script>', "", local)
    local = re.sub(r'<link rel="stylesheet" href="https://[^"]+"/>', "", local)
    local = local.replace("</html>", "<script>window.wsStreetsDrawnAt = performance.now();"
                                     "window.wsStreetsDrawn = true;</script>\n</html>")
    (folder / "folium_local.html").write_text(local, encoding="utf-8")
    return collection


def measure(browser, url: str) -> dict:
    """One load in a fresh context: time to draw, and the same-origin URLs the page fetched."""
    context = browser.new_context()
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(url, wait_until="load", timeout=180_000)
    wait_until(page, "window.wsStreetsDrawn === true", timeout=180_000)  # polls: the CSP refuses eval
    drawn = page.evaluate("window.wsStreetsDrawnAt") / 1000
    paths = page.locator("path.leaflet-interactive").count()
    context.close()
    return {"drawn_s": drawn, "paths": paths, "urls": urls}


def raw_bytes(client, url: str) -> bytes:
    """The uncompressed body of an app URL (the test client: no encoding negotiated)."""
    response = client.get(url, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data()


def bench_city(name: str, streets, decisions, entities, area, args, browser_factory) -> dict:
    import json

    from flask import send_from_directory

    from app import create_app
    from app.mapdata import prepare_map_data
    from tests.conftest import make_env

    folder = Path(tempfile.mkdtemp(prefix="bench-map-"))
    app = create_app({"INSTANCE_PATH": folder / "instance", "ENV": make_env(folder)}, start_workers=False)
    app.config["MAP_TILES"] = None  # no network here; tiles would only add failed requests
    store = app.extensions["store"]
    stored = find_or_create_area(store, area)
    save_run(store, stored.id, figures=headline, streets=streets, readings={}, decisions=decisions, namesakes=entities,
             conflicts={}, source="overpass")
    start = time.perf_counter()
    prepare_map_data(store, area.slug)  # as the analysis does at its end
    prepare_s = time.perf_counter() - start
    points = sum(len(line) for s in streets for line in s.lines)

    pages = folder / "pages"
    pages.mkdir()
    collection = folium_default_pages(store, area.slug, pages, "/vendor/leaflet/leaflet.js",
                                      "/vendor/leaflet/leaflet.css")
    app.add_url_rule("/bench/<path:name>", "bench_page", lambda name: send_from_directory(pages, name))
    server = Server(app)
    city_url = f"{server.url}/cities/{area.slug}"
    try:
        browser = browser_factory()
        first = measure(browser, city_url)
        # Alternated, so that neither side always meets the browser colder than the other.
        ours, folium_runs = [], []
        for _ in range(args.runs):
            ours.append(measure(browser, city_url))
            folium_runs.append(measure(browser, f"{server.url}/bench/folium_local.html"))
    finally:
        server.stop()

    client = app.test_client()
    our_urls = sorted({u.replace(server.url, "") for u in first["urls"] if u.startswith(server.url)
                       and not u.endswith("favicon.ico")})
    ours_sizes = {u: gzip9(raw_bytes(client, u)) for u in our_urls}
    folium_files = ["/bench/folium_default.html", "/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css"]
    folium_sizes = {u: gzip9(raw_bytes(client, u)) for u in folium_files}
    # The popup facts, had they been sent along: every street's CSV facts (the export's properties).
    facts = gzip9(json.dumps([f["properties"] for f in collection["features"]], ensure_ascii=False,
                             separators=(",", ":")).encode())
    one_popup = max(len(raw_bytes(client, f"/cities/{area.slug}/streets/{s.key}.json")) for s in streets[:50])
    # The streets' keys, fetched when a visitor first opens a popup or searches (not to draw).
    response = client.get(f"/cities/{area.slug}/map-keys.json", headers={"Accept-Encoding": "identity"})
    keys = gzip9(response.get_data()) if response.status_code == 200 else 0  # 0: keys inside map.json
    return {
        "name": name, "streets": len(streets), "points": points, "prepare_s": prepare_s,
        "ours": sum(ours_sizes.values()), "ours_sizes": ours_sizes,
        "folium": sum(folium_sizes.values()), "folium_sizes": folium_sizes,
        "first_s": first["drawn_s"], "ours_s": statistics.median(r["drawn_s"] for r in ours),
        "folium_s": statistics.median(r["drawn_s"] for r in folium_runs),
        "paths": ours[0]["paths"], "folium_paths": folium_runs[0]["paths"],
        "facts_gzip": facts, "one_popup_raw": one_popup, "keys_gzip": keys,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cities", default="brussels,madrid,synthetic,worst")
    parser.add_argument("--streets", type=int, default=10_000, help="streets of the synthetic cities")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, chromium_path

    global wait_until
    from tests.browser import wait_until

    shared = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    if not shared.exists():
        shared = Path("/work/shared/data")
    kb = 1024
    results = []
    with sync_playwright() as playwright:
        browsers = []

        def browser_factory():
            if not browsers:
                browsers.append(playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS))
            return browsers[0]

        for name in args.cities.split(","):
            if name == "brussels":
                city = real_city(shared / "equalstreetnames/brussels/ways.geojson")
                area = Area(osm_type="relation", osm_id=54094, name="Brussels", admin_level=4, country_code="BE",
                            wikidata="Q240", languages=["fr", "nl"], parent="Belgium")
            elif name == "madrid":
                city = real_city(shared / "geochicas/madrid/final_tile.geojson")
                area = Area(osm_type="relation", osm_id=5326784, name="Madrid", admin_level=8, country_code="ES",
                            wikidata="Q2807", languages=["es"], parent="Spain")
            elif name in ("synthetic", "worst"):
                city = synthetic_city(args.streets, args.seed, wiggly=name == "worst")
                area = AREA
            else:
                raise SystemExit(f"unknown city {name!r}")
            result = bench_city(name, *city, area, args, browser_factory)
            results.append(result)
            r = result
            print(f"\n{name}: {r['streets']:,} streets, {r['points']:,} points; map data prepared in "
                  f"{r['prepare_s']:.2f} s")
            print(f"  ours, gzip -9: {r['ours'] / kb:.0f} KB (page + scripts + styles + map.json)")
            for url, size in sorted(r["ours_sizes"].items(), key=lambda kv: -kv[1]):
                print(f"    {size / kb:8.1f} KB  {url[:90]}")
            print(f"  Folium's default, gzip -9: {r['folium'] / kb:.0f} KB (page with the GeoJSON + Leaflet JS/CSS; "
                  f"its other CDN files not counted)")
            print(f"  ratio Folium/ours: {r['folium'] / r['ours']:.1f}x")
            print(f"  popup facts if sent along: {r['facts_gzip'] / kb:.0f} KB gzip -9 more; on demand: at most "
                  f"{r['one_popup_raw'] / kb:.1f} KB raw per popup opened, after the street keys "
                  f"(map-keys.json, once a visit): {r['keys_gzip'] / kb:.0f} KB gzip -9")
            print(f"  drawn: ours {r['ours_s']:.2f} s ({r['paths']:,} paths), first visit after the analysis "
                  f"{r['first_s']:.2f} s ({r['first_s'] / r['ours_s']:.2f}x the second); Folium (local Leaflet) "
                  f"{r['folium_s']:.2f} s ({r['folium_paths']:,} paths)")
        for browser in browsers:
            browser.close()

    print("\ntargets:")
    for r in results:
        ratio = r["folium"] / r["ours"]
        want = 4.0 if r["name"] in ("madrid",) else 3.0 if r["name"] == "worst" else None
        verdict = "" if want is None else (" met" if ratio >= want else " NOT met") + f" (>= {want:.0f}x)"
        faster = "met" if r["ours_s"] <= r["folium_s"] else "NOT met"
        first = "met" if r["first_s"] <= 2 * r["ours_s"] else "NOT met"
        print(f"  {r['name']}: {ratio:.1f}x less data{verdict}; drawn no slower than Folium: {faster}; "
              f"first visit <= 2x second: {first}")


if __name__ == "__main__":
    main()
