"""How the shared vocabulary (categories, sources, confidence, gender, kinds) is said to people.

One table per code list, so adding a source or a category means one edit here. Plural
labels name groups (legends, statistics: "Women"); singular names classify one street
or person ("woman").
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.domain import MAN, NONBINARY, NOT_PERSON, SEVERAL, SOURCES, UNKNOWN, WOMAN

CATEGORY_LABELS = {
    WOMAN: _l("Women"),
    MAN: _l("Men"),
    NONBINARY: _l("Non-binary or another gender"),
    SEVERAL: _l("Several people"),
    NOT_PERSON: _l("Not a person"),
    UNKNOWN: _l("Unknown"),
}
CATEGORY_NAMES = {
    WOMAN: _l("woman"),
    MAN: _l("man"),
    NONBINARY: _l("non-binary or another gender"),
    SEVERAL: _l("several people"),
    NOT_PERSON: _l("not a person"),
    UNKNOWN: _l("unknown"),
}
GENDER_LABELS = {WOMAN: _l("Women"), MAN: _l("Men"), NONBINARY: _l("Non-binary or another gender"),
                 "unknown": _l("Gender unknown")}
GENDER_NAMES = {WOMAN: _l("woman"), MAN: _l("man"), NONBINARY: _l("non-binary or another gender"),
                "unknown": _l("gender not recorded")}
#: Where a decision comes from, in words: popups, street pages, gap lists (the English is in app.domain.SOURCES).
SOURCE_NAMES = {code: _l(source.description) for code, source in SOURCES.items()} | {"none": _l("no evidence")}
CONFIDENCE_NAMES = {"high": _l("high"), "medium": _l("medium"), "low": _l("low")}
CONFIDENCE_WORDS = {"high": _l("high confidence"), "medium": _l("medium confidence"), "low": _l("low confidence")}
MIX_WORDS = {"women": _l("all women"), "men": _l("all men"), "mixed": _l("women and men")}
KIND_NAMES = {"human": _l("person"), "group": _l("group of people"), "fictional": _l("fictional character"),
              "thing": _l("not a person")}


def word(table: dict, value) -> str:
    """The translated word for a code; the code itself when the table lacks it."""
    return str(table.get(value, value or "")) if value else str(table.get("none", ""))


def words(table: dict) -> dict:
    """A whole table translated now (for JSON handed to the page's scripts)."""
    return {key: str(value) for key, value in table.items()}


#: The map script's words (popups, search, loading).
MAP_WORDS = {
    "article": _l("Wikipedia article"),
    "wikidata": _l("Wikidata"),
    "osmWay": _l("OpenStreetMap"),
    "editId": _l("Edit in iD"),
    "streetPage": _l("Street page"),
    "evidence": _l("How we know"),
    "reviewed": _l("Reviewed by a volunteer"),
    "noMatch": _l("No street found"),
    "loading": _l("Loading streets…"),
    "loadFailed": _l("The streets could not be loaded."),
    "factsLoading": _l("Loading the street's facts…"),
    "legend": _l("Legend"),
    "factsFailed": _l("The street's facts could not be loaded."),
    "image": _l("Picture from Wikimedia Commons"),
    "unknownPerson": _l("Person known only from the street name"),
}
