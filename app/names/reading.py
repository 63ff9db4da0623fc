"""Reading a street name into the person (or thing) it most likely names.

The reader is purely lexical: it strips the street type and the particles after
it, notes titles and what gender they imply, and recognises dates, numbers and
common nouns. It never decides on its own: ``app.classify`` weighs its output
against what Wikidata and OSM say.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from . import rules
from .places import COUNTRY, place_kind  # its index (GeoNames) loads when a name first needs it
from .rules import key

#: Read together when a city's languages are unknown; every other supported language
#: is still tried, one at a time, when these find no street type.
DEFAULT_LANGUAGES = ("es", "ca", "gl", "pt", "fr", "it", "en", "de", "nl")


@dataclass(frozen=True)
class NameReading:
    """What a street name says, before any outside knowledge.

    ``name_part`` is the name of the honoured person as it should be looked up:
    honorifics and professions are dropped ("Doctor Luis Morquio" ->
    "Luis Morquio") but saints, the Virgin and nobility keep their title because
    that is how they are known ("Santa Lucía", "Marqués de Torroja").
    ``bare_name`` is the name part without any title ("Lucía"), the part a first
    name can be read from. ``single_word`` marks a low-trust reading: one bare
    word with no title ("Calle Mercedes") is as likely a place, a plant or a
    dedication as a person, so the first-name fallback refuses it.
    """

    original: str
    name_part: str | None
    street_type: str | None = None
    titles: tuple[str, ...] = ()
    title_gender: str | None = None  # 'woman' | 'man' | None
    non_person: str | None = None  # 'date', 'number', 'place', 'event', 'ship', 'plant', ...
    variants: tuple[str, ...] = ()
    bare_name: str | None = None
    single_word: bool = False
    plural_mix: str | None = None  # 'men' | 'women' | 'mixed' when a plural title names several
    article: bool = False  # an article stood before the name ("Calle de la Paz")
    religious: bool = False  # a saint or the Virgin (title kept in ``name_part``)
    generic_title: bool = False  # the title gender comes only from a generic masculine profession
    title_alone: bool = False  # only a title, no name: "Calle del Príncipe" names nobody in particular
    marian: bool = False  # a title of the Virgin ("Virgen del Carmen", "Mare de Déu de Montserrat")
    family_name_first: bool = False  # "Petőfi Sándor": the given name is the last word
    language: str | None = None  # the language the street type was read in

    @property
    def given_name_first(self) -> str | None:
        """``bare_name`` with the given name first, as the first-name guess reads it."""
        if self.family_name_first and self.bare_name and " " in self.bare_name:
            words = self.bare_name.split()
            return " ".join([words[-1], *words[:-1]])
        return self.bare_name


# --- tokenising --------------------------------------------------------------

# Elided particles glued to the next word: d'Elisa, l'Onze, dell'Arte, Sant'Anna, n'Aina.
_ELISION_RE = re.compile(r"^(d|l|n|dell|nell|all|sull|dall|sant|s|qu)['’]", re.I)
_ABBREVIATIONS = [
    (re.compile(r"\bM\.?\s?ª(?=\s|$)|\bM\.ª", re.I), "María"),
    (re.compile(r"\bMa\.(?=\s)"), "María"),
    (re.compile(r"\bSta\.(?=\s)"), "Santa"),
    (re.compile(r"\bSto\.(?=\s)"), "Santo"),
]
_HYPHEN_SAINT_RE = re.compile(r"^(saint|sainte|saints|st|ste|sint|sankt|san|santa|são|sao)-\w", re.I)
_BILINGUAL_RE = re.compile(r"\s+[-–—/]\s+")
_PARENS_RE = re.compile(r"\s*\([^)]*\)")


_DOCTOR_GLUED_RE = re.compile(r"^(dr|dra|sr|sra|gral|cnel|tte|ing|arq|prof|pbro|mons)\.\w", re.I)
_STREET_GLUED_RE = re.compile(r"^c/\S", re.I)
#: The characters every special case of ``_tokens`` needs (elisions, "Dr.X", "Saint-X", "C/X"):
#: a name without any (most of them) is only split on spaces.
_TOKEN_SPECIAL_RE = re.compile(r"['’./-]")


def _tokens(text: str) -> list[str]:
    if not _TOKEN_SPECIAL_RE.search(text):
        return [token for token in (raw.strip(",;") for raw in text.split()) if token]
    out: list[str] = []
    for raw in text.split():
        token = raw.strip(",;")
        if not token:
            continue
        m = _ELISION_RE.match(token)
        if m and len(token) > m.end():
            out.append(token[: m.end()].replace("’", "'"))
            out.append(token[m.end():])
        elif _DOCTOR_GLUED_RE.match(token):
            cut = token.index(".") + 1  # "Dr.Felip" -> "Dr." "Felip"
            out.append(token[:cut])
            out.append(token[cut:])
        elif _HYPHEN_SAINT_RE.match(token):
            head, _, tail = token.partition("-")  # "Saint-Jean" -> "Saint" "Jean"
            out.append(head)
            out.extend(p for p in tail.split("-") if p) if head.casefold() != "saints" else out.append(tail)
        elif _STREET_GLUED_RE.match(token):  # "C/Mayor"
            out.append(token[:2])
            out.append(token[2:])
        else:
            out.append(token)
    return out


class _Phrases:
    """Phrases as tuples of token keys, with the lengths of those starting with each first word
    (longest first): a name's first token rules out almost every phrase with one look-up."""

    __slots__ = ("phrases", "lengths")

    def __init__(self, phrases):
        self.phrases: set[tuple[str, ...]] = set()
        lengths: dict[str, set[int]] = {}
        for phrase in phrases:
            words = tuple(key(w) for w in _tokens(phrase))
            if words:
                self.phrases.add(words)
                lengths.setdefault(words[0], set()).add(len(words))
        self.lengths = {first: tuple(sorted(ns, reverse=True)) for first, ns in lengths.items()}


