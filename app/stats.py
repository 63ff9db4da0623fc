"""The figures of a city, in the three counting units.

- by street: each street (after merging its ways) counts once;
- by length: streets weigh by their length in metres;
- by person: each distinct namesake counts once, however many streets carry the name.

"Person-named" means a street whose category is woman, man, nonbinary or several.
"""
from __future__ import annotations

from collections import Counter

from app.domain import CATEGORIES, MAN, NONBINARY, PERSON_CATEGORIES, WOMAN


def share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def headline(streets, entities: dict) -> dict:
    """Counts and shares for a run, from its street rows (category, length_m, links/qids, person_name)."""
    by_street = Counter({c: 0 for c in CATEGORIES})
    by_length = Counter({c: 0.0 for c in CATEGORIES})
    persons: dict[str, str] = {}  # person key -> gender group
    for street in streets:
        by_street[street.category] += 1
        by_length[street.category] += street.length_m or 0.0
        qids = [link.qid for link in getattr(street, "links", [])] or list(getattr(street, "qids", []))
        if street.category in PERSON_CATEGORIES:
            if qids:
                for qid in qids:
                    entity = entities.get(qid)
                    gender = getattr(entity, "gender", None) if entity is not None else None
                    if entity is not None and getattr(entity, "kind", "human") in ("human", "fictional"):
                        persons[qid] = gender or "unknown"
            elif street.person_name:
                # Known only from the name (first-name guess, title): one person per distinct name.
                persons["name:" + street.person_name.casefold()] = street.category

    person_streets = sum(by_street[c] for c in PERSON_CATEGORIES)
    person_length = sum(by_length[c] for c in PERSON_CATEGORIES)
    by_person = Counter(persons.values())
    person_count = sum(by_person[g] for g in (WOMAN, MAN, NONBINARY, "unknown"))
    women_share = share(by_street[WOMAN], person_streets)
    return {
        "streets": sum(by_street.values()),
        "person_streets": person_streets,
        "by_street": dict(by_street),
        "length_m": round(sum(by_length.values()), 1),
        "by_length_m": {k: round(v, 1) for k, v in by_length.items()},
        "by_person": {g: by_person[g] for g in (WOMAN, MAN, NONBINARY, "unknown")},
        "persons": person_count,
        "women_share": women_share,
        "women_share_by_length": share(by_length[WOMAN], person_length),
        "women_share_by_person": share(by_person[WOMAN], person_count),
        "men_share": share(by_street[MAN], person_streets),
    }


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"
