"""Plain values that flow through one analysis.

Every stage of the pipeline (area lookup, OSM fetch, street assembly, Wikidata
resolution, classification, storage) takes and returns these dataclasses, so
each stage can be tested without the ones before it and without a database.
Nothing here does I/O.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

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

#: Where a decision comes from, in decreasing order of trust.
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
SOURCES = (
    SOURCE_REVIEW,
    SOURCE_OSM_TAG,
    SOURCE_STREET_ITEM,
    SOURCE_WIKIDATA_STREET,
    SOURCE_NAME_MATCH,
    SOURCE_SAME_NAME_STREETS,
    SOURCE_FAMILY_NAME,
    SOURCE_TITLE,
    SOURCE_FIRST_NAME,
    SOURCE_RULE,
)

HIGH = "high"
MEDIUM = "medium"
LOW = "low"
CONFIDENCES = (HIGH, MEDIUM, LOW)

#: What kind of thing a Wikidata entity is, as far as street names go.
KIND_HUMAN = "human"
KIND_GROUP = "group"  # family, couple, band, order...: several people
KIND_FICTIONAL = "fictional"  # fictional/mythological character, deity: a person, flagged
KIND_THING = "thing"  # place, event, date, ship, plant...: not a person

QID_RE = re.compile(r"Q[1-9][0-9]{0,11}")


def is_qid(value: str) -> bool:
    # fullmatch: "$" would accept a trailing newline, and query templates trust this check.
    return isinstance(value, str) and bool(QID_RE.fullmatch(value))


def normalise_name(name: str) -> str:
    """Case-, accent- and space-insensitive key for comparing names."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


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


# --- Wikidata side -----------------------------------------------------------


@dataclass
class Entity:
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
    citizenships: list[str] = field(default_factory=list)  # QIDs
    sitelinks: int = 0
    articles: dict[str, str] = field(default_factory=dict)  # lang -> Wikipedia URL

    def label(self, languages: list[str] | tuple[str, ...] = ()) -> str:
        for lang in [*languages, "en", *self.labels]:
            if lang in self.labels:
                return self.labels[lang]
        return self.qid

    def description(self, languages: list[str] | tuple[str, ...] = ()) -> str:
        for lang in [*languages, "en"]:
            if lang in self.descriptions:
                return self.descriptions[lang]
        return ""


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