def _join(tokens: list[str]) -> str:
    """Tokens back into text, elisions glued again: "Sant'" + "Anna" -> "Sant'Anna"."""
    out = ""
    for token in tokens:
        if out and not out.endswith("'"):
            out += " "
        out += token
    return out.strip()


def _match_phrase(tokens: list[str], phrases: _Phrases) -> int:
    """Length in tokens of the longest phrase that starts ``tokens``, else 0."""
    if not tokens:
        return 0
    lengths = phrases.lengths.get(key(tokens[0]))
    if lengths is None:
        return 0
    for n in lengths:
        if n == 1:
            return 1  # the first word alone is a phrase
        if n <= len(tokens) and tuple(key(t) for t in tokens[:n]) in phrases.phrases:
            return n
    return 0


def _lang_list(table: dict[str, list[str]], languages: tuple[str, ...]) -> tuple[str, ...]:
    """A table's words in ``languages``, the first language's first, each once."""
    seen: dict[str, None] = {}
    for lang in languages:
        for item in table.get(lang, []):
            seen.setdefault(item, None)
    return tuple(seen)


class _Tables:
    """Everything the reader looks up for one list of languages, each built once per list when first
    needed (a quick look for another language's street type needs only its types)."""

    def __init__(self, languages: tuple[str, ...]):
        self.languages = languages

    @cached_property
    def prefixes(self) -> _Phrases:
        return _Phrases(_lang_list(rules.PREFIX_TYPES, self.languages))

    @cached_property
    def suffixes(self) -> _Phrases:
        return _Phrases(_lang_list(rules.SUFFIX_TYPES, self.languages))

    @cached_property
    def particles(self) -> _Phrases:
        return _Phrases(_lang_list(rules.PARTICLES, self.languages))

    @cached_property
    def glued_as_written(self) -> tuple[str, ...]:
        return _lang_list(rules.GLUED_SUFFIXES, self.languages)

    @cached_property
    def glued(self) -> _Phrases:
        return _Phrases(self.glued_as_written)

    @cached_property
    def glued_longest_first(self) -> tuple[str, ...]:
        return tuple(sorted(self.glued_as_written, key=len, reverse=True))

    @cached_property
    def glued_endings(self) -> tuple[str, ...]:
        """What a one-token name may end with to carry a glued type ("Goethestraße"), keyed or as written."""
        return tuple(dict.fromkeys(e for g in self.glued_as_written for e in (key(g), g)))

    @cached_property
    def titles(self) -> dict[str, rules.T]:
        return _titles_cached(self.languages)

    @cached_property
    def title_phrases(self) -> _Phrases:
        return _Phrases(self.titles)

    @cached_property
    def plural_titles(self) -> dict[str, str]:
        return _plural_titles_cached(self.languages)

    @cached_property
    def plural_phrases(self) -> _Phrases:
        return _Phrases(self.plural_titles)


