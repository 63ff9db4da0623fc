"""From what a user typed to an OSM boundary relation (an Area).

Accepted input: a place name; ``relation/123``, ``r123``, an openstreetmap.org
relation URL; ``Q123`` or a wikidata.org URL. Ids go straight to a lookup;
names may match several boundaries, in which case the caller gets them all
(``find_areas``) or an AmbiguousArea (``resolve_area``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import overpy

from app.domain import Area, is_qid, normalise_name
from app.osm.overpass import OverpassClient, overpy_elements
from app.queries import load_query, ql_string, render

MAX_QUERY_LENGTH = 200
#: Overpass's own time limit for an area lookup (seconds); the HTTP timeout is separate.
AREA_QUERY_TIMEOUT = 60
#: Overpass derives area ids from relation ids by this offset.
AREA_ID_OFFSET = 3_600_000_000

#: Which admin levels are most likely what people mean by a city, best first.
#: 8 municipality, 7 (some countries' municipalities), 6 county/department or
#: big city, 4 state/region (city-states: Berlin, Brussels...), then the rest.
_LEVEL_PREFERENCE = {8: 0, 7: 1, 6: 2, 4: 3, 9: 4, 10: 5, 5: 6, 3: 7, 11: 8, 2: 9}

_RELATION_RES = [
    re.compile(r"^(?:relation|rel|r)\s*[/:]?\s*([1-9][0-9]{0,11})$", re.IGNORECASE),
    re.compile(
        r"^(?:https?://)?(?:www\.)?(?:openstreetmap\.org|osm\.org)/relation/([1-9][0-9]{0,11})/?(?:[?#].*)?$",
        re.IGNORECASE,
    ),
]
_QID_RES = [
    re.compile(r"^(Q[1-9][0-9]{0,11})$", re.IGNORECASE),
    re.compile(
        r"^(?:https?://)?(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]{0,11})/?(?:[?#].*)?$",
        re.IGNORECASE,
    ),
]


class AmbiguousArea(Exception):
    """Several boundaries carry the name: the caller must let the user choose."""

    def __init__(self, candidates: list[Area]):
        self.candidates = candidates
        names = "; ".join(f"{a.name} ({a.parent or '?'}, {a.osm_ref})" for a in candidates[:5])
        super().__init__(f"{len(candidates)} places match: {names}")


@dataclass(frozen=True)
class AreaQuery:
    kind: str  # "name", "relation" or "wikidata"
    name: str | None = None
    osm_id: int | None = None
    qid: str | None = None


def parse_area_query(text: str) -> AreaQuery:
    """Read what the user typed; ValueError (message for people) when it cannot be a place."""
    if not isinstance(text, str):
        raise ValueError("the place must be text")
    # Control, surrogate, private-use and format characters (bidi overrides, invisible
    # marks) have no place in a place name; ZWNJ/ZWJ do: Persian and Indic names use them.
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") and c not in "\t\u200c\u200d" for c in text):
        raise ValueError("the place contains control characters")
    cleaned = re.sub(r"\s+", " ", text).strip()
    if not cleaned:
        raise ValueError("type a place name, relation/<id> or a Wikidata id (Q…)")
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise ValueError(f"the place is too long (at most {MAX_QUERY_LENGTH} characters)")
    for pattern in _RELATION_RES:
        m = pattern.match(cleaned)
        if m:
            return AreaQuery("relation", osm_id=int(m.group(1)))
    for pattern in _QID_RES:
        m = pattern.match(cleaned)
        if m:
            return AreaQuery("wikidata", qid=m.group(1).upper())
    if re.match(r"^(?:relation|rel|r)\s*[/:]?\s*[0-9]+$", cleaned, re.IGNORECASE):
        raise ValueError("a relation id is a positive number of at most 12 digits")
    if re.match(r"^q[0-9]+$", cleaned, re.IGNORECASE):
        raise ValueError("a Wikidata id is Q followed by a positive number")
    if re.match(r"^(?:https?://|www\.)", cleaned, re.IGNORECASE):
        raise ValueError("links must be an openstreetmap.org relation or a wikidata.org item")
    if not any(c.isalpha() for c in cleaned):
        raise ValueError("a place name needs letters (or use relation/<id> or Q<id>)")
    return AreaQuery("name", name=cleaned)


def area_query_text(query: AreaQuery, timeout: int = AREA_QUERY_TIMEOUT) -> str:
    """The Overpass QL for a parsed query; user text only ever enters through ql_string."""
    if query.kind == "relation":
        return render(load_query("area_by_relation.overpassql"), relation_id=int(query.osm_id), timeout=timeout)
    if query.kind == "wikidata":
        if not is_qid(query.qid or ""):
            raise ValueError(f"not a Wikidata id: {query.qid!r}")
        return render(load_query("area_by_wikidata.overpassql"), qid=query.qid, timeout=timeout)
    return render(load_query("area_by_name.overpassql"), name=ql_string(query.name or ""), timeout=timeout)


def find_areas(client: OverpassClient, text: str) -> list[Area]:
    """Every boundary the text may mean, the likeliest cities first."""
    query = parse_area_query(text)
    areas = areas_from_elements(client.elements(area_query_text(query)))
    if query.kind == "relation":
        areas = [a for a in areas if a.osm_id == query.osm_id]
    return sort_areas(areas, query.name)


def resolve_area(client: OverpassClient, text: str) -> Area | None:
    """The one area meant: an id, or a name only one boundary carries.

    None when nothing matches; AmbiguousArea when several boundaries carry the
    name (exact matches of the typed name are preferred over English names).
    """
    query = parse_area_query(text)
    areas = find_areas(client, text)
    if not areas:
        return None
    if query.kind != "name" or len(areas) == 1:
        return areas[0]
    wanted = normalise_name(query.name or "")
    exact = [a for a in areas if normalise_name(a.name) == wanted]
    if len(exact) == 1:
        return exact[0]
    raise AmbiguousArea(exact or areas)


def sort_areas(areas: list[Area], name: str | None = None) -> list[Area]:
    wanted = normalise_name(name or "")

    def rank(a: Area) -> tuple:
        return (
            0 if wanted and normalise_name(a.name) == wanted else 1,
            _LEVEL_PREFERENCE.get(a.admin_level or 0, 20),
            a.parent or "",
            a.osm_id,
        )

    return sorted(areas, key=rank)


# --- reading the answer -------------------------------------------------------


def _level(tags: dict[str, str]) -> int | None:
    try:
        return int(tags.get("admin_level", ""))
    except ValueError:
        return None


def country_code_from_tags(tags: dict[str, str]) -> str | None:
    """ISO 3166-1 alpha-2 from the boundary's own tags, if it says."""
    for key in ("ISO3166-1", "ISO3166-1:alpha2", "country_code"):
        value = tags.get(key, "").strip().upper()
        if re.fullmatch(r"[A-Z]{2}", value):
            return value
    for key in ("ISO3166-2", "is_in:country_code"):
        m = re.match(r"^([A-Za-z]{2})(?:-|$)", tags.get(key, "").strip())
        if m:
            return m.group(1).upper()
    return None


