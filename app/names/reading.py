"""Reading a street name into the person (or thing) it most likely names.

The reader is purely lexical: it strips the street type and the particles after
it, notes titles and what gender they imply, and recognises dates, numbers and
common nouns. It never decides on its own: ``app.classify`` weighs its output
against what Wikidata and OSM say.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def _match_phrase(tokens: list[str], phrases: list[str]) -> int:
    """Length in tokens of the longest phrase that starts ``tokens``, else 0."""
    keys = [key(t) for t in tokens]
    best = 0
    for phrase in phrases:
        words = _tokens(phrase)
        n = len(words)
        if n and n <= len(keys) and n > best and keys[:n] == [key(w) for w in words]:
            best = n
    return best


def _lang_list(table: dict[str, list[str]], languages) -> list[str]:
    seen: list[str] = []
    for lang in languages:
        for item in table.get(lang, []):
            if item not in seen:
                seen.append(item)
    return seen


def _titles_for(languages) -> dict[str, rules.T]:
    merged: dict[str, rules.T] = {}
    for lang in [*languages, "*"]:
        for title, value in rules.TITLES.get(lang, {}).items():
            merged.setdefault(key(title), value)  # the city's first language wins a clash
            if title.endswith(".") and len(title) > 2:
                merged.setdefault(key(title[:-1]), value)  # "Pbro" as well as "Pbro."
    return merged


def _plural_titles_for(languages) -> dict[str, str]:
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
_NUMBER_ONLY_RE = re.compile(r"^(?:n[º°o]\.?\s*)?[\d\s/.\-]*(?:bis|[a-z])?$|^s\s?/\s?n$|^[a-z]$|^[a-z]\s?\d+$")


def _non_person(core: list[str], had_article: bool, first_name_lookup) -> str | None:
    text = key(" ".join(core))
    if not text:
        return "number"
    if _DATE_RE.search(" " + text + " "):
        return "date"
    if _NUMBER_ONLY_RE.match(text) or all(
        key(t) in rules.NUMBER_WORDS or t.isdigit() or rules.ROMAN_RE.match(t) for t in core
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
    for phrase, reason in rules.NON_PERSON_PHRASES.items():
        if reason and (rest == key(phrase) or text == key(phrase)):
            return reason
    first = key(words[0])
    two = key(" ".join(words[:2]))
    needs_article = {key(w) for w in rules.NEEDS_ARTICLE}
    for reason, vocab in rules.NON_PERSON_WORDS.items():
        vocab_keys = {key(w) for w in vocab}
        for candidate in (two, first):
            if candidate in vocab_keys:
                if candidate in needs_article and not article:
                    continue
                # A word that is also a given name ("Paz", "Victoria") only
                # names a thing after an article or when it stands alone.
                if not article and len(words) > 1 and first_name_lookup(words[0]):
                    continue
                return reason
    # An article before a concept-like given name: "de la Paz", "de la Victoria".
    if article and len(words) == 1 and first in {key(w) for w in rules.NON_PERSON_WORDS["concept"]}:
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
        if n2 and len(tokens) > m + n2 and key(tokens[m]) not in {"paralela"}:
            tokens = tokens[m + n2:]

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
        if key(tokens[-1]) in {key(s) for s in suffixes}:
            street_type = tokens[-1]
            tokens = tokens[:-1]
    if not street_type and tokens:
        last = tokens[-1]
        pieces = [p for p in last.split("-") if p]
        glued = _lang_list(rules.GLUED_SUFFIXES, languages)
        if len(pieces) > 1 and key(pieces[-1]) in {key(s) for s in glued}:
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
    non_person = rules.NON_PERSON_PHRASES.get(key(text)) or _non_person(core, had_article, is_first_name)

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
    if not titles and bare_key in {key(e) for e in rules.VIRGIN_EPITHETS}:
        titles.append(" ".join(rest))
        genders.append(rules.WOMAN)
        keeps_from = 0
        religious = True

    generic = bool(titles) and all(
        g is None or key(t) in {key(x) for x in rules.GENERIC_MASCULINE} for t, g in zip(titles, genders)
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

    bare = " ".join(rest).strip() or None
    if keeps_from is not None:
        person = " ".join(core[keeps_from:]).strip() or None
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
    for value in (bare, " ".join(core).strip() or None):
        if value and value != person and value not in variants:
            variants.append(value)

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
    "beat", "bienheureux", "bienheureuse", "madonna", "heilige",
)}


def _is_religious_title(words: list[str]) -> bool:
    first = key(words[0]) if words else ""
    joined = key(" ".join(words))
    return first in _RELIGIOUS or joined.startswith(("nuestra", "nostra", "nossa", "nosa", "notre",
                                                     "mare de", "our lady", "onze", "unsere", "n. s"))
