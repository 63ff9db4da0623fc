"""The presenter's pack of a city of 10,000 streets: its size on disk and its time to draw from file://.

    python benchmarks/bench_pack.py [--streets 10000] [--runs 3] [--seed 1]

The synthetic city of bench_map_transfer.py (streets of 10-20 points wandering like real ones) is stored
through the real store code, then published twice with app/web/publish.py: without and with a context
background. The context stands in for what `--context` fetches for a city that size: 40,000 unnamed road
ways (2-8 points), 300 railway and 400 waterway ways (30 points), 600 ponds and 2,000 parks (12-point
rings), passed through the same size budget as real answers (app/background.py). The outline is a
200-point ring around the city.

Each pack is opened from file:// in Debian's Chromium (Playwright, headless) with every request outside
the folder refused; time to draw is from navigation start until the streets' SVG paths are in the page
(window.wsStreetsDrawnAt, set by citymap.js), median over --runs fresh browser contexts.

Targets (issue 15): the folder under 5 MB, with and without --context; drawn in under 2 s.
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_map_transfer import AREA, synthetic_city  # noqa: E402

from app.background import background  # noqa: E402
from app.stats import headline  # noqa: E402
from app.store.records import find_or_create_area, save_run  # noqa: E402

MB = 1_000_000


def ring(rng: random.Random, lon: float, lat: float, radius: float, points: int) -> list[list[float]]:
    out = []
    for i in range(points):
        angle = 2 * math.pi * i / points
        r = radius * rng.uniform(0.8, 1.2)
        out.append([lon + r * math.cos(angle), lat + r * math.sin(angle) * 0.82])
    return out + [out[0]]


def walk(rng: random.Random, lon: float, lat: float, points: int, step: float) -> list[list[float]]:
    heading = rng.uniform(0, 2 * math.pi)
    out = []
    for _ in range(points):
        out.append([round(lon, 7), round(lat, 7)])
        heading += rng.gauss(0, 0.2)
        lon += step * math.cos(heading)
        lat += step * math.sin(heading) * 0.82
    return out


def synthetic_context(seed: int) -> tuple[list, dict]:
    rng = random.Random(seed + 1)

    def here():
        return -56.17 + rng.uniform(-0.09, 0.09), -34.88 + rng.uniform(-0.07, 0.07)

    outline = [ring(rng, -56.17, -34.88, 0.1, 200)]
    context = {
        "roads": [walk(rng, *here(), rng.randint(2, 8), 2e-4) for _ in range(40_000)],
        "railways": [walk(rng, *here(), 30, 5e-4) for _ in range(300)],
        "waterways": [walk(rng, *here(), 30, 4e-4) for _ in range(400)],
        "water": [ring(rng, *here(), 1e-3, 12) for _ in range(600)],
        "parks": [ring(rng, *here(), 1.5e-3, 12) for _ in range(2_000)],
    }
    return outline, context


def folder_size(folder: Path) -> tuple[int, dict]:
    files = {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}
    return sum(files.values()), files


def draw_times(browser, folder: Path, runs: int) -> tuple[list[float], int, list[str]]:
    inside = folder.as_uri() + "/"
    times, outside, paths = [], [], 0
    for _ in range(runs):
        context = browser.new_context()
        context.route(lambda url: not url.startswith(inside), lambda route: route.abort())
        page = context.new_page()
        page.on("request", lambda r: None if r.url.startswith(inside) else outside.append(r.url))
        page.goto(inside + "index.html", wait_until="load", timeout=120_000)
        page.wait_for_function("window.wsStreetsDrawn === true", timeout=120_000)
        times.append(page.evaluate("window.wsStreetsDrawnAt") / 1000)
        paths = page.locator("path.leaflet-interactive").count()
        context.close()
    return times, paths, outside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from app import create_app
    from app.web.publish import PackOptions, publish_city
    from tests.browser import CHROMIUM_ARGS, chromium_path
    from tests.conftest import make_env

    work = Path(tempfile.mkdtemp(prefix="bench-pack-"))
    app = create_app({"INSTANCE_PATH": work / "instance", "ENV": make_env(work), "TESTING": True},
                     start_workers=False)
    store = app.extensions["store"]
    streets, decisions, namesakes = synthetic_city(args.streets, args.seed)
    area = find_or_create_area(store, AREA)
    save_run(store, area.id, figures=headline, streets=streets, readings={}, decisions=decisions, namesakes=namesakes, conflicts={},
             source="overpass")
    print(f"city: {len(streets)} streets, {sum(len(s.lines[0]) for s in streets)} points")

    outline, context = synthetic_context(args.seed)
    raw = sum(len(line) for lines in context.values() for line in lines)
    started = time.perf_counter()
    with_context = background(outline, context)
    print(f"context: {sum(len(v) for v in context.values())} ways, {raw} points -> budgeted in "
          f"{time.perf_counter() - started:.1f} s: {with_context['simplification']}")

    packs = {
        "outline only": PackOptions(language="es", tiles=False, background=background(outline)),
        "with --context": PackOptions(language="es", tiles=False, context=True, background=with_context),
    }
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for label, options in packs.items():
            target = work / label.replace(" ", "-").replace("--", "")
            started = time.perf_counter()
            publish_city(app, AREA.slug, target, options)
            elapsed = time.perf_counter() - started
            size, files = folder_size(target)
            times, paths, outside = draw_times(browser, target, args.runs)
            results[label] = (size, statistics.median(times))
            biggest = sorted(files.items(), key=lambda kv: -kv[1])[:4]
            print(f"\n{label}: published in {elapsed:.1f} s; folder {size / MB:.2f} MB "
                  f"({', '.join(f'{name} {n / MB:.2f}' for name, n in biggest)})")
            print(f"  drawn from file:// in {statistics.median(times):.2f} s (median of {args.runs}: "
                  f"{', '.join(f'{t:.2f}' for t in times)}); {paths} street paths; "
                  f"requests outside the folder: {len(outside)}")
        browser.close()

    print("\ntargets: folder < 5 MB, drawn < 2 s")
    for label, (size, drawn) in results.items():
        verdict = "ok" if size < 5 * MB and drawn < 2 else "MISSED"
        print(f"  {label:<16} {size / MB:5.2f} MB  {drawn:5.2f} s  {verdict}")
    app.extensions["store"].dispose()


if __name__ == "__main__":
    main()
