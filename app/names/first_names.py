"""The first-name fallback, on the offline ``gender-guesser`` dataset.

gender-guesser (PyPI) is GPL-3.0 licensed, which is compatible with this
project's GPL-3.0-or-later. Its answers are only ever shown as "inferred from
the first name" (source 'first_name'), never as facts.
"""
from __future__ import annotations

import importlib.util
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .prepared import fingerprint, prepared

WOMAN = "woman"
MAN = "man"

#: ISO 3166-1 alpha-2 -> gender-guesser's country names. Latin American
#: countries are not in its list: their given names are Spanish or Portuguese.
_COUNTRY = {
    "GB": "great_britain", "UK": "great_britain", "IE": "ireland", "US": "usa", "IT": "italy",
    "SM": "italy", "VA": "italy", "MT": "malta", "PT": "portugal", "ES": "spain", "AD": "spain",
    "FR": "france", "MC": "france", "BE": "belgium", "LU": "luxembourg", "NL": "the_netherlands",
    "DE": "germany", "AT": "austria", "LI": "swiss", "CH": "swiss", "IS": "iceland",
    "DK": "denmark", "NO": "norway", "SE": "sweden", "FI": "finland", "EE": "estonia",
    "LV": "latvia", "LT": "lithuania", "PL": "poland", "CZ": "czech_republic", "SK": "slovakia",
    "HU": "hungary", "RO": "romania", "BG": "bulgaria", "BA": "bosniaand", "HR": "croatia",
    "XK": "kosovo", "MK": "macedonia", "ME": "montenegro", "RS": "serbia", "SI": "slovenia",
    "AL": "albania", "GR": "greece", "CY": "greece", "RU": "russia", "BY": "belarus",
    "MD": "moldova", "UA": "ukraine", "AM": "armenia", "AZ": "azerbaijan", "GE": "georgia",
    "KZ": "the_stans", "UZ": "the_stans", "TM": "the_stans", "KG": "the_stans", "TJ": "the_stans",
    "TR": "turkey", "SA": "arabia", "AE": "arabia", "QA": "arabia", "KW": "arabia", "BH": "arabia",
    "OM": "arabia", "YE": "arabia", "JO": "arabia", "IL": "israel", "CN": "china", "TW": "china",
    "IN": "india", "JP": "japan", "KR": "korea", "VN": "vietnam", "CA": "usa", "AU": "great_britain",
    "NZ": "great_britain", "BR": "portugal", "AO": "portugal", "MZ": "portugal", "CV": "portugal",
}
_SPANISH_SPEAKING = {"AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "GQ", "GT", "HN", "MX", "NI",
                     "PA", "PE", "PR", "PY", "SV", "UY", "VE"}
for _code in _SPANISH_SPEAKING:
    _COUNTRY[_code] = "spain"


def country_for_detector(country_code: str | None) -> str | None:
    return _COUNTRY.get((country_code or "").upper())


@dataclass(frozen=True)
class FirstNameGuess:
    gender: str  # 'woman' | 'man'
    first_name: str  # the word the guess was made from
    confidence: str  # 'medium' | 'low'
    answer: str  # gender-guesser's raw answer, e.g. 'mostly_female'
    source: str = "first_name"


_detector = None
_lock = threading.Lock()


def detector():
    """The gender-guesser Detector, loaded once.

    Parsing its 4 MB file takes about half a second, so the table it parses into is prepared on disk
    (``prepared``) and handed to a Detector made without parsing. That table (``names``) is the
    Detector's whole state besides ``case_sensitive``; the library's own source is in the fingerprint,
    so another release of it prepares its table again.
    """
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                import gender_guesser.detector as gg

                def parse() -> dict:
                    return gg.Detector(case_sensitive=False).names

                source = Path(importlib.util.find_spec("gender_guesser.detector").origin)
                stamp = fingerprint([source], [source.parent / "data" / "nam_dict.txt"])
                found = gg.Detector.__new__(gg.Detector)
                found.case_sensitive = False
                found.names = prepared("first_names", stamp, parse)
                _detector = found
    return _detector


@lru_cache(maxsize=1 << 14)
def gender_answer(word: str, country: str | None = None) -> str:
    """gender-guesser's answer for one word ('female', 'mostly_male', 'andy', 'unknown'...), in the
    detector's ``country`` when given. Cached: a city asks for the same few hundred names thousands
    of times, and each answer counts through every country's column."""
    return detector().get_gender(word, country)


def _unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_DATA = Path(__file__).with_name("data") / "given_names.csv"
_supplement: dict[str, str] | None = None


def supplement() -> dict[str, str]:
    """Our own list of given names gender-guesser lacks: unaccented lower -> answer."""
    global _supplement
    if _supplement is None:
        table: dict[str, str] = {}
        for line in _DATA.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, gender = line.partition(",")
                answer = {"m": "male", "f": "female"}.get(gender.strip(), "andy")
                table.setdefault(name.strip().casefold(), answer)
                # unaccented spellings are common in OSM ("Hernan", "Joaquin")...
                # except where the final accent makes another name (Marià/Maria).
                if not _FINAL_ACCENT_RE.search(name.strip()):
                    table.setdefault(_unaccent(name.strip()).casefold(), answer)
        _supplement = table
    return _supplement


