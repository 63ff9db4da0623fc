"""Compare offline classifications (no Wikidata) with curated street-name data.

Reads Geochicas (Madrid, Montevideo, Barcelona) and EqualStreetNames (Brussels,
Hannover) from ../shared/data (override with --shared PATH) and prints, per city:
the languages the app itself chooses for the city (from its country and ISO 3166-2
region, as an analysis does offline), the number of curated person-named names,
coverage (share we call woman or man, or several with a one-gender mix), precision
(share of those equal to the curated gender), recall per category, the first
disagreements and, where the curators also list names that honour no person
(EqualStreetNames's "-"), the share of those we wrongly give a gender.

    python benchmarks/evaluate_names.py [--shared ../shared/data] [--city madrid] [--show 30]
    python benchmarks/evaluate_names.py --not-a-person names.csv --region ES-MD
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.classify import decide_without_wikidata  # noqa: E402
from app.domain import MAN, SEVERAL, WOMAN  # noqa: E402
from app.names import languages_for_place  # noqa: E402

CITIES = {
    # city: (loader, country, ISO 3166-2 region); the languages are the app's own choice.
    "madrid": ("geochicas", "ES", "ES-MD"),
    "montevideo": ("geochicas", "UY", "UY-MO"),
    "barcelona": ("geochicas", "ES", "ES-CT"),
    "brussels": ("equalstreetnames", "BE", "BE-BRU"),
    "hannover": ("equalstreetnames", "DE", "DE-NI"),
}
#: city: (coverage, precision) on person-named streets.
TARGETS = {"madrid": (0.85, 0.98), "montevideo": (0.85, 0.98), "barcelona": (0.80, 0.98),
           "hannover": (0.50, 0.98)}
#: At most this share of curated not-a-person names may be given a gender.
NOT_A_PERSON_TARGET = 0.02
_CURATED = {"female": WOMAN, "f": WOMAN, "male": MAN, "m": MAN}


def load_geochicas(shared: Path, city: str) -> dict[str, str]:
    """name -> 'woman'/'man', deduplicated by name (majority of its ways)."""
    votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    geo = shared / "geochicas" / city / "final_tile.geojson"
    with geo.open(encoding="utf-8") as fh:
        for feature in json.load(fh)["features"]:
            props = feature.get("properties") or {}
            gender = _CURATED.get(str(props.get("gender") or "").strip().lower())
            if props.get("name") and gender:
                votes[props["name"].strip()][gender] += 1
    table = shared / "geochicas" / city / f"{city}_finalCSV.csv"
    if table.exists():  # the reviewed table: names the GeoJSON may have dropped
        with table.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                gender = _CURATED.get((row.get("gender") or "").strip().lower())
                name = (row.get("calle") or "").strip()
                if name and gender and name not in votes:
                    votes[name][gender] += 1
    return {name: counter.most_common(1)[0][0] for name, counter in votes.items()}


def load_equalstreetnames(shared: Path, city: str) -> dict[str, str]:
    out: dict[str, str] = {}
    with (shared / "equalstreetnames" / city / "gender.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            gender = _CURATED.get((row.get("gender") or "").strip().lower())
            if gender:
                out[row["name"].strip()] = gender
    return out


def load_not_a_person(shared: Path, kind: str, city: str) -> list[str]:
    """Names the curators found honour no person (EqualStreetNames's gender "-")."""
    path = shared / "equalstreetnames" / city / "gender.csv"
    if kind != "equalstreetnames" or not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sorted({row["name"].strip() for row in csv.DictReader(fh) if (row.get("gender") or "").strip() == "-"})


def evaluate_not_a_person(label: str, names: list[str], languages: list[str], country: str | None,
                          show: int) -> float:
    """Print and return the share of not-a-person names we give a gender."""
    gendered = []
    for name in names:
        _reading, decision = decide_without_wikidata(name, languages, country)
        if predicted_gender(decision):
            gendered.append((name, predicted_gender(decision), decision))
    share = len(gendered) / len(names) if names else 0.0
    verdict = "MET" if share <= NOT_A_PERSON_TARGET else "NOT MET"
    print(f"not-a-person names ({label}): {len(names)}, given a gender: {len(gendered)} = {share:.1%}"
          f"  (target <= {NOT_A_PERSON_TARGET:.0%}: {verdict})")
    for name, guess, decision in gendered[:show]:
        why = "; ".join(f"{e.source}: {e.detail}" for e in decision.evidence)
        print(f"  {name!r}: ours {guess}  [{why}]")
    return share


def predicted_gender(decision) -> str | None:
    if decision.category in (WOMAN, MAN):
        return decision.category
    if decision.category == SEVERAL and decision.mix in ("women", "men"):
        return WOMAN if decision.mix == "women" else MAN
    return None


def evaluate(city: str, shared: Path, show: int) -> dict:
    kind, country, region = CITIES[city]
    languages = languages_for_place(country, region)
    curated = (load_geochicas if kind == "geochicas" else load_equalstreetnames)(shared, city)
    covered = correct = 0
    per_cat = {WOMAN: [0, 0], MAN: [0, 0]}  # curated count, of which we got right
    wrong: list[tuple[str, str, str, str]] = []
    uncovered = collections.Counter()
    for name, truth in sorted(curated.items()):
        reading, decision = decide_without_wikidata(name, languages, country)
        guess = predicted_gender(decision)
        per_cat[truth][0] += 1
        if guess is None:
            if reading.non_person:
                why = f"read as non-person ({reading.non_person})"
            elif reading.single_word:
                why = "one bare word (refused by design)"
            elif decision.category == SEVERAL:
                why = f"several ({decision.mix})"
            else:
                why = "no title, no known first name"
            uncovered[why] += 1
            continue
        covered += 1
        if guess == truth:
            correct += 1
            per_cat[truth][1] += 1
        else:
            why = "; ".join(f"{e.source}: {e.detail}" for e in decision.evidence)
            wrong.append((name, truth, guess, why))
    total = len(curated)
    coverage = covered / total if total else 0.0
    precision = correct / covered if covered else 0.0
    print(f"\n== {city} ({kind}, country {country}, region {region}: the app reads {','.join(languages)})")
    print(f"curated person-named names: {total}")
    print(f"coverage:  {coverage:6.1%}  ({covered} called woman/man)")
    print(f"precision: {precision:6.1%}  ({correct} agree, {len(wrong)} disagree)")
    for cat, (n, ok) in per_cat.items():
        print(f"recall {cat:5}: {ok / n if n else 0:6.1%}  ({ok}/{n})")
    print("not covered, why:", dict(uncovered.most_common()))
    target = TARGETS.get(city)
    if target:
        met = coverage >= target[0] and precision >= target[1]
        print(f"target coverage >= {target[0]:.0%}, precision >= {target[1]:.0%}: {'MET' if met else 'NOT MET'}")
    if wrong:
        print(f"disagreements (first {min(show, len(wrong))} of {len(wrong)}):")
        for name, truth, guess, why in wrong[:show]:
            print(f"  {name!r}: curated {truth}, ours {guess}  [{why}]")
    result = {"city": city, "total": total, "coverage": coverage, "precision": precision}
    not_persons = load_not_a_person(shared, kind, city)
    if not_persons:
        result["not_a_person"] = evaluate_not_a_person(city, not_persons, languages, country, show)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--city", action="append", choices=sorted(CITIES))
    parser.add_argument("--show", type=int, default=30, help="disagreements to list per city")
    parser.add_argument("--not-a-person", type=Path, metavar="CSV",
                        help="a held-out list of names that honour no person (first column), read with "
                             "--region/--country's languages; measured alone")
    parser.add_argument("--region", help="ISO 3166-2 region of the --not-a-person names, e.g. ES-MD")
    parser.add_argument("--country", help="country of the --not-a-person names, e.g. ES")
    args = parser.parse_args(argv)
    if args.not_a_person:
        country = args.country or (args.region or "")[:2] or None
        languages = languages_for_place(country, args.region)
        with args.not_a_person.open(encoding="utf-8-sig", newline="") as fh:
            names = sorted({row[0].strip() for row in csv.reader(fh) if row and row[0].strip()})
        print(f"== {args.not_a_person.name} (country {country}, region {args.region}: the app reads "
              f"{','.join(languages)})")
        share = evaluate_not_a_person(args.not_a_person.name, names, languages, country, args.show)
        return 1 if share > NOT_A_PERSON_TARGET else 0
    if not args.shared.exists():
        print(f"no curated data at {args.shared} (use --shared PATH)", file=sys.stderr)
        return 2
    results = [evaluate(city, args.shared, args.show) for city in (args.city or list(CITIES))]
    failed = [r["city"] for r in results if r["city"] in TARGETS and (
        r["coverage"] < TARGETS[r["city"]][0] or r["precision"] < TARGETS[r["city"]][1])]
    failed += [r["city"] for r in results if r.get("not_a_person", 0.0) > NOT_A_PERSON_TARGET]
    print("\nsummary:", ", ".join(
        f"{r['city']} cov {r['coverage']:.1%} prec {r['precision']:.1%}"
        + (f" not-a-person gendered {r['not_a_person']:.1%}" if "not_a_person" in r else "")
        for r in results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
