"""Which languages a city's street names are written in, from where it is.

The country alone cannot tell regional languages apart: Spain's streets are
Spanish in Madrid, Catalan in Barcelona and València, Galician in Vigo, Basque in
Bilbao. So the choice goes from the most specific knowledge to the least:

1. Wikidata's official languages (P37) of the city, then its region, then its
   country, when Wikidata can be asked (``queries/wikidata_official_languages.rq``);
2. offline, the region's entry in ``data/regions.toml`` (ISO 3166-2 codes, walking
   up pycountry's subdivision hierarchy: the province ES-B lies in ES-CT);
3. the country's official languages from CLDR (shipped with babel), by population.

The reader still reads every language it knows; these only set the order of trust.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

_REGIONS_FILE = Path(__file__).with_name("data") / "regions.toml"
#: Codes CLDR and Wikidata use that our language files share under one name.
_SAME_LANGUAGE = {"nb": "no", "nn": "no", "gsw": "de", "iu_Latn": "iu", "sd_Deva": "sd"}
_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}


def _normalise(codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        code = (code or "").strip()
        code = _SAME_LANGUAGE.get(code, code.split("_")[0].split("-")[0].lower())
        if code and code not in out:
            out.append(code)
    return out


@lru_cache(maxsize=1)
def _regions() -> dict[str, list[str]]:
    with _REGIONS_FILE.open("rb") as fh:
        return {code.upper(): list(langs) for code, langs in tomllib.load(fh)["regions"].items()}


def languages_for_country(country_code: str | None) -> list[str]:
    """The country's official languages (CLDR), most spoken first; [] when unknown."""
    from babel.languages import get_official_languages

    code = (country_code or "").strip().upper()
    code = _COUNTRY_ALIASES.get(code, code)
    if len(code) != 2 or not code.isalpha():
        return []
    official = get_official_languages(code) or get_official_languages(code, de_facto=True)
    return _normalise(official)


def languages_for_region(region_code: str | None) -> list[str]:
    """The table's languages for an ISO 3166-2 code or the first parent listed; [] otherwise."""
    import pycountry

    code = (region_code or "").strip().upper()
    seen = set()
    while code and code not in seen:
        seen.add(code)
        if code in _regions():
            return list(_regions()[code])
        subdivision = pycountry.subdivisions.get(code=code)
        code = (getattr(subdivision, "parent_code", None) or "").upper() if subdivision else ""
    return []


def is_region_code(region_code: str | None) -> bool:
    """Whether ``region_code`` is an ISO 3166-2 subdivision pycountry knows."""
    import pycountry

    return bool(region_code) and pycountry.subdivisions.get(code=region_code.strip().upper()) is not None


def languages_for_place(
    country_code: str | None,
    region_code: str | None = None,
    official: Iterable[Iterable[str]] = (),
) -> list[str]:
    """The languages to read a city's street names in, most trusted first.

    ``official`` is Wikidata's P37 from the most specific item to the least (city,
    region, country), each a list of ISO 639-1 codes. Within one level, languages
    the country does not make official come first: a regional language is the one
    its streets are named in ("Carrer", "Rúa", "kalea"). The offline region table and
    the country's languages fill in what Wikidata did not say.
    """
    country = languages_for_country(country_code or (region_code or "")[:2])
    ordered: list[str] = []
    for level in official:
        level = _normalise(level)
        ordered += [c for c in level if c not in country and c not in ordered]
        ordered += [c for c in level if c not in ordered]
    for code in [*languages_for_region(region_code), *country]:
        if code not in ordered:
            ordered.append(code)
    return ordered
