"""Finding the namesake from the street name alone.

Most streets carry no namesake tag and have no Wikidata item: the name is the only
clue. Three batched lookups turn a *name part* (what the name reader found: "Chanzy",
"Général Leclerc", "Auguste De Cock") into candidate namesakes:

1. ``label``: humans whose label or alias is exactly the name part (``humans_by_name``), or,
   for a given name alone or with an ordinal, a royal of the country labelled so
   ("Avenue Louise" -> "Louise de Belgique", ``royal_labels``);
2. ``streets``: street items elsewhere in the country (P17) whose label is one of the
   street's likely full names (its own, and the name part after the city's other street
   types: "Avenue Chanzy" -> "Rue Chanzy", "Boulevard Chanzy"...) and what they are named
   after (P138);
3. ``family``: humans whose family name (P734) is labelled with a surname read from the
   name part, in loose spellings where that is safe (accents, hyphens, particles "de",
   "van", "von", "d'", capitalised or not: see ``surname_spellings``).

Each candidate collects points, each with its reason (kept, and shown on the street
page as how the namesake was found, never as a Wikidata statement):

=====================================================  ======
reason                                                 points
=====================================================  ======
label or alias is exactly the name part                +5
n same-named streets in the country are named after    +3, +1.5 per further street (max +7)
family name matches (exact spelling / loose spelling)  +2 / +1.5
given name read from the street agrees / differs       +2 / -4
citizen of the country (P27)                           +2
born, died or worked in the city / in its region       +2 / +1
has a date of death                                    +1
article in a Wikipedia of the city's languages         +1
Wikipedia articles (sitelinks)                         +0.8 * log2(1 + n), max +4
title fits occupation or rank ("Général" -> officer)   +2 (a known occupation that does
                                                       not fit: -1)
title says man or woman and the candidate is not       -5
a one-word name that is a given name ("Louise"), for   -1; -4 when the candidate's gender
a family-name or street candidate                      is not the given name's
=====================================================  ======

The best candidate is kept if it has ``MIN_POINTS`` (a surname alone needs
``MIN_POINTS_SURNAME``); its lead over the runner-up gives the confidence: medium with a
lead of ``CLEAR_LEAD`` points or more, low otherwise (and then ``needs_review``: the street
goes to the "Check these matches" list). Name-only evidence is never high. The source says
which path found the chosen one: ``name_match`` (its label), ``same_name_streets``, or
``family_name``.
"""
from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.domain import (
    Progress,
    KIND_THING,
    LOW,
    MAN,
    MEDIUM,
    SOURCE_FAMILY_NAME,
    SOURCE_NAME_MATCH,
    SOURCE_SAME_NAME_STREETS,
    WOMAN,
    Namesake,
    Evidence,
    Street,
    is_qid,
    normalise_name,
)
from app.names import rules as name_rules
from app.names.first_names import gender_answer, is_known_first_name
from app.queries import Safe, load_query, render, sparql_string
from app.wikidata.client import SparqlClient
from app.wikidata.facts import batches, clean_languages, language_list, qid_of

#: Literals per request for the street-label and family-name lookups (exact, indexed label lookups:
#: cheap for the engine; about 40 kB of query text).
LABEL_BATCH_SIZE = 1500
#: A human with no tie to the country needs this many Wikipedia articles to be a candidate at all.
MIN_SITELINKS_ABROAD = 3
#: Candidates per surname whose facts are fetched (the best by their ties and sitelinks).
FAMILY_CANDIDATES = 6
#: Other street types of the city tried per name (the most used ones).
STREET_TYPES_TRIED = 5

MIN_POINTS = 5.0
MIN_POINTS_SURNAME = 5.5
CLEAR_LEAD = 3.0

DATA_DIR = Path(__file__).resolve().parent / "data"
_BILINGUAL_RE = re.compile(r"\s+[-–—/]\s+")
_PARTICLES = ("de", "du", "des", "d'", "van", "von", "der", "den", "vander", "vanden", "van der",
              "van den", "van de", "de la", "del", "della", "di", "da", "dos", "das", "do", "le", "la")