@lru_cache(maxsize=64)
def _tables(languages: tuple[str, ...]) -> _Tables:
    return _Tables(languages)


@lru_cache(maxsize=64)
def _titles_cached(languages: tuple[str, ...]) -> dict[str, rules.T]:
    merged: dict[str, rules.T] = {}
    for lang in [*languages, "*"]:
        for title, value in rules.TITLES.get(lang, {}).items():
            merged.setdefault(key(title), value)  # the city's first language wins a clash
            if title.endswith(".") and len(title) > 2:
                merged.setdefault(key(title[:-1]), value)  # "Pbro" as well as "Pbro."
    return merged


@lru_cache(maxsize=64)
def _plural_titles_cached(languages: tuple[str, ...]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for lang in languages:
        for title, mix in rules.PLURAL_TITLES.get(lang, {}).items():
            merged.setdefault(key(title), mix)
    return merged


# --- non-person rules --------------------------------------------------------

_ORDINAL = r"(?:\d{1,2}\s?(?:º|ª|°|o|er|e|st|nd|rd|th|\.)?|[ivxlc]{1,6})"


def _date_re() -> re.Pattern[str]:
    months = "|".join(sorted({re.escape(key(m)) for m in rules.MONTHS}, key=len, reverse=True))
    numbers = "|".join(sorted({re.escape(key(w)) for w in rules.NUMBER_WORDS}, key=len, reverse=True))
    return re.compile(
        rf"(?:^|\s)(?:{_ORDINAL}|{numbers})\s*(?:de\s+|d'\s*|du\s+|di\s+|of\s+|del\s+)?(?:{months})(?:\s|$|\d)"
    )


_DATE_RE = _date_re()
_NEEDS_ARTICLE = {key(w) for w in rules.NEEDS_ARTICLE}
_VOCAB = {reason: {key(w) for w in words} for reason, words in rules.NON_PERSON_WORDS.items()}
_ANY_VOCAB = set().union(*_VOCAB.values())
_PHRASES = {key(p): reason for p, reason in rules.NON_PERSON_PHRASES.items() if reason}
_NUMBER_KEYS = {key(w) for w in rules.NUMBER_WORDS}
_AMBIGUOUS = {key(w) for w in rules.AMBIGUOUS_GIVEN_NAMES}
_VIRGIN_EPITHETS = {key(e) for e in rules.VIRGIN_EPITHETS}
_GENERIC_MASCULINE = {key(x) for x in rules.GENERIC_MASCULINE}
_GEOGRAPHIC = {key(w) for w in rules.GEOGRAPHIC_NOUNS}
_SKY = {key(w) for w in rules.SKY_NOUNS}
_GEOGRAPHIC_OR_SKY = _GEOGRAPHIC | _SKY
#: Geographic nouns that are also surnames or titles ("Vega", "Monte", "Cabo Noval"):
#: a place only when a particle or an article follows ("Cabo de Creus"). Water and
#: islands are never surnames in street names ("Isla Malaita", "Río Ebro").
_GEOGRAPHIC_NEEDS_LINK = (_NEEDS_ARTICLE | {key(t) for table in rules.TITLES.values() for t in table}) - {
    "isla", "islas", "lago", "rio", "mar", "illa", "ilha"}
_LINK_WORDS = ({key(p).split()[0] for table in rules.PARTICLES.values() for p in table} | rules.ARTICLES) - {"i", "y", "e"}
_PLAIN_ARTICLES = {"el", "la", "los", "las", "le", "les", "il", "lo", "o", "a", "os", "as", "the"}
_NUMBER_ONLY_RE = re.compile(r"^(?:n[º°o]\.?\s*)?[\d\s/.\-]*(?:bis|[a-z])?$|^s\s?/\s?n$|^[a-z]$|^[a-z]\s?\d+$")


def _non_person(core: list[str], had_article: bool, first_name_lookup) -> str | None:
    text = key(" ".join(core))
    if not text or not any(c.isalnum() for c in text):
        return None  # nothing to read: not a person, but not a known thing either
    if _DATE_RE.search(" " + text + " "):
        return "date"
    if _NUMBER_ONLY_RE.match(text) or all(
        key(t) in _NUMBER_KEYS or t.isdigit() or rules.ROMAN_RE.match(t) for t in core
    ):
        return "number"
    words = list(core)
    article = had_article
    while words and key(words[0]) in rules.ARTICLES:
        words = words[1:]
        article = True
    if not words:
        return None
    rest = key(" ".join(words))
    if rest in _PHRASES or text in _PHRASES:
        return _PHRASES.get(rest) or _PHRASES[text]
    first = key(words[0])
    if len(words) > 1 and first in _SKY:
        return "star"  # "Estrella Denébola"
    surnames_joined = any(key(w) in {"i", "y"} for w in words[1:-1])  # "Serra i Moret", "Puig y Cadafalch"
    if len(words) > 1 and first in _GEOGRAPHIC and not surnames_joined:
        # "Valle de Mena", "Peña de Francia", "Puente la Reina", "Isla Malaita"
        if key(words[1]) in _LINK_WORDS or first not in _GEOGRAPHIC_NEEDS_LINK:
            return "place"
    for lead, before, word in zip(words, words[1:], words[2:]):
        # A verb before "el Río" ("Mira el Río"), not a surname's "de la Vega".
        if key(lead) not in _LINK_WORDS and key(before) in _PLAIN_ARTICLES and key(word) in _GEOGRAPHIC_OR_SKY:
            return "place"
    two = key(" ".join(words[:2]))
    needs_article = _NEEDS_ARTICLE
    for reason, vocab_keys in _VOCAB.items() if two in _ANY_VOCAB or first in _ANY_VOCAB else ():
        for candidate in (two, first):
            if candidate in vocab_keys:
                if candidate in needs_article and not article:
                    continue
                # A word that is also a given name ("Paz", "Victoria") only
                # names a thing after an article or when it stands alone.
                if (
                    not article
                    and len(words) > 1
                    and (reason in ("concept", "religious") or candidate in _AMBIGUOUS)
                    and first_name_lookup(words[0])
                ):
                    continue
                return reason
    # An article before a concept-like given name: "de la Paz", "de la Victoria".
    if article and len(words) == 1 and first in _VOCAB["concept"]:
        return "concept"
    if _is_town(words, first_name_lookup):
        return "place"
    return None


def _is_town(words: list[str], first_name_lookup) -> bool:
    """A town, region or country ("San Petersburgo", "Villa María", "Perú"), not a person.

    One word names a place only when it is a country or a continent: many surnames
    are also towns ("Goya", "Mendoza"). A saint's title is skipped, and what follows it
    that starts with a given name is the saint ("San Sebastián", "Nuestra Señora de la
    Paz"); any other title makes a person ("General Villegas").
    """
    kind = place_kind(" ".join(words))
    if kind is None or (len(words) == 1 and kind != COUNTRY):
        return False
    rest = list(words)
    n = _match_phrase(rest, _tables(rules.LANGUAGES).title_phrases)
    if n:
        if not _is_religious_title(rest[:n]):
            return False
        rest = rest[n:]
        while rest and (key(rest[0]) in _LINK_WORDS):
            rest = rest[1:]
    return bool(rest) and not first_name_lookup(rest[0])


# --- the reader --------------------------------------------------------------


def read_street_name(name: str, languages: list[str] | tuple[str, ...] = ()) -> NameReading:
    """Read ``name`` (an OSM street name) in the city's ``languages``.

    Bilingual names ("Avenue X - Xlaan") are read from their first half, the
    other half's reading kept in ``variants``.
    """
    from .first_names import is_known_first_name  # late import: the dataset loads lazily

    known = [lang for lang in languages if lang in rules.LANGUAGES]
    languages = known or list(DEFAULT_LANGUAGES)
    original = (name or "").strip()
    halves = [h for h in _BILINGUAL_RE.split(original) if h.strip()] or [original]
    reading = _read_any(halves[0], original, languages, is_known_first_name)
    extra: list[str] = []
    for half in halves[1:]:
        other = _read_any(half, half, languages, is_known_first_name)
        for value in (other.name_part, other.bare_name):
            if value and value not in extra:
                extra.append(value)
    if extra:
        variants = tuple(v for v in (*reading.variants, *extra) if v != reading.name_part)
        reading = _replace(reading, variants=tuple(dict.fromkeys(variants)))
    return reading


def _read_any(text: str, original: str, languages: list[str], is_first_name) -> NameReading:
    """Read in the city's languages; failing a street type, in the first other language that finds one.

    "Carrer de X" in a Spanish list or "Calle X" in a Catalan one is still read: the
    street type says the language, which then comes first for titles and particles.
    """
    reading = _read_one(text, original, languages, is_first_name)
    if reading.street_type or reading.non_person in ("date", "number"):
        return reading
    for lang in _other_languages(tuple(languages)):
        if _has_street_type(text, lang):
            other = _read_one(text, original, [lang, *languages], is_first_name)
            if other.street_type:
                return other
    return reading


@lru_cache(maxsize=64)
def _other_languages(languages: tuple[str, ...]) -> tuple[str, ...]:
    ordered = [*DEFAULT_LANGUAGES, *rules.LANGUAGES]
    return tuple(dict.fromkeys(lang for lang in ordered if lang not in languages))


def _has_street_type(text: str, lang: str) -> bool:
    """A cheap first look: does ``text`` start or end with one of ``lang``'s street types?"""
    tokens = _tokens(text)
    tables = _tables((lang,))
    if len(tokens) < 2:
        last = tokens[-1].casefold() if tokens else ""
        return last.endswith(tables.glued_endings)
    if _match_phrase(tokens, tables.prefixes):
        return True
    if _match_phrase(tokens[-1:], tables.suffixes):
        return True
    return tokens[-1].casefold().endswith(tables.glued_as_written)


def _replace(reading: NameReading, **changes) -> NameReading:
    return replace(reading, **changes)


def _drop_genitive(stem: str, languages: list[str], is_first_name, alone: bool = True) -> str:
    """The name in a compound's first part: "Strindbergs" -> Strindberg, "Amalien" -> Amalie.

    Genitive endings (Scandinavian "s") always go; linking endings (German "n", Dutch
    "s") only when the stem is the whole name and what is left is a given name: "Rosen"
    is a plant, not Rose, and "Aletta Jacobslaan" honours Aletta Jacobs.
    """
    if stem and stem[-1] == "-":
        return stem
    for lang in languages:
        for ending in rules.GENITIVE_ENDINGS.get(lang, []):
            if stem.endswith(ending) and len(stem) - len(ending) >= 3 and not stem.endswith(ending * 2):
                return stem[: -len(ending)]
        for ending in rules.LINKING_ENDINGS.get(lang, []) if alone else ():
            base = stem[: -len(ending)]
            if stem.endswith(ending) and len(base) >= 3 and not is_first_name(stem) and is_first_name(base):
                return base
    return stem


_POSSESSIVE_RE = re.compile(r"['’]s$")
_FIRST_SPACE_RE = re.compile(r"^(\w+) ")


def _read_one(text: str, original: str, languages: list[str], is_first_name) -> NameReading:
    if "(" in text:
        text = _PARENS_RE.sub("", text)
    text = text.strip()
    if "." in text or "ª" in text:  # every abbreviation has one or the other
        for pattern, repl in _ABBREVIATIONS:
            text = pattern.sub(repl, text)
    tables = _tables(tuple(languages))
    tokens = _tokens(text)
    street_type: str | None = None

    # 1. street type written first ("Calle", "Rua", "Rue", "Via")
    n = _match_phrase(tokens, tables.prefixes)
    if n and len(tokens) > n:
        street_type = " ".join(tokens[:n])
        tokens = tokens[n:]
        if key(street_type).endswith("paralela"):
            # "Paralela al Norte de X", "Paralela a X": the rest names the other street.
            while tokens and key(tokens[0]) in {"al", "a", "norte", "sur", "este", "oeste", "de", "del"}:
                tokens = tokens[1:]

        # A second type after the first: "Calle Costanilla de X", "Carrer del Camí de Can Y".
        m = _match_phrase(tokens, tables.particles)
        n2 = _match_phrase(tokens[m:], tables.prefixes)
        # Only when a particle follows it: "Carrer de Costa i Llobera" is a person.
        after = tokens[m + n2:]
        if n2 and after and key(tokens[m]) != "paralela" and key(tokens[m]) not in _GEOGRAPHIC and _match_phrase(
            after, tables.particles
        ) and len(after) > 1:
            tokens = after

    # 2. the particle after it ("de la", "d'", "dels", "van")
    had_article = False
    if street_type:
        n = _match_phrase(tokens, tables.particles)
        if n and len(tokens) > n:
            particle = [key(t) for t in tokens[:n]]
            had_article = any(p in rules.ARTICLES for p in particle) or any(
                p in {"del", "dels", "du", "des", "do", "da", "dos", "das", "al", "au", "aux", "della",
                      "dello", "delle", "degli", "dei", "dell'", "alla", "ai", "alle"}
                for p in particle
            )
            tokens = tokens[n:]

    # 3. street type written last ("Baker Street"), or glued on ("Goethestraße", "Xlaan")
    if not street_type and len(tokens) >= 2:
        if _match_phrase(tokens[-1:], tables.suffixes):
            street_type = tokens[-1]
            tokens = tokens[:-1]
            tokens = tokens[:-1] + [_drop_genitive(tokens[-1], languages, is_first_name, alone=len(tokens) == 1)]
    if not street_type and tokens:
        last = tokens[-1]
        pieces = [p for p in last.split("-") if p]
        if len(pieces) > 1 and _match_phrase(pieces[-1:], tables.glued):
            street_type = pieces[-1]  # "Gret-Palucca-Straße" -> "Gret Palucca"
            tokens = tokens[:-1] + pieces[:-1]
        else:
            lowered = last.lower()
            for suffix in tables.glued_longest_first:
                if lowered.endswith(suffix) and len(last) - len(suffix) >= 3:
                    street_type = last[-len(suffix):]
                    stem = _drop_genitive(last[: -len(suffix)].rstrip("-"), languages, is_first_name,
                                          alone=len(tokens) == 1 and "-" not in last)
                    tokens = tokens[:-1] + [p for p in stem.split("-") if p]
                    break
        if len(tokens) >= 2 and "-" in "".join(tokens) and street_type:
            tokens = [p for t in tokens for p in t.split("-") if p]

    core = list(tokens)
    non_person = _PHRASES.get(key(text)) or _non_person(core, had_article, is_first_name)

    # 4. titles at the start, possibly several ("Profesor Doctor X")
    titles: list[str] = []
    genders: list[str | None] = []
    keeps_from: int | None = None
    plural_mix: str | None = None
    religious = False
    marian = False
    title_table = tables.titles
    plural_table = tables.plural_titles
    rest = list(core)
    consumed = 0
    personal_articles = rules.PERSONAL_ARTICLES if "ca" in languages else {}
    for _ in range(4):
        if not rest:
            break
        n = _match_phrase(rest, tables.plural_phrases)
        if n and len(rest) > n and plural_mix is None:
            plural_mix = plural_table[key(" ".join(rest[:n]))]
            titles.append(" ".join(rest[:n]))
            genders.append(None)
            if keeps_from is None:  # "Hermanos Machado" is how they are known
                keeps_from = consumed
            rest, consumed = rest[n:], consumed + n
            continue
        n = _match_phrase(rest, tables.title_phrases)
        if n and len(rest) > n:
            gender, keeps = title_table[key(" ".join(rest[:n]))]
            titles.append(" ".join(rest[:n]))
            genders.append(gender)
            if keeps and keeps_from is None:
                keeps_from = consumed
            if keeps:
                religious = religious or _is_religious_title(rest[:n])
                marian = marian or key(" ".join(rest[:n])) in rules.MARIAN_TITLES
            rest, consumed = rest[n:], consumed + n
            # "Virgen del Carmen", "Mare de Déu de Montserrat": a particle may follow
            m = _match_phrase(rest, tables.particles)
            if m and len(rest) > m and keeps:
                rest, consumed = rest[m:], consumed + m
                # What follows "Marqués de", "Virgen del" is a place or a name,
                # not another title ("Marqués de Santa Ana").
                break
            continue
        if rest and key(rest[0]) in personal_articles and len(rest) > 1:
            titles.append(rest[0])
            genders.append(personal_articles[key(rest[0])])
            rest, consumed = rest[1:], consumed + 1
            continue
        break

    # A Virgin's epithet used alone: "Calle de la Milagrosa".
    if not titles and key(" ".join(w for w in rest if key(w) not in rules.ARTICLES)) in _VIRGIN_EPITHETS:
        titles.append(" ".join(rest))
        genders.append(rules.WOMAN)
        keeps_from = 0
        religious = True
        marian = True

    generic = bool(titles) and all(
        g is None or key(t) in _GENERIC_MASCULINE for t, g in zip(titles, genders)
    )
    # Only a title: "Calle del Príncipe", "del Gobernador", "del Conde Duque" name
    # nobody in particular; the Virgin ("Calle de la Virgen") is someone.
    title_alone = False
    if rest and _match_phrase(rest, tables.title_phrases) == len(rest) and (titles or had_article or len(rest) == 1):
        gender, keeps = title_table[key(" ".join(rest))]
        if not titles and keeps and _is_religious_title(rest) and gender:
            titles.append(" ".join(rest))
            genders.append(gender)
            keeps_from = 0
            religious = True
            marian = key(" ".join(rest)) in rules.MARIAN_TITLES
        elif titles or had_article or keeps:
            titles.append(" ".join(rest))
            genders.append(gender)
            title_alone = True

    known = {g for g in genders if g}
    title_gender = known.pop() if len(known) == 1 and not title_alone else None
    if title_alone or (non_person and non_person != "religious"):
        religious = marian = False

    if "en" in languages and rest and _POSSESSIVE_RE.search(rest[-1]):
        rest = rest[:-1] + [rest[-1][:-2]]  # "St Mary's Road" -> "Mary"
    bare = _join(rest) or None
    if keeps_from is not None:
        person = _join(core[keeps_from:]) or None
    else:
        person = bare
    # Leading articles are not part of a name ("La Pilarica" stays: it is an epithet).
    single_word = bool(bare) and len(bare.split()) == 1 and not titles

    variants: list[str] = []
    if person:
        # Keep the hyphenated spelling when the name had it ("Saint-Jean"): it is
        # how French and Dutch write saints, and how their labels read.
        hyphenated = _FIRST_SPACE_RE.sub(r"\1-", person)
        if hyphenated != person and hyphenated in text and _HYPHEN_SAINT_RE.match(hyphenated):
            variants.append(person)
            person = hyphenated
    for value in (bare, _join(core) or None):
        if value and value != person and value not in variants:
            variants.append(value)

    if person and not any(c.isalnum() for c in person):
        person, bare, single_word = None, None, False
    if non_person in {"date", "number"}:
        # A date or a number is never a person, whatever title-like words it has.
        titles, title_gender, plural_mix, person, single_word = [], None, None, None, False

    language = _type_language(street_type, tuple(languages))
    return NameReading(
        original=original,
        name_part=person,
        street_type=street_type,
        titles=tuple(titles),
        title_gender=title_gender,
        non_person=non_person,
        variants=tuple(variants),
        bare_name=bare,
        single_word=single_word,
        plural_mix=plural_mix,
        article=had_article,
        religious=religious,
        generic_title=generic and title_gender == rules.MAN,
        title_alone=title_alone,
        marian=marian,
        family_name_first=language in rules.FAMILY_NAME_FIRST,
        language=language,
    )


@lru_cache(maxsize=1024)
def _type_language(street_type: str | None, languages: tuple[str, ...]) -> str | None:
    """The first of ``languages`` that has ``street_type`` (the first language when there is none)."""
    if not street_type:
        return languages[0] if languages else None
    wanted = key(street_type)
    for lang in languages:
        for table in (rules.PREFIX_TYPES, rules.SUFFIX_TYPES, rules.GLUED_SUFFIXES):
            if any(key(t) == wanted or key(t).split()[0] == wanted.split()[0] for t in table.get(lang, [])):
                return lang
    return languages[0] if languages else None


_RELIGIOUS = {key(w) for w in (
    "santa", "santo", "san", "sant", "sant'", "saint", "sainte", "st", "st.", "ste", "sta.", "sto.",
    "sn.", "são", "sao", "s.", "sankt", "sint", "virgen", "virgem", "virxe", "verge", "beato", "beata",
    "beat", "bienheureux", "bienheureuse", "madonna", "heilige", "cristo", "crist", "divino", "jesus",
)}


def _is_religious_title(words: list[str]) -> bool:
    first = key(words[0]) if words else ""
    joined = key(" ".join(words))
    return first in _RELIGIOUS or joined.startswith(("nuestra", "nostra", "nossa", "nosa", "notre",
                                                     "mare de", "our lady", "onze", "unsere", "n. s"))


def names_to_look_up(reading: NameReading) -> list[str]:
    """The person names worth matching against Wikidata's humans, best first.

    A bare single word ("Mercedes", "Pilar") is refused: exact label matching would
    turn cities, rivers and virgins into whichever human happens to be labelled so.
    Dates and numbers name no one.
    """
    if reading.single_word or reading.title_alone or reading.non_person in ("date", "number"):
        return []
    names = [reading.name_part] if reading.name_part else []
    names += [v for v in reading.variants if v and " " in v.strip() and v not in names]
    return names