def areas_from_answer(data: dict[str, Any]) -> list[Area]:
    """Areas from an area_by_* answer (its JSON)."""
    return areas_from_elements(overpy_elements(data))


def areas_from_elements(elements: list) -> list[Area]:
    """Areas from an area_by_* answer's elements (overpy objects, in the answer's order).

    The answer is a sequence: a relation, the areas containing its admin centre,
    a ``marker`` element, the areas containing its boundary nodes; then the next
    relation. Element order is what ties a country to its candidate.
    """
    groups: list[tuple[overpy.Relation, list[overpy.Area], list]] = []
    for el in elements:
        if isinstance(el, overpy.Relation):
            groups.append((el, [], []))
        elif not groups:
            continue
        elif isinstance(el, dict) and el.get("type") == "marker":
            groups[-1][2].append(el)  # from now on: boundary probe
        elif isinstance(el, overpy.Area):
            rel, by_centre, rest = groups[-1]
            (rest if rest else by_centre).append(el)
    seen: set[int] = set()
    areas: list[Area] = []
    for rel, by_centre, rest in groups:
        if rel.id in seen:
            continue
        seen.add(rel.id)
        by_boundary = [el for el in rest if isinstance(el, overpy.Area)]
        areas.append(_area(rel, by_centre or by_boundary))
    return areas


def _area(rel: overpy.Relation, containers: list[overpy.Area]) -> Area:
    tags = rel.tags
    level = _level(tags)
    own_code = country_code_from_tags(tags)
    countries = [c for c in containers if _level(c.tags) == 2 and c.id - AREA_ID_OFFSET != rel.id]
    regions = [c for c in containers if _level(c.tags) == 4 and c.id - AREA_ID_OFFSET != rel.id]
    country = None
    if countries:
        # A border town's boundary touches two countries; prefer the one its own tags name.
        matching = [c for c in countries if country_code_from_tags(c.tags) == own_code]
        country = (matching or countries)[0]
    code = own_code or (country_code_from_tags(country.tags) if country else None)
    parent_parts = []
    if regions and level is not None and level > 4:
        parent_parts.append(_display_name(regions[0]))
    if country and level != 2:
        parent_parts.append(_display_name(country))
    region_tags = regions[0].tags if regions and (level is None or level > 4) else {}
    if level == 4:
        region_tags = tags  # a region analysed as a whole (Brussels-Capital, Berlin)
    return Area(
        osm_type="relation",
        osm_id=int(rel.id),
        name=tags.get("name") or tags.get("name:en") or f"relation {rel.id}",
        admin_level=level,
        country_code=code,
        wikidata=_qid(tags),
        parent=", ".join(p for p in parent_parts if p) or None,
        region=region_code_from_tags(region_tags, code),
        region_wikidata=_qid(region_tags),
        country_wikidata=_qid(country.tags) if country else None,
    )


def _qid(tags: dict[str, str]) -> str | None:
    return tags.get("wikidata") if is_qid(tags.get("wikidata", "")) else None


def region_code_from_tags(tags: dict[str, str], country_code: str | None) -> str | None:
    """The ISO 3166-2 code a region boundary carries, when it belongs to ``country_code``."""
    value = (tags.get("ISO3166-2") or "").strip().upper()
    if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", value) and (not country_code or value[:2] == country_code):
        return value
    return None


def _display_name(el: overpy.Area) -> str:
    return el.tags.get("name") or el.tags.get("name:en") or ""