# --- what a street name gives to look for -----------------------------------------------------


@dataclass
class NameClue:
    """What one street's name offers to the lookups (all optional)."""

    full_names: list[str] = field(default_factory=list)  # exact labels to try (best first)
    street_labels: dict[str, list[str]] = field(default_factory=dict)  # lang -> full street names
    surnames: list[str] = field(default_factory=list)  # family-name spellings, the exact one first
    given: list[str] = field(default_factory=list)  # given names read, normalised
    titles: list[str] = field(default_factory=list)  # title keys ("general", "docteur")
    title_gender: str | None = None
    surname_only: bool = False  # no given name: "Chanzy", "Général Leclerc"
    single_word: bool = False  # the name part is one bare word ("Voltaire", "Chanzy", "Louise")
    given_name_alone: bool = False  # ... and that word is a given name ("Louise")
    given_name_gender: str | None = None  # ... of women or of men, when the name data say so
    royal: str = ""  # a given name (and ordinal) a royal may be known by: "Louise", "Léopold II"
    name_part: str = ""  # for the reasons shown to people

    @property
    def empty(self) -> bool:
        return not (self.full_names or self.street_labels or self.surnames)


def _key(text: str) -> str:
    return normalise_name((text or "").replace("’", "'"))


_DUTCH_SURNAME_RE = re.compile(r"^(van)\s?(der|den|de)\s?(\w.*)$", re.I)
_SAINT_SURNAME_SPELLING_RE = re.compile(r"^(saint|st|sainte|ste)\.?[- ](\S.*)$", re.I)


def surname_spellings(surname: str) -> list[str]:
    """The spellings of a surname worth asking for, the name's own first.

    Loose only where it is safe: accents dropped ("Cervantès" -> "Cervantes"), hyphens and
    spaces swapped ("Duguay Trouin" <-> "Duguay-Trouin"), a leading particle lower or upper
    case ("De Cock" / "de Cock"), glued on ("De Fré" -> "Defré") or dropped ("de Gaulle" ->
    "Gaulle", as some items are labelled), and Dutch "Vanderlinden" / "Vander Linden" /
    "Van der Linden" written any of these ways.
    """
    surname = " ".join((surname or "").split())
    if not surname:
        return []
    out: list[str] = [surname]

    def add(value: str) -> None:
        value = " ".join(value.split())
        if value and value not in out:
            out.append(value)

    plain = surname if surname.isascii() else _unaccent(surname)  # ASCII has no accent to drop
    # An unaccented name's second pass would only find the spellings of the first again.
    for base in (surname, plain) if plain != surname else (surname,):
        add(base)
        words = base.split(" ")
        has_particle = len(words) > 1 and _key(words[0]) in _PARTICLES
        if not has_particle and " " in base:
            add(base.replace(" ", "-"))
        if "-" in base:
            add(base.replace("-", " "))
        if has_particle:
            particle, rest = words[0], " ".join(words[1:])
            add(f"{particle.lower()} {rest}")
            add(f"{particle[:1].upper()}{particle[1:]} {rest}")
            if particle[:1].isupper():  # Flemish "De Fré" is also written "Defré"
                add(f"{particle}{rest[:1].lower()}{rest[1:]}")
            elif _key(particle) in ("de", "du", "des", "von"):  # French "de Gaulle": some items say "Gaulle"
                add(rest)
        dutch = _DUTCH_SURNAME_RE.match(base)
        if dutch and len(dutch.group(3)) > 1:
            van, der, name = dutch.group(1), dutch.group(2), dutch.group(3)
            name = name[:1].upper() + name[1:]
            cap = van[:1].upper() + van[1:].lower()
            for form in (f"{cap} {der.lower()} {name}", f"{cap}{der.lower()} {name}",
                         f"{van.lower()} {der.lower()} {name}", f"{cap}{der.lower()}{name.lower()}"):
                add(form)
        if base[:2].lower() == "d'" and len(base) > 2:
            add(base[2:])
        saint = _SAINT_SURNAME_SPELLING_RE.match(base)
        if saint:  # "St-Exupéry" / "Saint-Exupéry", "Ste-Beuve" / "Sainte-Beuve"
            long, short = ("Sainte", "Ste") if saint.group(1).lower() in ("sainte", "ste") else ("Saint", "St")
            for head in (long, short):
                add(f"{head}-{saint.group(2)}")
                add(f"de {head}-{saint.group(2)}")
    return out


