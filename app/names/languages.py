"""Which languages a city's street names are written in, from its country.

The country alone cannot tell regional languages apart: Spain returns ["es"],
and the caller adds "ca", "gl" or "eu" from the area's own ``name:*`` tags or its
region (Barcelona's streets are Catalan, Vigo's Galician). Multilingual
countries list their languages in the order their names are usually written
(Brussels writes French first, then Dutch).
"""
from __future__ import annotations

_TABLE: dict[str, list[str]] = {
    "ES": ["es"], "AD": ["ca", "es"],
    "PT": ["pt"], "BR": ["pt"], "AO": ["pt"], "MZ": ["pt"], "CV": ["pt"],
    "FR": ["fr"], "MC": ["fr"], "LU": ["fr", "de"],
    "BE": ["fr", "nl", "de"], "CH": ["de", "fr", "it"],
    "IT": ["it"], "SM": ["it"], "VA": ["it"],
    "DE": ["de"], "AT": ["de"], "LI": ["de"],
    "NL": ["nl"],
    "GB": ["en"], "UK": ["en"], "US": ["en"], "IE": ["en"], "AU": ["en"], "NZ": ["en"],
    "ZA": ["en"], "CA": ["en", "fr"], "MT": ["en"],
}
for _code in ("AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "GQ", "GT", "HN", "MX", "NI", "PA",
              "PE", "PR", "PY", "SV", "UY", "VE"):
    _TABLE[_code] = ["es"]


def languages_for_country(country_code: str | None) -> list[str]:
    """The languages to read a city's street names in; [] when unknown.

    Countries outside the table return [] and the reader then tries all the
    languages it knows (see ``read_street_name``).
    """
    code = (country_code or "").strip().upper()
    if code in _TABLE:
        return list(_TABLE[code])
    return []
