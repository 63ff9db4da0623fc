"""Word lists for reading street names, one data file per language.

Every language lives in ``data/languages/<code>.toml`` (see ``data/languages/README.md``
for the keys): its street types (written before the name, after it, or glued on),
particles, articles, titles, plural titles, words that name things, months and
numbers. Adding a language is adding a file: this module only loads them and
builds the tables the reader uses. Everything is compared without case or accents
(see ``key``), so the files keep the words' accents for readability.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from app.domain import normalise_name

WOMAN = "woman"
MAN = "man"
LANGUAGE_DIR = Path(__file__).with_name("data") / "languages"

#: title -> (gender it implies or None, keeps): ``keeps`` is True when the title is
#: part of how the person is known and stays in NameReading.name_part (saints, the
#: Virgin, nobility written "Marqués de X"), False for honorifics and professions
#: dropped to get at the person's own name ("Doctor Luis Morquio" -> "Luis Morquio").
T = tuple[str | None, bool]
_GENDERS = {"woman": WOMAN, "man": MAN, "any": None}


def plain_key(text: str) -> str:
    """``key`` without a cache: for keying many names once (GeoNames's 250,000 place names), which
    through the caches would only push out the tokens worth keeping and pay for the caching."""
    text = (text or "").replace("’", "'").replace("`", "'").replace("´", "'")
    return normalise_name.__wrapped__(text)


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """Lower case, no accents, single spaces; apostrophes unified to '.

    Cached, so each word and name is keyed once per process: reading a city's names asks for the
    keys of the same few thousand tokens ("calle", "de", ...) tens of thousands of times.
    """
    return plain_key(text)


@lru_cache(maxsize=1)
def language_files() -> dict[str, dict]:
    """Every language's data, by ISO 639-1 code, in file-name order."""
    out: dict[str, dict] = {}
    for path in sorted(LANGUAGE_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        code = data.get("language") or path.stem
        if code != path.stem:
            raise ValueError(f"{path.name} says it is language {code!r}")
        out[code] = data
    return out


def _get(data: dict, *path: str, default=None):
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return default
        data = data[part]
    return data


def _per_language(*path: str) -> dict[str, list[str]]:
    return {code: list(_get(data, *path, default=[])) for code, data in language_files().items()}


def _union(*path: str) -> set[str]:
    return {w for words in _per_language(*path).values() for w in words}


def _titles(data: dict) -> dict[str, T]:
    table: dict[str, T] = {}
    for group, keeps in (("kept", True), ("dropped", False)):
        for gender_word, gender in _GENDERS.items():
            for title in _get(data, "titles", group, gender_word, default=[]):
                table.setdefault(title, (gender, keeps))
    return table


def _plural_titles(data: dict) -> dict[str, str]:
    return {t: mix for mix in ("men", "women", "mixed") for t in _get(data, "titles", "plural", mix, default=[])}


#: Supported languages, ISO 639-1 codes.
LANGUAGES: tuple[str, ...] = tuple(language_files())

PREFIX_TYPES: dict[str, list[str]] = _per_language("street_types", "prefix")
SUFFIX_TYPES: dict[str, list[str]] = _per_language("street_types", "suffix")
#: Types glued onto the name ("Goethestraße", "Strindbergsgatan"), longest matched first.
GLUED_SUFFIXES: dict[str, list[str]] = _per_language("street_types", "glued")
#: Endings a glued type's stem may carry that are not part of the name: the genitive
#: "s" of "Strindbergsgatan", the "n" of "Amalienstraße" (Amalie).
LINKING_ENDINGS: dict[str, list[str]] = _per_language("street_types", "linking_endings")
#: Genitive endings always dropped before a type: "Strindbergsgatan", "Karl Johans gate".
GENITIVE_ENDINGS: dict[str, list[str]] = _per_language("street_types", "genitive_endings")
#: Languages that write the family name first ("Petőfi Sándor utca"): the given name is last.
FAMILY_NAME_FIRST: set[str] = {code for code, data in language_files().items() if data.get("name_order") == "family_first"}
PARTICLES: dict[str, list[str]] = _per_language("words", "particles")
ARTICLES: set[str] = {key(a) for a in _union("words", "articles")}
PERSONAL_ARTICLES: dict[str, str] = {
    key(word): _GENDERS[gender]
    for data in language_files().values()
    for word, gender in _get(data, "words", "personal_articles", default={}).items()
}
MONTHS: set[str] = _union("words", "months")
NUMBER_WORDS: set[str] = _union("words", "numbers")

TITLES: dict[str, dict[str, T]] = {code: _titles(data) for code, data in language_files().items()}
#: Titles read whatever the city's language ("Lord Byron", "Madame Curie"), under "*".
TITLES["*"] = {
    title: TITLES[code][title]
    for code, data in language_files().items()
    for title in _get(data, "titles", "used_everywhere", default=[])
}
PLURAL_TITLES: dict[str, dict[str, str]] = {code: _plural_titles(data) for code, data in language_files().items()}
VIRGIN_EPITHETS: set[str] = _union("titles", "other", "virgin_epithets")
MARIAN_TITLES: set[str] = {key(t) for t in _union("titles", "other", "marian")}
GENERIC_MASCULINE: set[str] = _union("titles", "other", "generic_masculine")

_REASONS = ("place", "concept", "event", "ship", "plant", "animal", "religious")
NON_PERSON_WORDS: dict[str, set[str]] = {reason: _union("not_a_person", reason) for reason in _REASONS}
NEEDS_ARTICLE: set[str] = _union("not_a_person", "needs_article")
AMBIGUOUS_GIVEN_NAMES: set[str] = _union("not_a_person", "ambiguous_given_names")
NON_PERSON_PHRASES: dict[str, str] = {
    phrase: reason
    for data in language_files().values()
    for phrase, reason in _get(data, "not_a_person", "phrases", default={}).items()
}
#: Common nouns of geography that, before a name, make the whole a place:
#: "Valle de Mena", "Sierra de Segura", "Isla Malaita", "Cabo de Creus".
GEOGRAPHIC_NOUNS: set[str] = _union("not_a_person", "geographic")
#: Words for stars and other named things in the sky: "Estrella Denébola".
SKY_NOUNS: set[str] = _union("not_a_person", "sky")

ROMAN_RE = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.I)