def _unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _street_type_of(half: str, languages: list[str]) -> tuple[str, str, str, bool] | None:
    """(language, street type as written, the rest, type written first) of one name, or None."""
    return _street_type_in(half, tuple(languages))


@lru_cache(maxsize=65536)  # a region's towns repeat the same names thousands of times
def _street_type_in(half: str, languages: tuple[str, ...]) -> tuple[str, str, str, bool] | None:
    lowered = half.casefold()
    for lang in languages:
        _prefixes, glued, suffixes = _type_words(lang)
        by_first_word, ends, last_words = _type_ends(lang)
        # Only the types starting with the name's first word can be written before it.
        for street_type in by_first_word.get(lowered.split(" ", 1)[0], ()):
            if lowered.startswith(street_type + " ") and len(half) > len(street_type) + 1:
                return lang, half[: len(street_type)], half[len(street_type):], True
        # One look for any of the language's types before going through them in order.
        if lowered.endswith(ends):
            for suffix in glued:
                if lowered.endswith(suffix) and len(half) - len(suffix) >= 3:
                    return lang, half[-len(suffix):], half[: -len(suffix)], False
        if lowered.endswith(last_words):
            for suffix in suffixes:
                if lowered.endswith(" " + suffix):
                    return lang, half[-len(suffix):], half[: -len(suffix)], False
    return None


@lru_cache(maxsize=None)
def _type_words(lang: str) -> tuple[list[str], list[str], list[str]]:
    """A language's street types as items are labelled with them, longest first where it matters:
    written first, glued to the end ("-straße"), and a word at the end. Abbreviations ("Av.") are
    not how items are labelled."""
    prefixes = [t for t in sorted(name_rules.PREFIX_TYPES.get(lang, []), key=len, reverse=True)
                if not t.endswith(".") and "/" not in t]
    glued = [t for t in sorted(name_rules.GLUED_SUFFIXES.get(lang, []), key=len, reverse=True) if not t.endswith(".")]
    suffixes = [t for t in name_rules.SUFFIX_TYPES.get(lang, []) if not t.endswith(".") and len(t) >= 3]
    return prefixes, glued, suffixes


@lru_cache(maxsize=None)
def _type_ends(lang: str) -> tuple[dict[str, list[str]], tuple[str, ...], tuple[str, ...]]:
    """``_type_words`` as quick looks take them: the types written first by their first word (in
    their order, longest first), then for ``str.endswith`` the glued types and a space and the types
    written last."""
    prefixes, glued, suffixes = _type_words(lang)
    by_first_word: dict[str, list[str]] = {}
    for street_type in prefixes:
        by_first_word.setdefault(street_type.split(" ", 1)[0], []).append(street_type)
    return by_first_word, tuple(glued), tuple(" " + t for t in suffixes)


def city_street_types(streets: Iterable[Street], languages: list[str]) -> dict[tuple[str, bool], list[str]]:
    """(language, type written first) -> the city's street types, most used first (as written)."""
    counts: dict[tuple[str, bool], Counter] = {}
    for street in streets:
        for half in _BILINGUAL_RE.split(street.name or ""):
            found = _street_type_of(half.strip(), languages)
            if found:
                lang, street_type, _rest, first = found
                counts.setdefault((lang, first), Counter())[street_type[:1].upper() + street_type[1:]
                                                             if first else street_type] += 1
    return {k: [t for t, _ in c.most_common(STREET_TYPES_TRIED)] for k, c in counts.items()}


def street_labels(name: str, languages: list[str], types: dict[tuple[str, bool], list[str]]) -> dict[str, list[str]]:
    """lang -> the street's likely full names: its own, and its rest after the city's usual types."""
    out: dict[str, list[str]] = {}
    for half in _BILINGUAL_RE.split(name or ""):
        half = " ".join(half.split())
        found = _street_type_of(half, languages)
        if not found:
            continue
        lang, _own, rest, first = found
        labels = out.setdefault(lang, [])
        if half not in labels:
            labels.append(half)
        for other in types.get((lang, first), []):
            label = f"{other}{rest}" if first else f"{rest}{other}"
            if label not in labels:
                labels.append(label)
    return out


