"""A region's presenter's pack: folder size, time to write it, and time to draw from file://.

The synthetic region of bench_region.py (``--municipalities`` square towns in a grid, ``--ways`` named
ways among them, the people on the local SPARQL stand-in) is analysed with ``analyze-region`` into a
fresh SQLite store, then written with ``publish_region`` (the region page, and every municipality's city
pack under ``cities/<slug>/``, sharing one copy of the assets; each town's background its stored outline).
Reported: the folder's size (in all, the shared assets, the region page and its data, a town's pack on
average and at most), the time to write it, and in headless Chromium with every request outside the folder
refused: the time until the choropleth is drawn, and until the largest town's streets are drawn.

    nice -n 10 python benchmarks/bench_region_pack.py [--municipalities 50] [--ways 50000]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

MB = 1e6


def folder_sizes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def drawn_after(browser, url: str, inside: str, flag: str) -> tuple[float, list[str]]:
    """Seconds from navigation until ``window[flag]`` is true, and the requests that left the folder."""
    context = browser.new_context()
    context.route(lambda u: not u.startswith(inside), lambda route: route.abort())
    page = context.new_page()
    outside = []
    page.on("request", lambda r: None if r.url.startswith(inside) else outside.append(r.url))
    started = time.perf_counter()
    page.goto(url, wait_until="load", timeout=120_000)
    while not page.evaluate(f"window.{flag} === true"):  # polled: the pages' CSP refuses eval
        if time.perf_counter() - started > 120:
            raise TimeoutError(url)
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    context.close()
    return seconds, outside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--ways", type=int, default=50_000)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from app import create_app
    from app.analysis import analyze_region, make_clients
    from app.regions import region_data, region_list
    from app.web.publish import PackOptions, publish_region, region_backgrounds
    from bench_region import PROVINCE, people, wikidata_ntriples, write_region
    from tests.browser import CHROMIUM_ARGS, chromium_path
    from tests.conftest import make_env
    from tests.standins.sparql import start_standin

    with tempfile.TemporaryDirectory(prefix="bench-region-pack-") as tmp:
        work = Path(tmp)
        extract = work / "region.osm.pbf"
        persons = people(args.people, random.Random(7))
        write_region(extract, args.municipalities, args.ways, persons)
        sparql = start_standin()
        sparql.load_ntriples(wikidata_ntriples(persons, args.municipalities))
        try:
            env = make_env(work, SPARQL_URL=sparql.url, REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.1",
                           REMOTE_TIMEOUT="300")
            app = create_app({"INSTANCE_PATH": work / "instance", "ENV": env}, start_workers=False)
            store = app.extensions["store"]
            started = time.perf_counter()
            analyze_region(store, make_clients(app.config["SETTINGS"], store), lambda *_: None, pbf=extract,
                           within=PROVINCE)
            print(f"region: {args.municipalities} municipalities, {args.ways:,} named ways, analysed in "
                  f"{time.perf_counter() - started:.0f} s")
        finally:
            sparql.close()

        with app.app_context():
            region = region_data(store, region_list(store)[0]["slug"])
        target = work / "pack"
        started = time.perf_counter()
        publish_region(app, region["slug"], target, PackOptions(language="es", tiles=False),
                       backgrounds=region_backgrounds(region))
        written = time.perf_counter() - started
        files = folder_sizes(target)
        towns: dict[str, int] = {}
        shared = top = 0
        for name, size in files.items():
            if name.startswith("cities/"):
                town = name.split("/")[1]
                towns[town] = towns.get(town, 0) + size
            elif name.startswith(("static/", "vendor/")):
                shared += size
            else:
                top += size
        total = sum(files.values())
        largest = max(towns, key=towns.get)
        print(f"written in {written:.0f} s ({written / len(towns):.2f} s a town)")
        print(f"folder {total / MB:.2f} MB: shared assets {shared / MB:.2f} MB once, region page and data "
              f"{top / MB:.2f} MB, {len(towns)} towns {sum(towns.values()) / MB:.2f} MB "
              f"(mean {sum(towns.values()) / len(towns) / MB:.3f} MB, largest {towns[largest] / MB:.3f} MB)")
        town_files: dict[str, int] = {}
        for name, size in files.items():
            if name.startswith(f"cities/{largest}/"):
                kind = name.split("/", 2)[2]
                kind = "data/facts/*" if kind.startswith("data/facts/") else kind
                town_files[kind] = town_files.get(kind, 0) + size
        print("  largest town: " + ", ".join(f"{k} {v / 1e3:.0f} KB" for k, v in
                                              sorted(town_files.items(), key=lambda kv: -kv[1])))

        inside = target.as_uri() + "/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            region_runs, town_runs, outside = [], [], []
            for _ in range(args.runs):
                seconds, seen = drawn_after(browser, inside + "index.html", inside, "wsRegionDrawn")
                region_runs.append(seconds)
                outside += seen
                seconds, seen = drawn_after(browser, inside + f"cities/{largest}/index.html", inside, "wsStreetsDrawn")
                town_runs.append(seconds)
                outside += seen
            browser.close()
        print(f"from file:// with the network refused (median of {args.runs}): choropleth drawn in "
              f"{statistics.median(region_runs):.2f} s, the largest town's streets in "
              f"{statistics.median(town_runs):.2f} s; requests outside the folder: {len(outside)}")
        store.dispose()


if __name__ == "__main__":
    main()
