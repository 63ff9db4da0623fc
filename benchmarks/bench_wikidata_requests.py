"""How many SPARQL requests (and bytes) one city's Wikidata side costs.

A generated city against the local SPARQL stand-in (tests/standins/sparql.py,
pyoxigraph): 2,000 distinct namesake ids (1,700 from OSM etymology tags, 300
through street items' P138) and 3,000 untagged street names for the name match
(half of them are labels of humans, 100 of those with a homonym). It reports:

- requests and bytes (UTF-8 size of the query texts) of our batched resolution;
- the same for a one-request-per-entity approach, as EqualStreetNames works
  (one Special:EntityData request per Wikidata id: each street item, each
  namesake), plus, to be fair to the name match it lacks, one request per name.
  Counted, not run: the ids are exactly those our run touched. Its bytes are the
  request lines ("GET /wiki/Special:EntityData/Q123.json HTTP/1.1"). With
  ``--run-per-entity`` it is also run against the stand-in with batch size 1
  (our queries, two per namesake), which gives measured figures;
- a second analysis with the same cache: it must send zero requests.

    python benchmarks/bench_wikidata_requests.py [--namesakes 2000] [--names 3000] [--run-per-entity]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain import Area, Street  # noqa: E402
from app.remote import MemoryCache, RetryPolicy  # noqa: E402
from app.wikidata import facts as facts_module  # noqa: E402
from app.wikidata import namesakes as namesakes_module  # noqa: E402
from app.wikidata.client import SparqlClient  # noqa: E402
from app.wikidata.namesakes import resolve_namesakes  # noqa: E402
from tests.standins.sparql import start_standin  # noqa: E402

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PS = "http://www.wikidata.org/prop/statement/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DESCRIPTION = "http://schema.org/description"
ABOUT = "http://schema.org/about"
PART_OF = "http://schema.org/isPartOf"
SITELINKS = "http://wikiba.se/ontology#sitelinks"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
CITY = "Q7000000"


def t(s: str, p: str, o: str) -> str:
    return f"<{s}> <{p}> {o} .\n"


def human(lines: list[str], qid: str, label: str, female: bool, sitelinks: int, country: str | None) -> None:
    s = WD + qid
    lines.append(t(s, WDT + "P31", f"<{WD}Q5>"))
    lines.append(t(s, WDT + "P21", f"<{WD}{'Q6581072' if female else 'Q6581097'}>"))
    lines.append(t(s, RDFS_LABEL, f'"{label}"@es'))
    lines.append(t(s, RDFS_LABEL, f'"{label}"@en'))
    lines.append(t(s, DESCRIPTION, '"persona de prueba"@es'))
    lines.append(t(s, WDT + "P569", f'"19{int(qid[1:]) % 100:02d}-01-01T00:00:00Z"^^<{DATETIME}>'))
    lines.append(t(s, WDT + "P106", f"<{WD}Q49757>"))
    if country:
        lines.append(t(s, WDT + "P27", f"<{WD}{country}>"))
    lines.append(t(s, SITELINKS, f'"{sitelinks}"^^<{INTEGER}>'))
    if sitelinks:
        article = f"https://es.wikipedia.org/wiki/{qid}"
        lines.append(t(article, ABOUT, f"<{s}>"))
        lines.append(t(article, PART_OF, "<https://es.wikipedia.org/>"))


def generate(n_namesakes: int, n_names: int) -> tuple[str, list[Street], dict[str, list[str]]]:
    lines = [
        t(WD + "Q77", WDT + "P297", '"UY"'),
        t(WD + "Q49757", RDFS_LABEL, '"poeta"@es'),
        t(WD + "Q6581072", RDFS_LABEL, '"female"@en'),
        t(WD + "Q6581097", RDFS_LABEL, '"male"@en'),
    ]
    streets: list[Street] = []
    names: dict[str, list[str]] = {}
    n_items = min(300, n_namesakes // 5)
    for i in range(n_namesakes):
        qid = f"Q{1_000_000 + i}"
        human(lines, qid, f"Namesake {i}", i % 4 == 0, i % 50, "Q77")
        key = f"w:{10_000 + i}"
        if i < n_items:
            item = f"Q{3_000_000 + i}"
            statement = f"{WD}statement/{item}-1"
            lines.append(t(WD + item, WDT + "P31", f"<{WD}Q79007>"))
            lines.append(t(WD + item, P + "P138", f"<{statement}>"))
            lines.append(t(statement, PS + "P138", f"<{WD}{qid}>"))
            streets.append(Street(key, f"Calle Item {i}", [], [], 10.0, wikidata=item))
        else:
            streets.append(Street(key, f"Calle Namesake {i}", [], [], 10.0, etymology_ids=[qid]))
    for j in range(n_names):
        key = f"w:{50_000 + j}"
        person = f"Persona {j}"
        streets.append(Street(key, f"Calle {person}", [], [], 10.0))
        names[key] = [person]
        if j % 2 == 0:  # half the names are some human's label
            human(lines, f"Q{2_000_000 + j}", person, j % 3 == 0, j % 30, "Q77" if j % 4 else None)
            if j % 30 == 0:  # and some have a homonym abroad
                human(lines, f"Q{4_000_000 + j}", person, True, 1, "Q29")
    return "".join(lines), streets, names


def run(url: str, area: Area, streets, names, cache) -> tuple[SparqlClient, dict, dict, float]:
    client = SparqlClient(url, cache=cache, policy=RetryPolicy(attempts=2, base_delay=0.1, timeout=120))
    start = time.perf_counter()
    evidence, namesakes = resolve_namesakes(client, area, streets, names)
    return client, evidence, namesakes, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--namesakes", type=int, default=2000)
    parser.add_argument("--names", type=int, default=3000)
    parser.add_argument("--run-per-entity", action="store_true", help="also run the one-request-per-entity approach")
    args = parser.parse_args()

    triples, streets, names = generate(args.namesakes, args.names)
    standin = start_standin()
    standin.load_ntriples(triples)
    area = Area("relation", 7000, "Bench City", 8, "UY", CITY, ["es"])
    try:
        cache = MemoryCache()
        client, evidence, namesakes, seconds = run(standin.url, area, streets, names, cache)
        with_evidence = sum(1 for e in evidence.values() if e)
        tagged_ids = {q for items in evidence.values() for e in items if e.source != "name_match" for q in e.qids}
        street_items = {s.wikidata for s in streets if s.wikidata}
        print(f"city: {len(streets)} streets, {len(tagged_ids)} distinct namesake ids from tags/street items, "
              f"{len(names)} untagged names")
        print(f"resolved: {with_evidence} streets with evidence, facts for {len(namesakes)} namesakes, {seconds:.1f}s")
        print(f"batched (ours):       {client.requests_sent:>6} requests {client.bytes_sent:>10,} bytes sent")

        # One request per Wikidata id, plus one per name for the name match.
        per_entity_ids = len(namesakes) + len(street_items)
        per_entity_requests = per_entity_ids + len(names)
        line = len("GET /wiki/Special:EntityData/Q1000000.json HTTP/1.1\r\n")
        print(f"one per namesake (counted): {per_entity_requests:>6} requests {per_entity_requests * line:>10,} bytes sent "
              f"({per_entity_ids} namesake/street-item ids + {len(names)} names)")
        ratio = per_entity_requests / max(1, client.requests_sent)
        print(f"ratio: {ratio:.0f}x fewer requests (target >= 100x): {'OK' if ratio >= 100 else 'MISSED'}")

        if args.run_per_entity:
            old = facts_module.BATCH_SIZE, namesakes_module.BATCH_SIZE, namesakes_module.NAME_BATCH_SIZE
            facts_module.BATCH_SIZE = namesakes_module.BATCH_SIZE = namesakes_module.NAME_BATCH_SIZE = 1
            try:
                single, _, _, single_seconds = run(standin.url, area, streets, names, MemoryCache())
            finally:
                facts_module.BATCH_SIZE, namesakes_module.BATCH_SIZE, namesakes_module.NAME_BATCH_SIZE = old
            print(f"one per namesake (run, our queries with batch size 1): {single.requests_sent} requests "
                  f"{single.bytes_sent:,} bytes sent, {single_seconds:.1f}s")

        again, evidence2, namesakes2, seconds2 = run(standin.url, area, streets, names, cache)
        same = evidence2 == evidence and namesakes2 == namesakes
        print(f"second analysis (same cache): {again.requests_sent} requests, {again.cache_hits} cache hits, "
              f"{seconds2:.1f}s, same result: {same}: {'OK' if again.requests_sent == 0 and same else 'MISSED'}")
    finally:
        standin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