#: Titles that come before a given name, not a surname ("Roi Albert", "Koningin Astrid").
_ROYAL_TITLES = {_key(t) for t in (
    "roi", "reine", "prince", "princesse", "empereur", "impératrice", "infante", "archiduc", "archiduchesse",
    "pape", "king", "queen", "emperor", "empress", "pope", "koning", "koningin", "prins", "prinses", "keizer",
    "keizerin", "paus", "könig", "königin", "prinz", "prinzessin", "kaiser", "kaiserin", "rey", "reina",
    "príncipe", "princesa", "emperador", "emperatriz", "infanta", "papa", "rei", "rainha", "imperador",
    "imperatriz", "re", "regina", "principe", "principessa", "imperatore",
)}


_SAINT_SURNAME_RE = re.compile(r"^(saint|st|sainte|ste)\.?-\S+$", re.I)


_ORDINAL_RE = re.compile(r"^(?:[IVX]{1,5}|\d{1,2}(?:er|e|º|st|nd|rd|th)?|Ier|Ire|1re)$")
#: How a royal's label joins the given name and the country: "Louise de Belgique", "Louise van België".
ROYAL_OF = {"fr": "de", "nl": "van", "de": "von", "en": "of", "es": "de", "pt": "de", "it": "di", "ca": "de",
            "gl": "de"}


def royal_labels(given: str, country_labels: dict[str, str]) -> list[tuple[str, str]]:
    """(label, language) pairs a royal known by ``given`` may carry: "Louise de Belgique"@fr."""
    return [(f"{given} {ROYAL_OF[lang]} {name}", lang) for lang, name in country_labels.items()
            if lang in ROYAL_OF and name]


def item_labels(client: SparqlClient, qid: str, languages: list[str]) -> dict[str, str]:
    """lang -> label of one item (the country), in the given languages."""
    langs = clean_languages(languages, extra=())
    if not is_qid(qid) or not langs:
        return {}
    rows = client.select(render(load_query("wikidata_item_labels.rq"), item=qid, languages=language_list(langs)))
    return {row["lang"]: row["label"] for row in rows if row.get("lang") and row.get("label")}


def given_name_gender(word: str) -> str | None:
    """woman / man when the given-name data say so of this one word, else None."""
    answer = gender_answer(word.split("-")[0])
    if answer in ("female", "mostly_female"):
        return WOMAN
    if answer in ("male", "mostly_male"):
        return MAN
    return None


def _particle_before(name: str, bare: str, languages: list[str]) -> str | None:
    """The particle written just before the name part, if any: "Avenue *De* Fré" -> "De"."""
    for half in _BILINGUAL_RE.split(name or ""):
        found = _street_type_of(" ".join(half.split()), languages)
        if not found:
            continue
        _lang, _type, rest, first = found
        rest = rest.strip()
        if first and rest.endswith(bare):
            before = rest[: -len(bare)].strip().split()
            if before and _key(before[-1]) in _PARTICLES:
                return before[-1]
    return None


