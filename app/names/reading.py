"""Reading a street name into the person (or thing) it most likely names.

The reader is purely lexical: it strips the street type and the particles after
it, notes titles and what gender they imply, and recognises dates, numbers and
common nouns. It never decides on its own: ``app.classify`` weighs its output
against what Wikidata and OSM say.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import rules
from .rules import key

DEFAULT_LANGUAGES = ("es", "ca", "gl", "pt", "fr", "it", "en", "de", "nl")


@dataclass(frozen=True)
class NameReading:
    """What a street name says, before any outside knowledge.

    ``person`` is the name of the honoured person as it should be looked up:
    honorifics and professions are dropped ("Doctor Luis Morquio" ->
    "Luis Morquio") but saints, the Virgin and nobility keep their title because
    that is how they are known ("Santa Lucía", "Marqués de Torroja").
    ``bare_name`` is the person without any title ("Lucía"), the part a first
    name can be read from. ``single_word`` marks a low-trust reading: one bare
    word with no title ("Calle Mercedes") is as likely a place, a plant or a
    dedication as a person, so the first-name fallback refuses it.
    """

    original: str
    person: str | None
    street_type: str | None = None
    titles: tuple[str, ...] = ()
    title_gender: str | None = None  # 'woman' | 'man' | None
    non_person: str | None = None  # 'date', 'number', 'place', 'event', 'ship', 'plant', ...
    variants: tuple[str, ...] = ()
    bare_name: str | None = None
    single_word: bool = False
    plural_mix: str | None = None  # 'men' | 'women' | 'mixed' when a plural title names several
    article: bool = False  # an article stood before the name ("Calle de la Paz")
    religious: bool = False  # a saint or the Virgin (title kept in ``person``)
    generic_title: bool = False  # the title gender comes only from a generic masculine profession


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


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for raw in text.split():
        token = raw.strip(",;")
        if not token:
            continue
        m = _ELISION_RE.match(token)
        if m and len(token) > m.end():
            out.append(token[: m.end()].replace("’", "'"))
            out.append(token[m.end():])
        elif re.match(r"^(dr|dra|sr|sra|gral|cnel|tte|ing|arq|prof|pbro|mons)\.\w", token, re.I):
            cut = token.index(".") + 1  # "Dr.Felip" -> "Dr." "Felip"
            out.append(token[:cut])
            out.append(token[cut:])
        elif _HYPHEN_SAINT_RE.match(token):
            head, _, tail = token.partition("-")  # "Saint-Jean" -> "Saint" "Jean"
            out.append(head)
            out.extend(p for p in tail.split("-") if p) if head.casefold() != "saints" else out.append(tail)
        elif re.match(r"^c/\S", token, re.I):  # "C/Mayor"
            out.append(token[:2])
            out.append(token[2:])
        else:
            out.append(token)
    return out


@lru_cache(maxsize=256)
def _phrase_index(phrases: tuple[str, ...]) -> dict[int, set[tuple[str, ...]]]:
    """Phrases as tuples of token keys, grouped by length (longest matched first)."""
    index: dict[int, set[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(key(w) for w in _tokens(phrase))
        if words:
            index.setdefault(len(words), set()).add(words)
    return index


def _join(tokens: list[str]) -> str:
    """Tokens back into text, elisions glued again: "Sant'" + "Anna" -> "Sant'Anna"."""
    out = ""
    for token in tokens:
        if out and not out.endswith("'"):
            out += " "
        out += token
    return out.strip()


def _match_phrase(tokens: list[str], phrases) -> int:
    """Length in tokens of the longest phrase that starts ``tokens``, else 0."""
    index = _phrase_index(tuple(phrases))
    keys = tuple(key(t) for t in tokens[: max(index, default=0)])
    for n in sorted(index, reverse=True):
        if n <= len(keys) and keys[:n] in index[n]:
            return n
    return 0


@lru_cache(maxsize=256)
def _lang_list_cached(table_name: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    table = getattr(rules, table_name)
    seen: dict[str, None] = {}
    for lang in languages:
        for item in table.get(lang, []):
            seen.setdefault(item, None)
    return tuple(seen)


def _lang_list(table: dict[str, list[str]], languages) -> tuple[str, ...]:
    for name in ("PREFIX_TYPES", "SUFFIX_TYPES", "GLUED_SUFFIXES", "PARTICLES"):
        if table is getattr(rules, name):
            return _lang_list_cached(name, tuple(languages))
    raise ValueError("unknown table")


@lru_cache(maxsize=64)
def _titles_cached(languages: tuple[str, ...]) -> dict[str, rules.T]:
    merged: dict[str, rules.T] = {}
    for lang in [*languages, "*"]:
        for title, value in rules.TITLES.get(lang, {}).items():
            merged.setdefault(key(title), value)  # the city's first language wins a clash
            if title.endswith(".") and len(title) > 2:
                merged.setdefault(key(title[:-1]), value)  # "Pbro" as well as "Pbro."
    return merged


def _titles_for(languages) -> dict[str, rules.T]:
    return _titles_cached(tuple(languages))


@lru_cache(maxsize=64)
def _plural_titles_cached(languages: tuple[str, ...]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for lang in languages:
        for title, mix in rules.PLURAL_TITLES.get(lang, {}).items():
            merged.setdefault(key(title), mix)
    return merged


def _plural_titles_for(languages) -> dict[str, str]:
    return _plural_titles_cached(tuple(languages))


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
_PHRASES = {key(p): reason for p, reason in rules.NON_PERSON_PHRASES.items() if reason}
_NUMBER_KEYS = {key(w) for w in rules.NUMBER_WORDS}
_AMBIGUOUS = {key(w) for w in rules.AMBIGUOUS_GIVEN_NAMES}
_VIRGIN_EPITHETS = {key(e) for e in rules.VIRGIN_EPITHETS}
_GENERIC_MASCULINE = {key(x) for x in rules.GENERIC_MASCULINE}
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
    two = key(" ".join(words[:2]))
    needs_article = _NEEDS_ARTICLE
    for reason, vocab_keys in _VOCAB.items():
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
    return None


# --- the reader --------------------------------------------------------------


def read_street_name(name: str, languages: list[str] | tuple[str, ...] = ()) -> NameReading:
    """Read ``name`` (an OSM street name) in the city's ``languages``.

    Bilingual names ("Avenue X - Xlaan") are read from their first half, the
    other half's reading kept in ``variants``.
    """
    from .first_names import is_known_first_name  # late import: the dataset loads lazily

    languages = [lang for lang in (languages or DEFAULT_LANGUAGES)]
    original = (name or "").strip()
    halves = [h for h in _BILINGUAL_RE.split(original) if h.strip()] or [original]
    reading = _read_one(halves[0], original, languages, is_known_first_name)
    extra: list[str] = []
    for half in halves[1:]:
        other = _read_one(half, half, languages, is_known_first_name)
        for value in (other.person, other.bare_name):
            if value and value not in extra:
                extra.append(value)
    if extra:
        variants = tuple(v for v in (*reading.variants, *extra) if v != reading.person)
        reading = _replace(reading, variants=tuple(dict.fromkeys(variants)))
    return reading


def _replace(reading: NameReading, **changes) -> NameReading:
    from dataclasses import replace

    return replace(reading, **changes)


def _read_one(text: str, original: str, languages: list[str], is_first_name) -> NameReading:
    text = _PARENS_RE.sub("", text).strip()
    for pattern, repl in _ABBREVIATIONS:
        text = pattern.sub(repl, text)
    tokens = _tokens(text)
    street_type: str | None = None

    # 1. street type written first ("Calle", "Rua", "Rue", "Via")
    n = _match_phrase(tokens, _lang_list(rules.PREFIX_TYPES, languages))
    if n and len(tokens) > n:
        street_type = " ".join(tokens[:n])
        tokens = tokens[n:]
        if key(street_type).endswith("paralela"):
            # "Paralela al Norte de X", "Paralela a X": the rest names the other street.
            while tokens and key(tokens[0]) in {"al", "a", "norte", "sur", "este", "oeste", "de", "del"}:
                tokens = tokens[1:]

        # A second type after the first: "Calle Costanilla de X", "Carrer del Camí de Can Y".
        m = _match_phrase(tokens, _lang_list(rules.PARTICLES, languages))
        n2 = _match_phrase(tokens[m:], _lang_list(rules.PREFIX_TYPES, languages))
        # Only when a particle follows it: "Carrer de Costa i Llobera" is a person.
        after = tokens[m + n2:]
        if n2 and after and key(tokens[m]) != "paralela" and _match_phrase(
            after, _lang_list(rules.PARTICLES, languages)
        ) and len(after) > 1:
            tokens = after

    # 2. the particle after it ("de la", "d'", "dels", "van")
    had_article = False
    if street_type:
        n = _match_phrase(tokens, _lang_list(rules.PARTICLES, languages))
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
        suffixes = _lang_list(rules.SUFFIX_TYPES, languages)
        if _match_phrase(tokens[-1:], suffixes):
            street_type = tokens[-1]
            tokens = tokens[:-1]
    if not street_type and tokens:
        last = tokens[-1]
        pieces = [p for p in last.split("-") if p]
        glued = _lang_list(rules.GLUED_SUFFIXES, languages)
        if len(pieces) > 1 and _match_phrase(pieces[-1:], glued):
            street_type = pieces[-1]  # "Gret-Palucca-Straße" -> "Gret Palucca"
            tokens = tokens[:-1] + pieces[:-1]
        else:
            lowered = last.lower()
            for suffix in sorted(glued, key=len, reverse=True):
                if lowered.endswith(suffix) and len(last) - len(suffix) >= 3:
                    street_type = last[-len(suffix):]
                    stem = last[: -len(suffix)].rstrip("-")
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
    title_table = _titles_for(languages)
    plural_table = _plural_titles_for(languages)
    rest = list(core)
    consumed = 0
    personal_articles = rules.PERSONAL_ARTICLES if "ca" in languages else {}
    for _ in range(4):
        if not rest:
            break
        n = _match_phrase(rest, list(plural_table))
        if n and len(rest) > n and plural_mix is None:
            plural_mix = plural_table[key(" ".join(rest[:n]))]
            titles.append(" ".join(rest[:n]))
            genders.append(None)
            if keeps_from is None:  # "Hermanos Machado" is how they are known
                keeps_from = consumed
            rest, consumed = rest[n:], consumed + n
            continue
        n = _match_phrase(rest, list(title_table))
        if n and len(rest) > n:
            gender, keeps = title_table[key(" ".join(rest[:n]))]
            titles.append(" ".join(rest[:n]))
            genders.append(gender)
            if keeps and keeps_from is None:
                keeps_from = consumed
            if keeps:
                religious = religious or _is_religious_title(rest[:n])
            rest, consumed = rest[n:], consumed + n
            # "Virgen del Carmen", "Mare de Déu de Montserrat": a particle may follow
            m = _match_phrase(rest, _lang_list(rules.PARTICLES, languages))
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
    bare_key = key(" ".join(w for w in rest if key(w) not in rules.ARTICLES))
    if not titles and bare_key in _VIRGIN_EPITHETS:
        titles.append(" ".join(rest))
        genders.append(rules.WOMAN)
        keeps_from = 0
        religious = True

    generic = bool(titles) and all(
        g is None or key(t) in _GENERIC_MASCULINE for t, g in zip(titles, genders)
    )
    # A title alone names an unnamed holder: "Calle de la Princesa",
    # "Calle del Almirante". Only trusted after an article or for titles that
    # are how someone is known (Reina, Virgen, Santo), not for surname-like words.
    if not titles and len(rest) == 1:
        gender, keeps = title_table.get(key(rest[0]), (None, False))
        if gender and (keeps or had_article):
            titles.append(rest[0])
            genders.append(gender)
            keeps_from = 0

    known = {g for g in genders if g}
    title_gender = known.pop() if len(known) == 1 else None

    if "en" in languages and rest and re.search(r"['’]s$", rest[-1]):
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
        hyphenated = re.sub(r"^(\w+) ", r"\1-", person)
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

    return NameReading(
        original=original,
        person=person,
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
    )


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
    if reading.single_word or reading.non_person in ("date", "number"):
        return []
    names = [reading.person] if reading.person else []
    names += [v for v in reading.variants if v and " " in v.strip() and v not in names]
    return names