#: Words gender-guesser lists as given names that, at the head of a street name,
#: are articles, particles, street types or adjectives ("El Greco", "Del Cid",
#: "Ruta 8", "Bajo de la Virgen", "Alta de Sant Pere").
NOT_FIRST_NAMES = {
    "el", "la", "lo", "los", "las", "le", "les", "del", "de", "di", "da", "do", "du", "van", "von",
    "der", "den", "des", "al", "y", "i", "e", "en", "na", "sant", "san", "santa", "ruta", "rio",
    "alta", "alto", "baja", "bajo", "nueva", "nuevo", "vieja", "viejo", "gran", "nou", "nova",
    "vell", "vella", "major", "mayor", "real", "camí", "cami", "palma", "cruz", "valencia", "vara",
    "ros", "mila", "milà", "cornellà", "mar", "sol", "ciudad", "villa", "monte",
    "mas", "can", "cal", "puig", "pla", "prat", "font", "riba",
}
_FINAL_ACCENT_RE = re.compile(r"[àèìòùáéíóú]$", re.I)

_DIMINUTIVE_RE = re.compile(r"^(\w{2,}?)(?:c)?(it[oa]s?)$", re.I)


def _diminutive_base(word: str) -> tuple[str, str | None] | None:
    """Spanish diminutives: Carlitos -> Carlos, Isabelita -> Isabel, Paquito -> Paco/Paquo."""
    m = _DIMINUTIVE_RE.match(word)
    if not m or len(word) < 6:
        return None
    stem, ending = m.group(1), m.group(2).casefold()
    vowel = "a" if ending.startswith("ita") else "o"
    plain = stem + vowel + ("s" if ending.endswith("s") else "")
    return plain, stem if len(stem) >= 3 else None


_GENDER = {"male": MAN, "female": WOMAN, "mostly_male": MAN, "mostly_female": WOMAN}
_INITIAL_RE = re.compile(r"^\w\.?$")


def _lookup(word: str, country: str | None) -> tuple[str, str] | None:
    """(gender-guesser answer, confidence) for one word, or None if unusable."""
    own = supplement().get(word.casefold())
    if own is None and not _FINAL_ACCENT_RE.search(word):
        own = supplement().get(_unaccent(word).casefold())
    if own == "andy":
        return None  # ours says too mixed to tell
    if own:
        return own, "medium"
    base = _diminutive_base(word)
    if base:  # "Carlitos", "Isabelita", "Paquito": the diminutive keeps the gender
        found = _lookup(base[0], country) or (_lookup(base[1], country) if base[1] else None)
        expected = "female" if word.casefold().endswith(("ita", "itas")) else "male"
        if found and found[0].endswith(expected):
            return expected, "low"
    # Dropping a final stressed vowel's accent changes the name: Catalan
    # "Marià", "Adrià", "Julià" are men, "Maria", "Adria", "Julia" women.
    if _FINAL_ACCENT_RE.search(word):
        forms = [word]
    else:
        forms = list(dict.fromkeys([word, _unaccent(word)]))
    # The country's own answer first: "Joan" is a man in Spain, a woman in England.
    if country:
        for form in forms:
            answer = gender_answer(form, country)
            if answer in ("male", "female"):
                return answer, "medium"
            if answer.startswith("mostly_"):
                # A leaning that the world-wide answer contradicts ("José" leans female in
                # Belgium, is male everywhere else) is no evidence either way.
                overall = gender_answer(form)
                if overall != "unknown" and overall.removeprefix("mostly_") != answer.removeprefix("mostly_"):
                    return None
                return answer, "low"
    for form in forms:
        answer = gender_answer(form)
        if answer in ("male", "female"):
            return answer, "medium"
        if answer.startswith("mostly_"):
            return answer, "low"
    return None


@lru_cache(maxsize=1 << 14)
def is_known_first_name(word: str) -> bool:
    """Whether ``word`` is a given name the dataset knows (any gender). Cached: reading a city's names
    asks about the same few hundred words thousands of times."""
    if not word or not word[0].isalpha():
        return False
    if _unaccent(word).casefold() in supplement() or word.casefold() in supplement():
        return True
    return any(gender_answer(form) != "unknown" for form in {word, _unaccent(word)})


def guess_from_first_name(person: str, country_code: str | None = None) -> FirstNameGuess | None:
    """Guess a gender from the first given name in ``person``.

    The first element of a compound decides ("María José" -> woman, "José
    María" -> man, "Jean-Marie" -> man). A single word is refused: a bare given
    name ("Mercedes", "Pilar", "Iris") is too often a place, a plant or a
    dedication. Answers 'andy' (androgynous) and 'unknown' give None.
    """
    words = [w for w in re.split(r"\s+", (person or "").strip()) if w]
    if len(words) < 2:
        return None
    country = country_for_detector(country_code)
    confidence_cap = None
    first = words[0]
    if _INITIAL_RE.match(first):
        # "J. Antonio Pérez": the given name after an initial is a weaker signal.
        words = words[1:]
        if len(words) < 2:
            return None
        first = words[0]
        confidence_cap = "low"
    first = first.strip(".,;")
    if "-" in first:  # "Jean-Marie", "Anne-Sophie": the first element decides
        first = first.split("-")[0]
    if not first or not first[0].isalpha() or len(first) < 2:
        return None
    if first.casefold() in NOT_FIRST_NAMES or _unaccent(first).casefold() in NOT_FIRST_NAMES:
        return None
    found = _lookup(first, country)
    if not found:
        return None
    answer, confidence = found
    if confidence_cap:
        confidence = confidence_cap
    return FirstNameGuess(gender=_GENDER[answer], first_name=first, confidence=confidence, answer=answer)