def clue_for(
    street: Street,
    reading,
    full_names: list[str],
    languages: list[str],
    types: dict[tuple[str, bool], list[str]],
) -> NameClue:
    """What to look for about ``street``, from its name's reading (``app.names.NameReading``).

    ``full_names`` are the exact names to try (``names_to_look_up``). Without a reading
    (street lists), only those are used.
    """
    clue = NameClue(full_names=[n for n in dict.fromkeys(x.strip() for x in full_names) if n])
    if reading is None:
        return clue
    if reading.religious and _SAINT_SURNAME_RE.match(reading.name_part or "") and reading.bare_name \
            and " " not in reading.bare_name and not is_known_first_name(reading.bare_name):
        # "Rue Saint-Exupéry", "Place Sainte-Beuve": no saint is called Exupéry or Beuve; a family is.
        clue.name_part = reading.name_part
        clue.street_labels = street_labels(street.name, languages, types)
        clue.surname_only = True
        clue.surnames = surname_spellings(reading.name_part)
        return clue
    if reading.non_person or reading.plural_mix or reading.religious or not reading.bare_name:
        return clue  # dates, places, saints, "Frères X": not a family name
    clue.name_part = reading.name_part or reading.bare_name
    clue.street_labels = street_labels(street.name, languages, types)
    clue.titles = [_key(t) for t in reading.titles]
    clue.title_gender = reading.title_gender
    if reading.single_word and reading.bare_name not in clue.full_names:
        # A one-word name may be how a person is known ("Voltaire", "Hergé"): asked as a label
        # too, but it must then earn the surname's higher bar (see ``choose``).
        clue.full_names.append(reading.bare_name)
        clue.single_word = True
        clue.given_name_alone = is_known_first_name(reading.bare_name)
        if clue.given_name_alone:
            clue.given_name_gender = given_name_gender(reading.bare_name)
    royal_words = reading.bare_name.split()
    if (len(royal_words) == 1 or (len(royal_words) == 2 and _ORDINAL_RE.match(royal_words[1]))) \
            and is_known_first_name(royal_words[0].split("-")[0]) \
            and (clue.given_name_alone or len(royal_words) == 2 or set(clue.titles) & _ROYAL_TITLES):
        clue.royal = reading.bare_name  # "Avenue Louise", "Boulevard Léopold II", "Place Reine Astrid"
    if set(clue.titles) & _ROYAL_TITLES:
        return clue  # "Roi Albert": a given name; same-named streets may still say who
    words = reading.bare_name.split()
    given: list[str] = []
    while len(words) > 1 and is_known_first_name(words[0].split("-")[0]) and _key(words[0]) not in _PARTICLES:
        given.append(_key(words[0]))
        words = words[1:]
    surnames: list[str] = []
    particle = _particle_before(street.name, reading.bare_name, languages) if not given else None
    if particle:
        surnames += surname_spellings(f"{particle} {' '.join(words)}")  # "Avenue De Fré": "De Fré"
    clue.given = given
    clue.surname_only = not given
    if not (particle and particle[:1].isupper()):  # "Van Gulick" is not "Gulick"; "de Gaulle" may be "Gaulle"
        for spelling in surname_spellings(" ".join(words)):
            if spelling not in surnames:
                surnames.append(spelling)
    clue.surnames = surnames
    return clue


# --- lookups --------------------------------------------------------------------------------------


def _iri(qid: str | None) -> Safe:
    return Safe(f"wd:{qid}" if qid and is_qid(qid) else "<urn:x-none>")


def streets_elsewhere(
    client: SparqlClient, labels: dict[str, set[str]], country: str, *, progress: Progress | None = None
) -> dict[str, dict[str, list[str]]]:
    """label -> {street item -> [namesake QIDs]} for street items of ``country`` with that exact label."""
    if not is_qid(country):
        return {}
    literals = sorted({(label, lang) for lang, names in labels.items() for label in names})
    template = load_query("wikidata_streets_by_label.rq")
    found: dict[str, dict[str, list[str]]] = {}
    done = 0
    for batch in batches(literals, LABEL_BATCH_SIZE):
        values = Safe(" ".join(sparql_string(label, lang) for label, lang in batch))
        for row in client.select(render(template, labels=values, country=country)):
            street, namesake = qid_of(row.get("street", "")), qid_of(row.get("namesake", ""))
            if street and namesake:
                namesakes = found.setdefault(row.get("label", ""), {}).setdefault(street, [])
                if namesake not in namesakes:
                    namesakes.append(namesake)
        done += len(batch)
        if progress:
            progress("Wikidata same-named streets", done, len(literals))
    return found


@dataclass
class FamilyHit:
    qid: str
    surname: str
    sitelinks: int = 0
    citizen: bool = False
    local: bool = False
    regional: bool = False


