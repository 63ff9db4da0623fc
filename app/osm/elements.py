"""OSM elements as the street assembly needs them, parsed from an Overpass answer.

Only what assembly reads is kept: a way's tags, coordinates and node ids; a street relation's tags
and the ids of its street members (roles in ``app.osm.tags.STREET_MEMBER_ROLES``, the same for the
Overpass answer and the ``.pbf`` reader).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import overpy

from app.osm.tags import STREET_MEMBER_ROLES


@dataclass(slots=True)  # a city has tens of thousands, a region millions: slots are quicker and smaller
class OsmWay:
    id: int
    tags: dict[str, str]
    coords: list[tuple[float, float]]  # (lon, lat)
    node_ids: list[int] | None = None  # same length as coords when known


@dataclass(slots=True)
class OsmRelation:
    id: int
    tags: dict[str, str]
    member_way_ids: list[int] = field(default_factory=list)  # ways with a street role


#: A geometry point's (lon, lat), read in C: this runs once per vertex of a city.
_LON_LAT = itemgetter("lon", "lat")


def elements_from_overpass(data: dict[str, Any]) -> tuple[list[OsmWay], list[OsmRelation]]:
    """OsmWay/OsmRelation from Overpass JSON (``out body geom``), straight from the dicts.

    This skips overpy on purpose: building overpy objects for a big city costs
    several times the JSON decoding itself (see benchmarks/bench_osm_assembly.py).
    """
    ways: list[OsmWay] = []
    relations: list[OsmRelation] = []
    for el in data.get("elements", ()):
        kind = el.get("type")
        if kind == "way":
            geometry = el.get("geometry") or ()
            try:
                coords = list(map(_LON_LAT, geometry))
            except (TypeError, KeyError):
                # Overpass puts null for nodes it does not have (outside the area extract).
                coords = [(p["lon"], p["lat"]) for p in geometry if p]
            nodes = el.get("nodes")
            if nodes is not None and len(nodes) != len(coords):
                nodes = [n for n, p in zip(nodes, geometry) if p]
            ways.append(OsmWay(el["id"], el.get("tags") or {}, coords, nodes))
        elif kind == "relation":
            members = [
                m["ref"]
                for m in el.get("members", ())
                if m.get("type") == "way" and m.get("role", "") in STREET_MEMBER_ROLES
            ]
            relations.append(OsmRelation(el["id"], el.get("tags") or {}, members))
    return ways, relations


def elements_from_overpy(result) -> tuple[list[OsmWay], list[OsmRelation]]:
    """The same from an overpy.Result (``OverpassClient.query``)."""
    ways = []
    for w in result.ways:
        # overpy keeps ``out geom`` coordinates as the raw attribute.
        geometry = [p for p in (w.attributes.get("geometry") or ()) if p]
        coords = [(float(p["lon"]), float(p["lat"])) for p in geometry]
        node_ids = w._node_ids or []
        nodes = list(node_ids) if len(node_ids) == len(coords) else None
        ways.append(OsmWay(w.id, dict(w.tags), coords, nodes))
    relations = []
    for r in result.relations:
        members = [
            m.ref for m in r.members if isinstance(m, overpy.RelationWay) and (m.role or "") in STREET_MEMBER_ROLES
        ]
        relations.append(OsmRelation(r.id, dict(r.tags), members))
    return ways, relations
