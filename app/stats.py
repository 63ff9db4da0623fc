"""The figures of a city, in the three counting units.

- by street: each street (after merging its ways) counts once;
- by length: streets weigh by their length in metres;
- by person: each distinct namesake counts once, however many streets carry the name.

"Person-named" means a street whose category is woman, man, nonbinary or several.
The headline, "share of person-named streets that honour women", counts the streets
named after one woman or after several women only (saints and titles of the Virgin
included, as Geochicas counts them; ``women_share_without_religious`` leaves them out); a street honouring women and men
together counts among the person-named streets but not as honouring women (the pages
show those "mixed" streets separately).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from app.domain import (
    CATEGORIES,
    MAN,
    NONBINARY,
    PERSON_CATEGORIES,
    PERSON_KINDS,
    SEVERAL,
    WOMAN,
    CountedStreet,
    Namesake,
    normalise_name,
)
from app.store.models import AreaRow
from app.store.records import counted_streets, person_street_namesakes, set_figures

GENDERS = (WOMAN, MAN, NONBINARY, "unknown")


def share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def headline(streets: Iterable[CountedStreet]) -> dict:
    """Counts and shares for a run (or a region's runs) from its streets."""
    by_street = Counter({c: 0 for c in CATEGORIES})
    by_length = Counter({c: 0.0 for c in CATEGORIES})
    several_by_mix = Counter()
    several_length_by_mix = Counter()
    persons: dict[str, str] = {}  # person key -> gender group
    religious = Counter()  # person-named streets honouring a saint or the Virgin, by women / all
    for street in streets:
        length = street.length_m or 0.0
        by_street[street.category] += 1
        if street.religious and street.category in PERSON_CATEGORIES:
            religious["all"] += 1
            if street.category == WOMAN or (street.category == SEVERAL and street.mix == "women"):
                religious["women"] += 1
        by_length[street.category] += length
        if street.category == SEVERAL:
            several_by_mix[street.mix or "mixed"] += 1
            several_length_by_mix[street.mix or "mixed"] += length
        # Every person Wikidata knows counts, whatever the street's category (a human of
        # unknown gender sits on an "unknown" street and is still a person).
        for qid, gender in street.persons:
            persons[qid] = gender or "unknown"
        if not street.qids and street.category in (WOMAN, MAN, NONBINARY) and street.name_part:
            # Known only from the name (first-name guess, title): one person per name and gender,
            # so "General Flores" and "Doctora Flores" stay two people.
            persons[f"name:{normalise_name(street.name_part)}:{street.category}"] = street.category

    person_streets = sum(by_street[c] for c in PERSON_CATEGORIES)
    person_length = sum(by_length[c] for c in PERSON_CATEGORIES)
    women_streets = by_street[WOMAN] + several_by_mix["women"]
    women_length = by_length[WOMAN] + several_length_by_mix["women"]
    men_streets = by_street[MAN] + several_by_mix["men"]
    by_person = Counter(persons.values())
    person_count = sum(by_person[g] for g in GENDERS)
    return {
        "streets": sum(by_street.values()),
        "person_streets": person_streets,
        "by_street": dict(by_street),
        "several_by_mix": {m: several_by_mix[m] for m in ("women", "men", "mixed")},
        "length_m": round(sum(by_length.values()), 1),
        "by_length_m": {k: round(v, 1) for k, v in by_length.items()},
        "by_person": {g: by_person[g] for g in GENDERS},
        "persons": person_count,
        "women_streets": women_streets,
        "women_share": share(women_streets, person_streets),
        "women_share_by_length": share(women_length, person_length),
        "women_share_by_person": share(by_person[WOMAN], person_count),
        "men_share": share(men_streets, person_streets),
        # The same headline without saints and titles of the Virgin (EqualStreetNames counts
        # the Virgin's titles as things, Geochicas as women; presenters are asked about it).
        "religious_streets": religious["all"],
        "religious_women_streets": religious["women"],
        "women_share_without_religious": share(women_streets - religious["women"], person_streets - religious["all"]),
    }


def recount_figures(session, area: AreaRow) -> dict:
    """Recount an area's headline figures from its current run, after reviews changed streets in place."""
    session.flush()
    stats = headline(counted_streets(session, [area.current_run_id]))
    set_figures(session, area.id, stats)
    return stats


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


# --- figures for the pages -----------------------------------------------------------------------------

UNKNOWN_GENDER = "unknown"


def category_rows(stats: dict) -> list[dict]:
    """One row per category: counts and shares by street and by length, among all streets and
    (for the person categories) among person-named streets."""
    stats = stats or {}
    by_street = stats.get("by_street") or {}
    by_length = stats.get("by_length_m") or {}
    streets, length = stats.get("streets") or 0, stats.get("length_m") or 0.0
    person_streets = stats.get("person_streets") or 0
    person_length = sum(by_length.get(c, 0.0) for c in PERSON_CATEGORIES)
    rows = []
    for category in CATEGORIES:
        count, metres = by_street.get(category, 0), by_length.get(category, 0.0)
        is_person = category in PERSON_CATEGORIES
        rows.append({
            "category": category,
            "streets": count,
            "share_of_streets": share(count, streets),
            "share_of_person_streets": share(count, person_streets) if is_person else None,
            "length_m": metres,
            "share_of_length": share(metres, length),
            "share_of_person_length": share(metres, person_length) if is_person else None,
        })
    return rows


def person_rows(stats: dict) -> list[dict]:
    """Distinct namesakes by gender group, with their share among all distinct persons."""
    stats = stats or {}
    by_person = stats.get("by_person") or {}
    total = stats.get("persons") or 0
    return [{"gender": g, "persons": by_person.get(g, 0), "share": share(by_person.get(g, 0), total)}
            for g in (WOMAN, MAN, NONBINARY, UNKNOWN_GENDER)]


def century_of(year: int) -> int:
    """The first year of the hundred a year falls in: 1892 -> 1800, -63 -> -100 (counted as '1800–1899')."""
    return (year // 100) * 100


def person_breakdowns(namesakes: Iterable[Namesake], top: int = 12) -> dict:
    """Occupations and centuries of birth of distinct women and men (counting unit: person).

    ``namesakes``: Namesake values, each once.
    Returns {"persons": {g: n}, "occupations": {g: [(label, n)]}, "centuries": {g: [(start, n)]},
    "unknown_birth": {g: n}} for g in woman, man. A person with several occupations counts under each.
    """
    groups = (WOMAN, MAN)
    persons = Counter()
    occupations = {g: Counter() for g in groups}
    centuries = {g: Counter() for g in groups}
    unknown_birth = Counter()
    for person in namesakes:
        gender = person.gender
        if gender not in groups or person.kind not in PERSON_KINDS:
            continue
        persons[gender] += 1
        for label in dict.fromkeys(person.occupations or []):
            occupations[gender][label] += 1
        year = person.birth_year
        if year is None:
            unknown_birth[gender] += 1
        else:
            centuries[gender][century_of(year)] += 1
    return {
        "persons": {g: persons[g] for g in groups},
        "occupations": {g: sorted(occupations[g].items(), key=lambda kv: (-kv[1], kv[0]))[:top] for g in groups},
        "centuries": {g: sorted(centuries[g].items()) for g in groups},
        "unknown_birth": {g: unknown_birth[g] for g in groups},
    }


def run_breakdowns(store, run_id: int, top: int = 12) -> dict:
    """person_breakdowns over the distinct namesakes linked to a run's person-named streets."""
    return person_breakdowns(person_street_namesakes(store, run_id), top=top)