def humans_by_family_name(
    client: SparqlClient,
    surnames: Iterable[str],
    languages: list[str],
    *,
    country: str | None,
    city: str | None,
    progress: Progress | None = None,
) -> dict[str, list[FamilyHit]]:
    """surname -> the humans whose family name (P734) carries that label, with their ties."""
    langs = clean_languages(languages)
    wanted = sorted({s for s in surnames if s and s.strip()})
    literals = [(name, lang) for name in wanted for lang in langs]
    template = load_query("wikidata_humans_by_family_name.rq")
    found: dict[str, dict[str, FamilyHit]] = {}
    done = 0
    for batch in batches(literals, LABEL_BATCH_SIZE):
        values = Safe(" ".join(sparql_string(name, lang) for name, lang in batch))
        query = render(template, names=values, country=_iri(country), city=_iri(city),
                       min_sitelinks=MIN_SITELINKS_ABROAD)
        for row in client.select(query):
            qid, name = qid_of(row.get("item", "")), row.get("name", "")
            if not qid or not name:
                continue
            try:
                sitelinks = int(float(row.get("sitelinks") or 0))
            except ValueError:
                sitelinks = 0
            found.setdefault(name, {})[qid] = FamilyHit(
                qid, name, sitelinks, _true(row.get("citizen")), _true(row.get("local")), _true(row.get("regional"))
            )
        done += len(batch)
        if progress:
            progress("Wikidata family names", done, len(literals))
    return {name: sorted(hits.values(), key=lambda h: int(h.qid[1:])) for name, hits in found.items()}


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1")


def shortlist(hits: list[FamilyHit], size: int = FAMILY_CANDIDATES) -> list[FamilyHit]:
    """The hits worth fetching facts for: ties to the place first, then sitelinks."""
    return sorted(hits, key=lambda h: (-(2 * h.local + h.regional + h.citizen), -h.sitelinks, int(h.qid[1:])))[:size]


# --- title -> occupation ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def title_occupations() -> dict[str, frozenset[str]]:
    """title key -> occupation QIDs (and "P410" for any military rank), from data/title_occupations.csv."""
    table: dict[str, frozenset[str]] = {}
    with (DATA_DIR / "title_occupations.csv").open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            values = frozenset(v.strip() for v in (row.get("occupations") or "").split(";") if v.strip())
            title = _key(row.get("title") or "")
            if title and values:
                table[title] = values
                table.setdefault(title.rstrip("."), values)
    return table


# --- scoring -------------------------------------------------------------------------------------


@dataclass
class Candidate:
    qid: str
    points: float = 0.0
    reasons: list[str] = field(default_factory=list)
    paths: set[str] = field(default_factory=set)  # "label", "streets", "family"

    def add(self, points: float, reason: str) -> None:
        self.points += points
        self.reasons.append(f"{reason} ({points:+g})")


@dataclass
class Found:
    """What the lookups returned for one street."""

    label_matches: dict[str, str] = field(default_factory=dict)  # QID -> the name its label matched
    streets: dict[str, list[str]] = field(default_factory=dict)  # street item -> namesakes
    family: list[FamilyHit] = field(default_factory=list)
    loose_family: set[str] = field(default_factory=set)  # QIDs found only through a loose spelling


