"""Plain values that flow through one analysis, and the words the whole code base uses for them.

Every stage of the pipeline (area lookup, OSM fetch, street assembly, Wikidata
resolution, classification, storage) takes and returns these dataclasses, so
each stage can be tested without the ones before it and without a database.
Nothing here does I/O.

Glossary (one word per concept, used the same way in every module):

area
    An administrative boundary we analyse: a city, a town, a region (``Area``; stored as ``AreaRow``).
    "City" is only said to people: in URLs (``/cities/<slug>``), CLI arguments and page words.
    An *analysed area* is one with a current run; ``app.store.records.find_analysed_area`` is the
    one lookup by slug.
street
    One real street: the OSM ways of one name that belong together (``Street``; ``StreetRow``).
    Its ``key`` (``w<lowest way id>``) is stable across runs; reviews attach to it.
name part
    What is read from a street's name as the name of whom it honours: "Doctor Luis Morquio" in
    "Avenida Doctor Luis Morquio" gives the name part "Luis Morquio" (``NameReading.name_part``,
    ``StreetRow.name_part``). It is text, not a Wikidata item.
namesake
    The Wikidata item a street honours: a person, a group of people or a thing (``Namesake``;
    ``NamesakeRow``). Wikidata calls it an entity; we do not. A street's link to its namesakes
    is a ``StreetNamesakeRow`` (``street.links``).
person
    A namesake that is a human or a fictional character (``PERSON_KINDS``), or a name part
    with no Wikidata item that a title or a first name shows to be a person.
evidence, source
    One reason to believe who a street honours (``Evidence``), from one *source* of evidence
    (``SOURCES``: the registry, in order of trust).
decision
    The final word on one street: category, source, confidence, namesakes (``Decision``).
    ``app.classify.decide_streets`` is the one function that takes it, in an analysis and when a
    review is saved, from what the decision rests on (``StreetBasis``, kept with the street).
review
    A volunteer's decision on a street, kept forever (``ReviewRow``); the latest one counts and
    is the most trusted evidence.
run
    One stored analysis of an area (``RunRow``); an area's current run is what pages show.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache


def N_(message: str) -> str:
    """Marks an English message for translation (pybabel extracts N_) without importing Flask."""
    return message


# --- shared vocabulary -------------------------------------------------------

#: The category of a street: who (or what) its name honours.
WOMAN = "woman"
MAN = "man"
NONBINARY = "nonbinary"  # non-binary or another gender
SEVERAL = "several"  # more than one person (see Decision.mix)
NOT_PERSON = "not_person"
UNKNOWN = "unknown"
CATEGORIES = (WOMAN, MAN, NONBINARY, SEVERAL, NOT_PERSON, UNKNOWN)
#: Categories that count as "named after a person" in statistics.
PERSON_CATEGORIES = (WOMAN, MAN, NONBINARY, SEVERAL)

#: Where a decision comes from.
SOURCE_REVIEW = "review"
SOURCE_OSM_TAG = "osm_tag"
SOURCE_STREET_ITEM = "street_item"
SOURCE_WIKIDATA_STREET = "wikidata_street"
SOURCE_NAME_MATCH = "name_match"
#: Found from the name alone: streets of the same name elsewhere in the country, or a family name.
SOURCE_SAME_NAME_STREETS = "same_name_streets"
SOURCE_FAMILY_NAME = "family_name"
SOURCE_TITLE = "title"
SOURCE_FIRST_NAME = "first_name"
SOURCE_RULE = "rule"  # our own non-person rules (dates, numbers, places...)


@dataclass(frozen=True)
class Source:
    """One source of evidence: everything the code needs to know of it, in one entry.

    Adding a source means adding one entry to ``SOURCES`` (and its translations).
    """

    code: str
    #: OpenStreetMap or Wikidata says so: a review that disagrees with it is flagged, and a
    #: Wikidata human of unknown gender from it stays a person.
    remote: bool = False
    #: Names a Wikidata namesake, so its finding belongs in OSM's name:etymology:wikidata tag.
    names_namesake: bool = False
    #: A tag on the street itself (or its own item): lent to untagged streets of the same name.
    tagged: bool = False
    #: A guess from the words of the name (title, first name): may give the gender of a person
    #: Wikidata knows without one.
    lexical: bool = False
    #: When this source disagrees with the decision, the street asks for a volunteer's look.
    flags_conflict: bool = False
    #: How the source is said to people (English msgid; app/web/words.py translates it).
    description: str = ""


#: The registry, in decreasing order of trust: the first source whose evidence yields a category
#: decides (app.classify.decide). Our non-person rules come after everything Wikidata or OSM says
#: (Wikidata knows "Santa Lucía" is a river when it is) but before a title or a first name (a date
#: is not a woman, whatever its words look like).
SOURCES: dict[str, Source] = {source.code: source for source in (
    Source(SOURCE_REVIEW, names_namesake=True, flags_conflict=True,
           description=N_("a volunteer's review")),
    Source(SOURCE_OSM_TAG, remote=True, names_namesake=True, tagged=True, flags_conflict=True,
           description=N_("the OpenStreetMap tag name:etymology:wikidata")),
    Source(SOURCE_STREET_ITEM, remote=True, names_namesake=True, tagged=True, flags_conflict=True,
           description=N_("the street's own Wikidata item (named after)")),
    Source(SOURCE_WIKIDATA_STREET, remote=True, names_namesake=True, flags_conflict=True,
           description=N_("a Wikidata item for this street in this city (named after)")),
    Source(SOURCE_NAME_MATCH, remote=True, names_namesake=True, flags_conflict=True,
           description=N_("a Wikidata person whose name matches the street name")),
    # Guesses from the name alone: said so, they are not Wikidata statements about the street.
    Source(SOURCE_SAME_NAME_STREETS, remote=True, names_namesake=True, flags_conflict=True,
           description=N_("guessed from streets of the same name elsewhere in the country")),
    Source(SOURCE_FAMILY_NAME, remote=True, names_namesake=True, flags_conflict=True,
           description=N_("guessed from a family name in the street name")),
    Source(SOURCE_RULE, description=N_("our rules for names that are not people (dates, places, things)")),
    Source(SOURCE_TITLE, lexical=True, flags_conflict=True, description=N_("a title in the street name")),
    # Always this description: a first-name guess must never pass for a Wikidata fact.
    Source(SOURCE_FIRST_NAME, lexical=True, description=N_("inferred from first name")),
)}
#: Each source's place in the order of trust (0 = most trusted).
TRUST_RANK = {code: rank for rank, code in enumerate(SOURCES)}


def sources_where(flag: str) -> tuple[str, ...]:
    """The codes of the sources with ``flag`` set, in order of trust (e.g. ``sources_where("remote")``)."""
    return tuple(code for code, source in SOURCES.items() if getattr(source, flag))


HIGH = "high"
MEDIUM = "medium"
LOW = "low"
CONFIDENCES = (HIGH, MEDIUM, LOW)

#: What kind of thing a Wikidata namesake is, as far as street names go.
KIND_HUMAN = "human"
KIND_GROUP = "group"  # family, couple, band, order...: several people
KIND_FICTIONAL = "fictional"  # fictional/mythological character, deity: a person, flagged
KIND_THING = "thing"  # place, event, date, ship, plant...: not a person

#: Namesake kinds that count as persons.
PERSON_KINDS = (KIND_HUMAN, KIND_FICTIONAL)

#: Wikidata's language-neutral labels ("mul"): names written the same in every language.
MULTILINGUAL = "mul"

QID_RE = re.compile(r"Q[1-9][0-9]{0,11}")


def is_qid(value: str) -> bool:
    # fullmatch: "$" would accept a trailing newline, and query templates trust this check.
    return isinstance(value, str) and bool(QID_RE.fullmatch(value))


@lru_cache(maxsize=1 << 16)
def normalise_name(name: str) -> str:
    """Case-, accent- and space-insensitive key for comparing names.

    Cached: an analysis compares the same names and words tens of thousands of times.
    """
    name = name or ""
    if name.isascii():  # nothing to decompose nor strip (NFKD leaves ASCII as it is): 5x faster
        return _SPACES.sub(" ", name).strip().casefold()
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip().casefold()


_SPACES = re.compile(r"\s+")


def pick_text(texts: dict | None, languages=()) -> str:
    """The one choice of a label or description by language: the wanted ``languages`` in order
    (the interface's, then the area's, as the caller knows them), then Wikidata's language-neutral
    "mul", then English, then any; "" when there is none (callers showing a namesake fall back to
    its id: ``pick_text(labels, langs) or qid``)."""
    texts = texts or {}
    if isinstance(languages, str):
        languages = [languages]
    for lang in [*languages, MULTILINGUAL, "en"]:
        if lang and texts.get(lang):
            return texts[lang]
    return next((value for value in texts.values() if value), "")


def slugify(text: str) -> str:
    key = normalise_name(text)
    key = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
    return key or "area"


# --- the area ----------------------------------------------------------------


@dataclass
class Area:
    """A city or region: an OSM boundary relation with what we know of it."""

    osm_type: str  # "relation" (boundaries are relations)
    osm_id: int
    name: str
    admin_level: int | None = None
    country_code: str | None = None  # ISO 3166-1 alpha-2, upper case
    wikidata: str | None = None
    languages: list[str] = field(default_factory=list)  # e.g. ["es"], ["fr", "nl"]
    parent: str | None = None  # country or parent region, for telling homonyms apart
    region: str | None = None  # ISO 3166-2 code of the region containing it (OSM's ISO3166-2 tag)
    region_wikidata: str | None = None  # that region's Wikidata item (its boundary's wikidata tag)
    country_wikidata: str | None = None

    @property
    def slug(self) -> str:
        return f"{slugify(self.name)}-{self.osm_id}"

    @property
    def osm_ref(self) -> str:
        return f"{self.osm_type}/{self.osm_id}"


# --- OpenStreetMap side ------------------------------------------------------

Line = list[tuple[float, float]]  # (lon, lat) pairs, GeoJSON order


@dataclass
class Street:
    """One real street: OSM ways of the same name that belong together."""

    key: str  # stable within a city across re-analyses, e.g. "w123" (lowest way id)
    name: str
    osm_ids: list[str]  # "way/123", "relation/456"
    lines: list[Line]
    length_m: float
    kind: str = "street"  # "street" or "square"
    names: dict[str, str] = field(default_factory=dict)  # name:<lang> values
    etymology_ids: list[str] = field(default_factory=list)  # name:etymology:wikidata, subject:wikidata
    etymology_text: str | None = None  # name:etymology
    wikidata: str | None = None  # the street's own item (wikidata=*)
    tag_conflicts: list[str] = field(default_factory=list)  # readable notes
    #: For a street crossing a municipal border in a region run: every municipality holding part of it,
    #: largest share first ({"name", "slug", "osm", "share"}); the street counts in the first.
    border_shares: list[dict] = field(default_factory=list)


# --- Wikidata side -----------------------------------------------------------


#: How a long stage reports how far it got: (stage, done, total); a job's record or the terminal listens.
Progress = Callable[[str, int, int], None]


@dataclass
class Namesake:
    """What Wikidata says about one possible namesake."""

    qid: str
    labels: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    instance_of: list[str] = field(default_factory=list)
    gender_qids: list[str] = field(default_factory=list)  # raw P21 values
    gender_labels: list[str] = field(default_factory=list)  # English labels of P21 values
    gender: str | None = None  # grouped: woman / man / nonbinary / unknown; None if not a person
    kind: str = KIND_HUMAN
    birth_year: int | None = None
    death_year: int | None = None
    image: str | None = None  # Commons file name
    occupations: list[str] = field(default_factory=list)  # labels
    #: Occupations (P106) as QIDs, plus "P410" for anyone holding a military rank: what a title in
    #: the street name is checked against ("Général" fits an officer). Not stored: only name matching uses it.
    occupation_qids: list[str] = field(default_factory=list)
    canonized: bool = False  # a saint or blessed (Wikidata P411, canonization status)
    citizenships: list[str] = field(default_factory=list)  # QIDs
    sitelinks: int = 0
    articles: dict[str, str] = field(default_factory=dict)  # lang -> Wikipedia URL

@dataclass
class Evidence:
    """One reason to believe who (or what) a street is named after."""

    source: str  # one of SOURCES
    qids: list[str] = field(default_factory=list)
    category: str | None = None  # set when the evidence itself implies one (title, first name, rule)
    confidence: str = MEDIUM
    detail: str = ""  # human-readable: "name:etymology:wikidata=Q1", "title 'Santa' implies a woman"
    alternatives: list[str] = field(default_factory=list)  # other candidate QIDs
    needs_review: bool = False


@dataclass
class Decision:
    """The final word on one street."""

    category: str
    source: str | None
    confidence: str
    qids: list[str] = field(default_factory=list)
    mix: str | None = None  # for SEVERAL: "women", "men" or "mixed"
    evidence: list[Evidence] = field(default_factory=list)
    needs_review: bool = False
    #: The namesake is a saint or a title of the Virgin: counted as a person (the Geochicas
    #: convention) and shown apart, since presenters are asked about it.
    religious: bool = False


def evidence_to_json(evidence: list[Evidence]) -> list[dict]:
    """Evidence as the store keeps it (JSON); ``evidence_from_json`` gives back equal values."""
    # Evidence holds only strings, booleans and lists of strings: a shallow copy, not asdict's deep one.
    return [{**vars(e), "qids": list(e.qids), "alternatives": list(e.alternatives)} for e in evidence]


def evidence_from_json(values: list[dict] | None) -> list[Evidence]:
    """Evidence from what ``evidence_to_json`` stored; keys of older versions that Evidence lacks are ignored."""
    known = Evidence.__dataclass_fields__.keys()
    return [Evidence(**{k: v for k, v in (value or {}).items() if k in known}) for value in values or []]


@dataclass(frozen=True)
class CountedStreet:
    """What the figures (``app.stats``) need of one stored street, made by ``from_columns``: from a run's
    rows (``app.store.records.counted_streets``) or from the values of a run being saved (``counted_values``)."""

    category: str
    length_m: float = 0.0
    mix: str | None = None
    religious: bool = False
    name_part: str | None = None
    #: Every namesake linked to the street, in order.
    qids: tuple[str, ...] = ()
    #: (qid, gender) of the linked namesakes that are persons (``PERSON_KINDS``); gender None when unknown.
    persons: tuple[tuple[str, str | None], ...] = ()

    @classmethod
    def from_columns(cls, columns: Mapping, qids: Sequence[str], gender_of: Mapping[str, str | None]) -> CountedStreet:
        """One street from its streets columns (category, mix, length_m, religious, name_part), its
        namesakes in order, and ``gender_of``: the gender of every namesake that is a person (only those)."""
        return cls(category=columns["category"], mix=columns["mix"], length_m=columns["length_m"] or 0.0,
                   religious=bool(columns["religious"]), name_part=columns["name_part"], qids=tuple(qids),
                   persons=tuple((q, gender_of[q]) for q in qids if q in gender_of))
