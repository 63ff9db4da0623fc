"""From OSM ways (and street relations) to streets.

One street in OSM is usually several ways: split at every change of speed
limit, surface or bridge, dual carriageways, a gap at a square. People count
it once, so ways are grouped:

* same normalised name (``app.domain.normalise_name``), AND
* connected: they share a node, belong to the same street relation, or come
  within ``NEAR_M`` = 150 m of each other (vertex to vertex). 150 m bridges
  the gaps of dual carriageways, roundabouts and squares that interrupt a
  street, while homonymous streets in different neighbourhoods (typically km
  apart) stay separate. Distances are checked between vertices: a very long
  straight segment with no vertex near the other way can miss a link, which
  errs on the side of two streets rather than a wrong merge.

The search for near ways uses a grid of cells at least ``NEAR_M`` wide, so the
cost grows with the number of vertices, not with its square.

Stable key: ``w<lowest way id>`` of the street (e.g. ``w101``). It survives re-analyses as
long as that way is not deleted or split off, which is as stable as OSM
allows; reviews attach to it.

Tags: a street relation (associatedStreet/street) passes its name, etymology
and wikidata tags to member ways that lack them; where a way says otherwise
the way wins and the disagreement is noted. Across the segments of a street,
etymology/wikidata tags apply to the whole street (often only one segment is
tagged). When segments DISAGREE, the value carried by the greatest length
(ties: the one on the lowest way id) is kept and the disagreement is recorded
in ``Street.tag_conflicts`` so a volunteer can fix OSM; we never merge
contradicting ids silently.

Length: geodesic on the WGS84 mean radius (haversine, 6 371 008.8 m), which
agrees with pyproj.Geod to well under 0.5 % at street scale. A square's
geometry is its outline as a line, so its "length" is its perimeter.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import overpy

from app.domain import Area, Line, Street, is_qid, normalise_name
from app.osm.tags import (
    ETYMOLOGY_TEXT,
    ETYMOLOGY_WIKIDATA,
    INHERITED_KEYS,
    STREET_MEMBER_ROLES,
    SUBJECT_WIKIDATA,
    WIKIDATA,
    is_square,
    is_street_relation,
    is_street_way,
)
from app.queries import load_query, render

NEAR_M = 150.0
EARTH_RADIUS_M = 6_371_008.8
#: Overpass's own time limit (seconds); below the HTTP layer's default 180 s so
#: the server gives up first and says why (a runtime remark we can retry).
STREETS_QUERY_TIMEOUT = 170
AREA_ID_OFFSET = 3_600_000_000
_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180.0


@dataclass
class OsmWay:
    id: int
    tags: dict[str, str]
    coords: list[tuple[float, float]]  # (lon, lat)
    node_ids: list[int] | None = None  # same length as coords when known


@dataclass
class OsmRelation:
    id: int
    tags: dict[str, str]
    member_way_ids: list[int] = field(default_factory=list)  # ways with a street role


# --- sources -----------------------------------------------------------------


def streets_query(area: Area, timeout: int = STREETS_QUERY_TIMEOUT) -> str:
    if area.osm_type != "relation":
        raise ValueError(f"streets are fetched for boundary relations, not {area.osm_ref}")
    return render(
        load_query("streets.overpassql"), area_id=AREA_ID_OFFSET + int(area.osm_id), timeout=int(timeout)
    )


def fetch_streets(client, area: Area) -> list[Street]:
    """The streets of an area, from Overpass (``client``: an OverpassClient)."""
    data = client.raw(streets_query(area))
    ways, relations = elements_from_overpass(data)
    return assemble_streets(ways, relations)


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


# --- assembly ------------------------------------------------------------------


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if ra < rb:
            self.parent[rb] = ra
        else:
            self.parent[ra] = rb
        return True


def way_lengths(ways: list[OsmWay]) -> list[float]:
    """Geodesic length (m) of each way, vectorised over all coordinates at once."""
    counts = np.fromiter((len(w.coords) for w in ways), dtype=np.int64, count=len(ways))
    total = int(counts.sum())
    if total == 0:
        return [0.0] * len(ways)
    flat = np.fromiter(
        (v for w in ways for pt in w.coords for v in pt), dtype=np.float64, count=2 * total
    ).reshape(-1, 2)
    lon = np.radians(flat[:, 0])
    lat = np.radians(flat[:, 1])
    dlat = lat[1:] - lat[:-1]
    dlon = lon[1:] - lon[:-1]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    seg = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    # Segment i joins point i and i+1; drop those that join the last point of a way to the next way.
    ends = np.cumsum(counts) - 1
    seg = np.append(seg, 0.0)
    seg[ends[counts > 0]] = 0.0
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sums = np.add.reduceat(seg, np.minimum(starts, total - 1))
    return [float(s) if c > 1 else 0.0 for s, c in zip(sums, counts)]


def line_length_m(coords: Line) -> float:
    """Geodesic length of one line (haversine)."""
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(coords, coords[1:]):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
        total += 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
    return total


def _effective_tags(way: OsmWay, rels: list[OsmRelation] | None, notes: list[str]) -> dict[str, str]:
    if not rels:
        return way.tags
    tags = dict(way.tags)
    for rel in rels:
        for key, value in rel.tags.items():
            if not (key in INHERITED_KEYS or (key.startswith("name:") and not key.startswith("name:etymology"))):
                continue
            mine = tags.get(key)
            if mine is None:
                tags[key] = value
            elif key not in INHERITED_KEYS or key == "name":
                continue  # a member with its own spelling (of the name, in a language) keeps it
            elif _tag_value_key(key, mine) != _tag_value_key(key, value):
                notes.append(f"{key}: way/{way.id} says {mine}, its relation/{rel.id} says {value}; kept the way's")
    return tags


def _tag_value_key(key: str, value: str) -> Any:
    if key in (ETYMOLOGY_WIKIDATA, SUBJECT_WIKIDATA):
        return tuple(sorted({v.strip().upper() for v in value.split(";") if v.strip()}))
    if key == WIKIDATA:
        return value.strip().upper()
    return value.strip()


def assemble_streets(
    ways: Iterable[OsmWay], relations: Iterable[OsmRelation] = (), *, near_m: float = NEAR_M
) -> list[Street]:
    """Group ways into streets (see the module doc); the order is by key for stable output."""
    street_rels: dict[int, list[OsmRelation]] = defaultdict(list)
    for rel in relations:
        if is_street_relation(rel.tags):
            for wid in dict.fromkeys(rel.member_way_ids):
                street_rels[wid].append(rel)

    kept: list[OsmWay] = []
    kept_tags: list[dict[str, str]] = []
    kept_notes: list[list[str]] = []
    seen: set[int] = set()
    for way in ways:
        # A way can come twice (as a named way and as a relation member): count it once.
        if way.id in seen or len(way.coords) < 2:
            continue
        seen.add(way.id)
        notes: list[str] = []
        tags = _effective_tags(way, street_rels.get(way.id), notes)
        if not tags.get("name", "").strip() or not is_street_way(tags):
            continue
        kept.append(way)
        kept_tags.append(tags)
        kept_notes.append(notes)

    lengths = way_lengths(kept)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, tags in enumerate(kept_tags):
        groups[normalise_name(tags["name"])].append(i)

    uf = _UnionFind(len(kept))
    for members in groups.values():
        if len(members) > 1:
            _connect(members, kept, uf, street_rels, near_m)

    components: dict[int, list[int]] = defaultdict(list)
    for members in groups.values():
        for i in members:
            components[uf.find(i)].append(i)

    streets = [_street(sorted(m, key=lambda i: kept[i].id), kept, kept_tags, kept_notes, lengths, street_rels)
               for m in components.values()]
    streets.sort(key=lambda s: (int(s.key[1:]), s.key))
    return streets


def _connect(members: list[int], ways: list[OsmWay], uf: _UnionFind, street_rels, near_m: float) -> None:
    # 1. Shared nodes and shared street relations: cheap and exact.
    owner: dict[tuple[str, int], int] = {}
    for i in members:
        w = ways[i]
        for rel in street_rels.get(w.id, ()):
            j = owner.setdefault(("r", rel.id), i)
            if j != i:
                uf.union(i, j)
        for n in w.node_ids or ():
            j = owner.setdefault(("n", n), i)
            if j != i:
                uf.union(i, j)
    roots = {uf.find(i) for i in members}
    if len(roots) == 1:
        return
    # 2. Proximity between the pieces left. Homonyms are usually far apart, so
    #    first compare the pieces' bounding boxes (grown by near_m) and only look
    #    at vertices of pieces whose boxes meet, on a grid of cells >= near_m wide.
    max_lat = min(89.0, max(abs(lat) for i in members for _, lat in ways[i].coords))
    cell_lat = near_m / _M_PER_DEG
    cell_lon = near_m / (_M_PER_DEG * math.cos(math.radians(max_lat)))
    boxes: dict[int, list[float]] = {}
    for i in members:
        lons = [p[0] for p in ways[i].coords]
        lats = [p[1] for p in ways[i].coords]
        box = boxes.setdefault(uf.find(i), [math.inf, math.inf, -math.inf, -math.inf])
        box[0], box[1] = min(box[0], min(lons)), min(box[1], min(lats))
        box[2], box[3] = max(box[2], max(lons)), max(box[3], max(lats))
    items = list(boxes.items())
    close: set[int] = set()
    for a in range(len(items)):
        ra, (x0, y0, x1, y1) = items[a]
        for b in range(a + 1, len(items)):
            rb, (u0, v0, u1, v1) = items[b]
            if u0 <= x1 + cell_lon and x0 <= u1 + cell_lon and v0 <= y1 + cell_lat and y0 <= v1 + cell_lat:
                close.update((ra, rb))
    if not close:
        return
    grid: dict[tuple[int, int], list[tuple[int, float, float]]] = defaultdict(list)
    near2 = near_m * near_m
    for i in members:
        if uf.find(i) not in close:
            continue
        for lon, lat in ways[i].coords:
            cx, cy = math.floor(lon / cell_lon), math.floor(lat / cell_lat)
            root_i = uf.find(i)
            coslat = math.cos(math.radians(lat))
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for j, lon2, lat2 in grid.get((cx + dx, cy + dy), ()):
                        if uf.find(j) == root_i:
                            continue
                        ex = (lon2 - lon) * coslat * _M_PER_DEG
                        ey = (lat2 - lat) * _M_PER_DEG
                        if ex * ex + ey * ey <= near2:
                            uf.union(i, j)
                            root_i = uf.find(i)
            grid[(cx, cy)].append((i, lon, lat))


def _street(members, ways, tags_of, notes_of, lengths, street_rels) -> Street:
    first = ways[members[0]]
    conflicts: list[str] = []
    for i in members:
        conflicts.extend(notes_of[i])

    def pick(key: str, normalise=None) -> str | None:
        """The value of ``key`` on the greatest length; a disagreement becomes a note."""
        by_value: dict[Any, list[int]] = {}
        for i in members:
            value = tags_of[i].get(key)
            if value is None or not value.strip():
                continue
            k = normalise(key, value) if normalise else value
            by_value.setdefault(k, []).append(i)
        if not by_value:
            return None
        # members are sorted by way id, so on equal length the first-seen (lowest id) wins
        ranked = sorted(by_value.values(), key=lambda idx: -sum(lengths[i] for i in idx))
        chosen = ranked[0]
        if len(ranked) > 1 and normalise is not None:
            parts = [
                f"{tags_of[idx[0]][key]} on " + ", ".join(f"way/{ways[i].id}" for i in idx) for idx in ranked
            ]
            conflicts.append(f"{key} differs between segments: {' vs '.join(parts)}; kept {tags_of[chosen[0]][key]}")
        return tags_of[chosen[0]][key]

    name = pick("name") or first.tags.get("name", "")
    names: dict[str, str] = {}
    lang_keys = sorted({k for i in members for k in tags_of[i] if k.startswith("name:") and _is_lang_key(k)})
    for key in lang_keys:
        value = pick(key)
        if value:
            names[key[5:]] = value

    etymology_ids: list[str] = []
    for key in (ETYMOLOGY_WIKIDATA, SUBJECT_WIKIDATA):
        value = pick(key, _tag_value_key)
        for raw in (value or "").split(";"):
            qid = raw.strip().upper()
            if not qid:
                continue
            if is_qid(qid):
                if qid not in etymology_ids:
                    etymology_ids.append(qid)
            else:
                conflicts.append(f"{key}: {raw.strip()!r} is not a Wikidata id (ignored)")
    wikidata = pick(WIKIDATA, _tag_value_key)
    if wikidata is not None:
        wikidata = wikidata.strip().upper()
        if not is_qid(wikidata):
            conflicts.append(f"wikidata: {wikidata!r} is not a Wikidata id (ignored)")
            wikidata = None
    etymology_text = pick(ETYMOLOGY_TEXT, _tag_value_key)

    rel_ids = sorted({rel.id for i in members for rel in street_rels.get(ways[i].id, ())})
    kind = "square" if any(
        is_square(tags_of[i], ways[i].coords[0] == ways[i].coords[-1] and len(ways[i].coords) > 3) for i in members
    ) else "street"
    return Street(
        key=f"w{first.id}",
        name=name.strip(),
        osm_ids=[f"way/{ways[i].id}" for i in members] + [f"relation/{r}" for r in rel_ids],
        lines=[list(ways[i].coords) for i in members],
        length_m=round(sum(lengths[i] for i in members), 1),
        kind=kind,
        names=names,
        etymology_ids=etymology_ids,
        etymology_text=etymology_text,
        wikidata=wikidata,
        tag_conflicts=conflicts,
    )


def _is_lang_key(key: str) -> bool:
    # name:es, name:pt-BR, name:zh-Hant; not name:etymology, name:left, name:prefix...
    sub = key[5:]
    head = sub.split("-")[0]
    return 2 <= len(head) <= 3 and head.isalpha() and head.islower()
