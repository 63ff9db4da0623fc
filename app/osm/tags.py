"""Which OSM objects count as streets: the ONE place these rules live.

The .pbf reader applies them directly; ``queries/streets.overpassql`` spells
the same lists as Overpass regex filters, and ``tests/test_osm_tags.py``
checks that the two agree, so the two sources cannot drift apart.

Decisions (what "a street people would name" means here):

* highway values EXCLUDED, because they are not public ways that carry a
  commemorative street name, or not a way at all yet/any more:
  - ``bus_stop``, ``platform``: stops and platforms are named after the stop/station.
  - ``elevator``, ``corridor``: indoor or vertical connections (corridors are inside buildings).
  - ``proposed``, ``construction``, ``planned``, ``abandoned``, ``disused``, ``razed``:
    not (or no longer) a usable street; a street under construction gets counted once open.
  - ``raceway``: race tracks and karting circuits, named after sponsors/circuits.
  - ``via_ferrata``: climbing routes.
  - ``bridleway``: horse trails, named as trails rather than as streets of the city.
  - ``rest_area``, ``services``, ``escape``, ``emergency_bay``: motorway facilities.
* highway values deliberately KEPT:
  - ``steps``: named stairways are public ways with commemorative names (Montmartre's
    "Rue Foyatier" is a stairway); unnamed ones are never fetched.
  - ``track``: named tracks are the rural roads ("Camino ...") of large municipalities.
  - ``footway``/``path``/``cycleway``/``pedestrian``: named ones are promenades, lanes and
    pedestrian streets; only their sidewalk/crossing variants are dropped (below).
  - ``service``: only NAMED ways are fetched at all, and a named service road is usually
    a real alley or passage ("Pasaje ...") — except the sub-kinds below, whose names are
    private labels (parking aisles "Row B", drive-throughs, private driveways).
  - motorways, trunks and their ``_link`` roads: they are named after people too; links
    carry the same name and merge into the road they belong to.
* sub-tags EXCLUDED:
  - ``footway``/``path`` = ``sidewalk``/``crossing``/``traffic_island``/``access_aisle``, ``cycleway`` =
    ``crossing``/``traffic_island`` (on roads ``cycleway=*`` describes lanes, so only values that
    never occur on roads are used):
    a sidewalk mapped as its own way carries the street's name but is not a second street.
  - ``service`` = ``parking_aisle``/``drive-through``/``driveway``.
* ``place=square`` ways are squares even without a highway tag; ``highway=pedestrian`` +
  ``area=yes`` (a closed pedestrian area) is a square too.
* ``type=associatedStreet`` / ``type=street`` relations tie ways (and houses) to a street;
  their tags apply to their member ways (see streets.py).
"""
from __future__ import annotations

EXCLUDED_HIGHWAYS: frozenset[str] = frozenset(
    {
        "bus_stop",
        "platform",
        "elevator",
        "corridor",
        "proposed",
        "construction",
        "planned",
        "abandoned",
        "disused",
        "razed",
        "raceway",
        "via_ferrata",
        "bridleway",
        "rest_area",
        "services",
        "escape",
        "emergency_bay",
    }
)

#: key -> values that disqualify a way even though its highway value is fine.
EXCLUDED_SUBTAGS: dict[str, frozenset[str]] = {
    "footway": frozenset({"sidewalk", "crossing", "traffic_island", "access_aisle"}),
    "path": frozenset({"sidewalk", "crossing", "traffic_island", "access_aisle"}),
    # Not "sidewalk" for cycleway: roads carry cycleway=<lane kind> and a road is never dropped for it.
    "cycleway": frozenset({"crossing", "traffic_island"}),
    "service": frozenset({"parking_aisle", "drive-through", "driveway"}),
}

STREET_RELATION_TYPES: frozenset[str] = frozenset({"associatedStreet", "street"})
#: Member roles of street relations that are the street itself (houses are "house"). Only "street":
#: queries/streets.overpassql fetches unnamed members by this role (``way(r.r:"street")``), and the
#: .pbf reader must take exactly the same ways, or the two sources give different streets.
STREET_MEMBER_ROLES: frozenset[str] = frozenset({"street"})

#: Tags read from ways and street relations.
ETYMOLOGY_WIKIDATA = "name:etymology:wikidata"
SUBJECT_WIKIDATA = "subject:wikidata"
ETYMOLOGY_TEXT = "name:etymology"
WIKIDATA = "wikidata"
#: Tags a street relation passes on to its member ways when they lack them.
INHERITED_KEYS: tuple[str, ...] = ("name", ETYMOLOGY_WIKIDATA, SUBJECT_WIKIDATA, ETYMOLOGY_TEXT, WIKIDATA)


def is_street_way(tags: dict[str, str]) -> bool:
    """True for a way that may be (part of) a street or square, name not considered.

    The name is checked later, after street relations have passed theirs on.
    """
    highway = tags.get("highway")
    if highway is None:
        return tags.get("place") == "square"
    if highway in EXCLUDED_HIGHWAYS:
        return False
    for key, values in EXCLUDED_SUBTAGS.items():
        if tags.get(key) in values:
            return False
    return True


def is_square(tags: dict[str, str], closed: bool) -> bool:
    if tags.get("place") == "square":
        return True
    return closed and tags.get("highway") == "pedestrian" and tags.get("area") == "yes"


def is_street_relation(tags: dict[str, str]) -> bool:
    return tags.get("type") in STREET_RELATION_TYPES