def score(
    clue: NameClue, found: Found, namesakes: dict[str, Namesake], country: str | None, languages: list[str]
) -> list[Candidate]:
    """Every candidate with its points and reasons, best first."""
    candidates: dict[str, Candidate] = {}

    def get(qid: str) -> Candidate:
        return candidates.setdefault(qid, Candidate(qid))

    for qid, name in found.label_matches.items():
        c = get(qid)
        c.paths.add("label")
        c.add(5, f"its label or alias is {name!r}")

    support: dict[str, list[str]] = {}
    for item, honoured in found.streets.items():
        for qid in honoured:
            support.setdefault(qid, []).append(item)
    for qid, items in support.items():
        c = get(qid)
        c.paths.add("streets")
        points = min(7.0, 3 + 1.5 * (len(items) - 1))
        c.add(points, f"{len(items)} street(s) of this name elsewhere in the country are named after it "
                      f"({', '.join(sorted(items, key=lambda q: int(q[1:]))[:5])})")
    ties: dict[str, FamilyHit] = {}
    for hit in found.family:
        c = get(hit.qid)
        if "family" not in c.paths:
            c.paths.add("family")
            loose = hit.qid in found.loose_family
            c.add(1.5 if loose else 2, f"family name {hit.surname!r}" + (" (spelling variant)" if loose else ""))
        ties[hit.qid] = hit

    local = [lang for lang in languages if lang != "mul"]
    wanted = {o for t in clue.titles for o in title_occupations().get(t, ())}
    for c in candidates.values():
        namesake = namesakes.get(c.qid)
        hit = ties.get(c.qid)
        if namesake is None or namesake.kind == KIND_THING:
            continue  # a place or a thing named by streets elsewhere: its streets' points only
        if (country and country in namesake.citizenships) or (hit and hit.citizen):
            c.add(2, "citizen of the country")
        if hit and hit.local:
            c.add(2, "born, died or worked in the city")
        elif hit and hit.regional:
            c.add(1, "born, died or worked in the region")
        if any(lang in namesake.articles for lang in local):
            c.add(1, "article in the city's language")
        if namesake.death_year is not None:
            c.add(1, "has died (streets mostly honour the dead)")
        if namesake.sitelinks:
            c.add(round(min(4.0, 0.8 * math.log2(1 + namesake.sitelinks)), 1), f"{namesake.sitelinks} Wikipedia articles")
        if clue.given and "label" not in c.paths:
            words = {w for label in namesake.labels.values() for w in re.split(r"[\s\-]+", _key(label)) if w}
            if all(g in words for g in clue.given):
                c.add(2, "the given name agrees")
            else:
                c.add(-4, "the given name differs")
        if wanted:
            have = set(namesake.occupation_qids)
            if have & wanted:
                c.add(2, "the title fits its occupation")
            elif have:
                c.add(-1, "the title does not fit its occupations")
        if clue.given_name_alone and "label" not in c.paths:
            # "Avenue Louise", "Calle Mercedes": a bare given name honours someone by that given
            # name, or is a place, far more often than it is a surname.
            if clue.given_name_gender in (WOMAN, MAN) and namesake.gender in (WOMAN, MAN) \
                    and namesake.gender != clue.given_name_gender:
                c.add(-4, f"the name is a {clue.given_name_gender}'s given name")
            else:
                c.add(-1, "the name is also a given name")
        if clue.title_gender in (WOMAN, MAN) and namesake.gender in (WOMAN, MAN) and namesake.gender != clue.title_gender:
            c.add(-5, f"the title says {clue.title_gender}")
    return sorted(candidates.values(), key=lambda c: (-c.points, int(c.qid[1:])))


def choose(clue: NameClue, ranked: list[Candidate]) -> Evidence | None:
    """The evidence for the best candidate, or None when none is good enough."""
    if not ranked:
        return None
    best = ranked[0]
    needed = MIN_POINTS_SURNAME if (clue.single_word or (clue.surname_only and "label" not in best.paths)) \
        else MIN_POINTS
    if best.points < needed:
        return None
    others = ranked[1:]
    runner_up = others[0].points if others else 0.0
    lead = best.points - runner_up
    clear = lead >= CLEAR_LEAD
    source = (SOURCE_NAME_MATCH if "label" in best.paths
              else SOURCE_SAME_NAME_STREETS if "streets" in best.paths else SOURCE_FAMILY_NAME)
    what = f"from the name {clue.name_part or (clue.full_names[0] if clue.full_names else '')!r}"
    detail = f"found {what}: {best.qid} scores {best.points:g} ({'; '.join(best.reasons)})"
    if others:
        detail += "; runners-up: " + "; ".join(
            f"{c.qid} {c.points:g} ({'; '.join(c.reasons)})" for c in others[:3]
        )
        detail += f"; lead {lead:g}" + ("" if clear else ", too close to call")
    return Evidence(
        source=source,
        qids=[best.qid],
        confidence=MEDIUM if clear else LOW,
        detail=detail,
        alternatives=[c.qid for c in others[:5]],
        needs_review=not clear,
    )
