"""Do we give Brussels' streets the same gender as EqualStreetNames?

EqualStreetNames (ESN) published, per OSM way, the namesakes their pipeline
found (``details``: Wikidata id, person or not, gender, labels, descriptions,
birth/death, sitelinks, image). This script rebuilds from those curated facts a
local, Wikidata-shaped store (pyoxigraph, via the SPARQL stand-in) and runs our
real resolution over real HTTP (app.wikidata.namesakes.resolve_namesakes, then
the gender grouping of app.wikidata.gender), and compares the gender per street.

What is reconstructed, and how:
- namesakes: ``person: true`` -> P31 Q5; ``person: false`` -> P31 Q35120 (entity),
  i.e. not a person. P21 from ESN's gender code: F -> Q6581072 female,
  M -> Q6581097 male, FX -> Q1052281 trans woman, MX -> Q2449503 trans man,
  X -> Q1097630 intersex, NB -> Q48270 non-binary. Labels and descriptions per
  language, birth/death years, sitelinks (count and Wikipedia articles), image.
- the path to the namesake: ESN's file does not keep the OSM etymology tags.
  A way whose ``source`` is ``wikidata`` and that carries a street item
  (``wikidata``) gets its namesakes through the street item's P138 statements
  (our ``street_item`` path); a way without a street item, or a manual ``csv``
  way, gets them as ``name:etymology:wikidata`` (our ``osm_tag`` path).
- streets: ways of the same name are one street (ESN's ``gender.csv`` unit is the
  distinct name too); its ids are the union over its ways.
- no name matching (ESN does none): the point is the gender grouping and the
  query path, on the streets ESN resolved.

Our category per street, on the first (most trusted) evidence: one person ->
their grouped gender; several persons -> their common gender if they share one
(ESN writes F or M then), else "several"; a group (family, couple) -> several; no
person -> not_person. ESN codes compare as F/FX = woman, M/MX = man,
X/NB = nonbinary, + = several, - = not_person.

    python benchmarks/bench_brussels_gender.py [--shared ../shared] [--show 40]
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain import (  # noqa: E402
    KIND_FICTIONAL,
    KIND_GROUP,
    KIND_HUMAN,
    MAN,
    NONBINARY,
    NOT_PERSON,
    SEVERAL,
    UNKNOWN,
    WOMAN,
    Area,
    Namesake,
    Evidence,
    Street,
    is_qid,
)
from app.remote import MemoryCache, RetryPolicy  # noqa: E402
from app.wikidata.client import SparqlClient  # noqa: E402
from app.wikidata.namesakes import resolve_namesakes  # noqa: E402
from tests.standins.sparql import start_standin  # noqa: E402

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PS = "http://www.wikidata.org/prop/statement/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DESCRIPTION = "http://schema.org/description"
SITELINKS = "http://wikiba.se/ontology#sitelinks"
XSD = "http://www.w3.org/2001/XMLSchema#"

GENDER_QIDS = {
    "F": "Q6581072",
    "M": "Q6581097",
    "FX": "Q1052281",
    "MX": "Q2449503",
    "X": "Q1097630",
    "NB": "Q48270",
}
ESN_CATEGORY = {
    "F": WOMAN,
    "FX": WOMAN,
    "M": MAN,
    "MX": MAN,
    "X": NONBINARY,
    "NB": NONBINARY,
    "+": SEVERAL,
    "-": NOT_PERSON,
}
BRUSSELS = Area("relation", 54094, "Brussels-Capital Region", 4, "BE", "Q240", ["fr", "nl", "de"])


def literal(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def triple(s: str, p: str, o: str) -> str:
    return f"<{s}> <{p}> {o} .\n"


def find_data(shared: Path) -> Path:
    for candidate in (shared / "data" / "equalstreetnames" / "brussels", shared / "equalstreetnames" / "brussels"):
        if (candidate / "ways.geojson").is_file():
            return candidate
    raise SystemExit(f"no equalstreetnames/brussels/ways.geojson under {shared}")


def as_list(details) -> list[dict]:
    if not details:
        return []
    return details if isinstance(details, list) else [details]


def entity_triples(detail: dict) -> list[str]:
    qid = detail["wikidata"]
    s = WD + qid
    out = [triple(s, WDT + "P31", f"<{WD}{'Q5' if detail.get('person') else 'Q35120'}>")]
    gender = GENDER_QIDS.get(detail.get("gender") or "")
    if gender:
        out.append(triple(s, WDT + "P21", f"<{WD}{gender}>"))
    for lang, value in (detail.get("labels") or {}).items():
        if value and value.get("value"):
            out.append(triple(s, LABEL, literal(value["value"], value.get("language") or lang)))
    for lang, value in (detail.get("descriptions") or {}).items():
        if value and value.get("value"):
            out.append(triple(s, DESCRIPTION, literal(value["value"], value.get("language") or lang)))
    for key, prop in (("birth", "P569"), ("death", "P570")):
        year = detail.get(key)
        if isinstance(year, int):
            sign = "-" if year < 0 else ""
            out.append(triple(s, WDT + prop, f'"{sign}{abs(year):04d}-01-01T00:00:00Z"^^<{XSD}dateTime>'))
    sitelinks = detail.get("sitelinks") or {}
    out.append(triple(s, SITELINKS, f'"{len(sitelinks)}"^^<{XSD}integer>'))
    for site, link in sitelinks.items():
        if site.endswith("wiki") and site not in ("commonswiki", "specieswiki") and link.get("title"):
            lang = site[: -len("wiki")].replace("_", "-")
            article = f"https://{lang}.wikipedia.org/wiki/{quote(link['title'].replace(' ', '_'))}"
            out.append(triple(article, "http://schema.org/about", f"<{s}>"))
            out.append(triple(article, "http://schema.org/isPartOf", f"<https://{lang}.wikipedia.org/>"))
    if detail.get("image"):
        image = "http://commons.wikimedia.org/wiki/Special:FilePath/" + quote(detail["image"])
        out.append(triple(s, WDT + "P18", f"<{image}>"))
    return out


def build(features: list[dict]) -> tuple[str, list[Street], dict[str, str], set[str]]:
    """The N-Triples, our streets, ESN's category per street key, and the keys ESN
    resolved by hand without any Wikidata id (out of reach of a Wikidata pipeline)."""
    lines: set[str] = set()
    by_name: dict[str, list[dict]] = collections.defaultdict(list)
    for feature in features:
        name = (feature["properties"].get("name") or "").strip()
        if name:
            by_name[name].append(feature)
    streets: list[Street] = []
    expected: dict[str, str] = {}
    manual_only: set[str] = set()
    for name, ways in by_name.items():
        key = f"w:{min(int(w['id']) for w in ways)}"
        tag_ids: list[str] = []
        street_item: str | None = None
        votes: collections.Counter = collections.Counter()
        for way in ways:
            props = way["properties"]
            if props.get("gender") in ESN_CATEGORY:
                votes[props["gender"]] += 1
            item = props.get("wikidata") if is_qid(props.get("wikidata") or "") else None
            details = [d for d in as_list(props.get("details")) if is_qid(d.get("wikidata") or "")]
            for detail in details:
                lines.update(entity_triples(detail))
            if item and street_item is None:
                street_item = item
            if details and item and props.get("source") == "wikidata":
                # The namesake through the street item's P138 (one statement per namesake).
                for detail in details:
                    statement = f"{WD}statement/{item}-{detail['wikidata']}"
                    lines.add(triple(WD + item, P + "P138", f"<{statement}>"))
                    lines.add(triple(statement, PS + "P138", f"<{WD}{detail['wikidata']}>"))
            elif details:
                tag_ids.extend(d["wikidata"] for d in details if d["wikidata"] not in tag_ids)
        streets.append(
            Street(
                key=key,
                name=name,
                osm_ids=[f"way/{w['id']}" for w in ways],
                lines=[],
                length_m=0.0,
                etymology_ids=tag_ids,
                wikidata=street_item,
            )
        )
        if votes:
            expected[key] = ESN_CATEGORY[votes.most_common(1)[0][0]]
            if not tag_ids and not any(
                is_qid(d.get("wikidata") or "") for w in ways for d in as_list(w["properties"].get("details"))
            ):
                manual_only.add(key)
    return "".join(sorted(lines)), streets, expected, manual_only


def our_category(evidence: list[Evidence], namesakes: dict[str, Namesake]) -> str:
    if not evidence:
        return UNKNOWN
    found = [namesakes[q] for q in evidence[0].qids if q in namesakes]
    if not found:
        return UNKNOWN
    people = [e for e in found if e.kind in (KIND_HUMAN, KIND_FICTIONAL)]
    if any(e.kind == KIND_GROUP for e in found):
        return SEVERAL
    if not people:
        return NOT_PERSON
    genders = {e.gender for e in people}
    if len(people) == 1 or len(genders) == 1:
        return people[0].gender or UNKNOWN
    return SEVERAL


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--show", type=int, default=40, help="disagreements to list")
    args = parser.parse_args()

    data = find_data(args.shared)
    features = json.loads((data / "ways.geojson").read_text(encoding="utf-8"))["features"]
    triples, streets, expected, manual_only = build(features)

    standin = start_standin()
    standin.load_ntriples(triples)
    try:
        client = SparqlClient(standin.url, cache=MemoryCache(), policy=RetryPolicy(attempts=2, timeout=120))
        start = time.perf_counter()
        evidence, namesakes = resolve_namesakes(client, BRUSSELS, streets, {})
        seconds = time.perf_counter() - start
    finally:
        standin.close()

    names = {s.key: s.name for s in streets}
    sources = collections.Counter(e[0].source for e in evidence.values() if e)
    agree, disagreements = 0, []
    for key, theirs in sorted(expected.items(), key=lambda kv: names[kv[0]]):
        ours = our_category(evidence.get(key, []), namesakes)
        if ours == theirs:
            agree += 1
        else:
            detail = "; ".join(
                f"{q} {namesakes[q].kind}/{namesakes[q].gender}" if q in namesakes else f"{q} (no facts)"
                for e in evidence.get(key, [])[:1]
                for q in e.qids
            )
            if key in manual_only:
                detail = "ESN manual entry without a Wikidata id"
            disagreements.append(f"  {names[key]}: ESN {theirs}, ours {ours} [{detail}]")

    total = len(expected)
    share = agree / total if total else 0.0
    print(f"ESN ways: {len(features)}; streets (distinct names): {len(streets)}; "
          f"streets ESN resolved (with a gender code): {total}")
    print(f"our evidence by source: {dict(sources)}; namesakes with facts: {len(namesakes)}")
    print(f"SPARQL: {client.requests_sent} requests, {client.bytes_sent:,} bytes sent, {seconds:.1f}s")
    print(f"same gender as ESN: {agree}/{total} = {share:.1%} (target >= 98%): {'OK' if share >= 0.98 else 'MISSED'}")
    reachable = total - len(manual_only)
    agree_reachable = agree - sum(1 for k in manual_only if our_category(evidence.get(k, []), namesakes) == expected[k])
    if reachable:
        print(f"  leaving out {len(manual_only)} streets ESN named by hand with no Wikidata id: "
              f"{agree_reachable}/{reachable} = {agree_reachable / reachable:.1%}")
    by_pair = collections.Counter(line.split(": ", 1)[1].split(" [")[0] for line in disagreements)
    if by_pair:
        print("disagreements by kind:", dict(by_pair))
    for line in disagreements[: args.show]:
        print(line)
    if len(disagreements) > args.show:
        print(f"  ... and {len(disagreements) - args.show} more (--show N)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
