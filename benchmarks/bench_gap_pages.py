"""Response times of the gap-list pages for a city of 20,000 streets.

    python benchmarks/bench_gap_pages.py [--streets 20000] [--rounds 5]

A synthetic city (realistic Spanish street names; a mix of categories and sources like a
big Latin American city: many men, fewer women, rules, unresolved names, first-name
guesses) is written into a temporary SQLite file through the real store code
(``save_run``). The app is served by ``whose-streets run`` in a subprocess; this
process asks for each gap list over HTTP: several pages, every sort order, text and
source filters, and the CSV download. Figures: median and p95 per list (HTML pages),
and the CSV time separately. Target: under 200 ms median per page.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import load_settings  # noqa: E402
from app.domain import (  # noqa: E402
    HIGH, KIND_HUMAN, LOW, MAN, MEDIUM, NOT_PERSON, SEVERAL, UNKNOWN, WOMAN, Area, Decision, Namesake, Evidence, Street,
)
from app.store import Store  # noqa: E402
from app.stats import headline  # noqa: E402
from app.store.records import find_or_create_area, save_run  # noqa: E402

WOMEN = ["María", "Juana", "Delmira", "Clara", "Laura", "Ana", "Carmen", "Rosa", "Elena", "Isabel", "Lucía",
         "Teresa", "Paulina", "Luisa", "Margarita", "Victoria", "Dolores", "Mercedes", "Julia", "Emilia"]
MEN = ["José", "Juan", "Pedro", "Manuel", "Francisco", "Carlos", "Luis", "Antonio", "Miguel", "Rafael", "Andrés",
       "Joaquín", "Tomás", "Fructuoso", "Venancio", "Bernardo", "Gabriel", "Eduardo", "Alberto", "Ramón"]
SURNAMES = ["Artigas", "Agustini", "Ibarbourou", "Silva", "Ramírez", "Rivera", "Oribe", "Lavalleja", "Flores",
            "Pérez", "González", "Rodríguez", "Fernández", "López", "Martínez", "Sánchez", "Gómez", "Díaz",
            "Vázquez", "Castro", "Suárez", "Romero", "Alonso", "Gutiérrez", "Ortiz", "Morales", "Herrera", "Medina"]
KINDS = ["Calle", "Avenida", "Pasaje", "Bulevar", "Camino", "Rambla", "Plaza"]
THINGS = ["18 de Julio", "25 de Mayo", "Los Ceibos", "Las Acacias", "Independencia", "Constitución", "del Puerto",
          "Colonia", "Paysandú", "Salto", "Río Negro", "Los Pinos", "del Mar", "Las Flores", "Libertad"]


def synthetic_city(n: int, seed: int = 7):
    rng = random.Random(seed)
    streets, decisions, namesakes, readings = [], {}, {}, {}
    next_qid = 1_000_000

    def person(gender: str) -> str:
        nonlocal next_qid
        # Reuse a known person now and then: several streets for one namesake.
        same = [q for q, e in namesakes.items() if e.gender == gender]
        if same and rng.random() < 0.2:
            return rng.choice(same)
        next_qid += 1
        qid = f"Q{next_qid}"
        first = rng.choice(WOMEN if gender == WOMAN else MEN)
        label = f"{first} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        articles = {}
        if rng.random() < 0.5:
            articles["es"] = f"https://es.wikipedia.org/wiki/{label.replace(' ', '_')}"
        if rng.random() < 0.4:
            articles["en"] = f"https://en.wikipedia.org/wiki/{label.replace(' ', '_')}"
        namesakes[qid] = Namesake(qid=qid, labels={"es": label, "en": label}, gender=gender, kind=KIND_HUMAN,
                               sitelinks=len(articles) + rng.randrange(0, 20), articles=articles,
                               descriptions={"es": "persona de ejemplo"})
        return qid

    class Reading:
        def __init__(self, name_part):
            self.name_part = name_part

    for i in range(n):
        key = f"w{100_000 + i}"
        roll = rng.random()
        kind = rng.choice(KINDS)
        tags: dict = {}
        name_part = None
        if roll < 0.12:
            qid = person(WOMAN)
            name = f"{kind} {namesakes[qid].labels['es']}"
            source = rng.choice(["osm_tag", "street_item", "wikidata_street", "name_match", "name_match"])
            decision = Decision(WOMAN, source, MEDIUM, [qid], evidence=[Evidence(source, [qid])])
        elif roll < 0.50:
            qid = person(MAN)
            name = f"{kind} {namesakes[qid].labels['es']}"
            source = rng.choice(["osm_tag", "street_item", "wikidata_street", "name_match", "name_match"])
            decision = Decision(MAN, source, MEDIUM, [qid], evidence=[Evidence(source, [qid])])
        elif roll < 0.53:
            a, b = person(WOMAN), person(MAN)
            name = f"{kind} {namesakes[a].labels['es']} y {namesakes[b].labels['es']}"
            decision = Decision(SEVERAL, "osm_tag", HIGH, [a, b], mix="mixed", evidence=[Evidence("osm_tag", [a, b])])
        elif roll < 0.73:
            name = f"{kind} {rng.choice(THINGS)}"
            decision = Decision(NOT_PERSON, "rule", HIGH, evidence=[Evidence("rule", category=NOT_PERSON)])
        elif roll < 0.78:
            first = rng.choice(WOMEN + MEN)
            name_part = f"{first} {rng.choice(SURNAMES)}"
            name = f"{kind} {name_part}"
            category = WOMAN if first in WOMEN else MAN
            decision = Decision(category, "first_name", LOW, evidence=[Evidence("first_name", category=category,
                                                                                 confidence=LOW)])
        elif roll < 0.81:
            name_part = rng.choice(SURNAMES)
            name = f"{kind} General {name_part}"
            decision = Decision(MAN, "title", LOW, evidence=[Evidence("title", category=MAN, confidence=LOW)])
        else:
            # Unresolved: a surname alone, often shared by several streets.
            name_part = rng.choice(SURNAMES) + ("" if rng.random() < 0.6 else f" {rng.choice(SURNAMES)}")
            name = f"{kind} {name_part}"
            decision = Decision(UNKNOWN, None, LOW)
        if decision.source == "osm_tag":
            tags["etymology_ids"] = list(decision.qids)
        lon, lat = -56.3 + rng.random() * 0.2, -34.95 + rng.random() * 0.1
        line = [(lon, lat), (lon + 0.001, lat + 0.0005), (lon + 0.002, lat + 0.001)]
        streets.append(Street(key=key, name=name, osm_ids=[f"way/{100_000 + i}"], lines=[line],
                              length_m=round(50 + rng.random() * 1500, 1), **tags))
        decisions[key] = decision
        readings[key] = Reading(name_part)
    return streets, decisions, namesakes, readings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def variants(slug: str) -> dict[str, list[str]]:
    base = f"/cities/{slug}/gaps"
    out: dict[str, list[str]] = {}
    out["articles"] = [f"{base}?list=articles", f"{base}?list=articles&page=2", f"{base}?list=articles&page=5",
                       f"{base}?list=articles&sort=name", f"{base}?list=articles&sort=streets",
                       f"{base}?list=articles&sort=name&dir=desc&page=3", f"{base}?list=articles&q=mar"]
    out["tags"] = [f"{base}?list=tags", f"{base}?list=tags&page=2", f"{base}?list=tags&page=40",
                   f"{base}?list=tags&sort=length", f"{base}?list=tags&sort=source&page=10",
                   f"{base}?list=tags&source=name_match", f"{base}?list=tags&q=artigas",
                   f"{base}?list=tags&source=wikidata_street&sort=name&dir=desc&page=4"]
    out["unknown"] = [f"{base}?list=unknown", f"{base}?list=unknown&page=2", f"{base}?list=unknown&page=6",
                      f"{base}?list=unknown&sort=length", f"{base}?list=unknown&sort=name&page=3",
                      f"{base}?list=unknown&q=rivera", f"{base}?list=unknown&source=none"]
    out["first_names"] = [f"{base}?list=first_names", f"{base}?list=first_names&page=2",
                          f"{base}?list=first_names&page=10", f"{base}?list=first_names&sort=length",
                          f"{base}?list=first_names&sort=person&dir=desc", f"{base}?list=first_names&q=laura"]
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streets", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5, help="times each page variant is asked for")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "INSTANCE_PATH": str(folder / "web"), "DATABASE_URL": f"sqlite:///{folder / 'gaps.sqlite'}",
               "QUEUE_URL": f"sqlite:///{folder / 'queue.sqlite'}", "SECRET_KEY": "bench", "OFFLINE": "1"}
        settings = load_settings(env["INSTANCE_PATH"], env=env)
        store = Store(settings.database_url)
        store.upgrade()
        area = Area("relation", 4242, "Ciudad Grande", admin_level=8, country_code="UY", languages=["es"])
        row = find_or_create_area(store, area)
        started = time.perf_counter()
        streets, decisions, namesakes, readings = synthetic_city(args.streets)
        save_run(store, row.id, figures=headline, streets=streets, readings=readings, decisions=decisions, namesakes=namesakes,
                 conflicts={}, source="overpass")
        print(f"city: {args.streets} streets, {len(namesakes)} namesakes stored in {time.perf_counter() - started:.1f} s")
        store.dispose()

        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "app.cli", "run", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        root = f"http://127.0.0.1:{port}"
        session = requests.Session()
        try:
            for _ in range(200):
                try:
                    if session.get(f"{root}/login", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            print(f"served by `whose-streets run` (Flask development server) in a separate process; "
                  f"{args.rounds} rounds of every variant, one client")
            print(f"{'list':<12} {'entries':>8} {'requests':>9} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}"
                  f" {'CSV ms':>8}")
            for name, urls in variants(area.slug).items():
                for url in urls:  # warm-up: first-request costs (templates, SQLite page cache)
                    session.get(root + url).raise_for_status()
                times = []
                for _ in range(args.rounds):
                    for url in urls:
                        t0 = time.perf_counter()
                        response = session.get(root + url)
                        times.append((time.perf_counter() - t0) * 1000)
                        response.raise_for_status()
                t0 = time.perf_counter()
                csv_text = session.get(f"{root}/cities/{area.slug}/gaps?list={name}&format=csv").text
                csv_ms = (time.perf_counter() - t0) * 1000
                entries = csv_text.count("\n") - 1
                print(f"{name:<12} {entries:>8} {len(times):>9} {statistics.median(times):>10.1f} "
                      f"{percentile(times, 0.95):>8.1f} {max(times):>8.1f} {csv_ms:>8.1f}")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
