"""Streets from an .osm.pbf extract (offline / bulk source), with pyosmium.

Gives the same OsmWay/OsmRelation values as the Overpass path and the same
assembly, so ``streets_from_pbf`` and ``fetch_streets`` agree for one city.
The tag rules are app/osm/tags.py, the ones the Overpass query mirrors.

Two passes over the file: relations first (the boundary's member ways, the
street relations and their members must be known before the ways go by), then
nodes and ways with node locations. The boundary polygon is built with
shapely from the relation's outer/inner member ways; a way belongs to the area
when it intersects the polygon (Overpass's ``(area.a)`` keeps ways with any
part inside too).

Extracts are often cut at a bounding box, so a boundary relation may miss
member ways: then BoundaryIncomplete says so and the caller can pass an
explicit ``boundary`` polygon (e.g. the extract's bbox) instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import osmium
import osmium.filter
import shapely
from shapely.geometry import LineString, Polygon
from shapely.ops import polygonize_full, unary_union

from app.domain import Area, Street, is_qid
from app.osm.area import country_code_from_tags
from app.osm.elements import OsmRelation, OsmWay
from app.osm.streets import assemble_streets
from app.osm.tags import STREET_MEMBER_ROLES, is_street_relation, is_street_way


class BoundaryIncomplete(ValueError):
    """The extract does not hold the whole boundary of the relation."""


@dataclass
class BoundaryRelation:
    id: int
    tags: dict[str, str]
    outer: list[int] = field(default_factory=list)
    inner: list[int] = field(default_factory=list)


@dataclass
class _Scan:
    boundaries: dict[int, BoundaryRelation] = field(default_factory=dict)  # the ones asked for, by relation id
    countries: list[BoundaryRelation] = field(default_factory=list)
    street_relations: list[OsmRelation] = field(default_factory=list)
    way_coords: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # boundary member ways
    ways: list[OsmWay] = field(default_factory=list)  # street candidates

    @property
    def target(self) -> BoundaryRelation | None:
        """The one boundary asked for, in single-area scans."""
        return next(iter(self.boundaries.values()), None)


def _tags(obj) -> dict[str, str]:
    return {t.k: t.v for t in obj.tags}


def _is_country(tags) -> bool:
    return tags.get("admin_level") == "2" and tags.get("boundary") == "administrative"


def scan_extract(
    path: Path | str,
    relation_id: int | None = None,
    *,
    countries: bool,
    streets: bool,
    wanted: Callable[[int, object], bool] | None = None,
) -> _Scan:
    """Read the extract: the boundaries asked for (``relation_id``, or every relation ``wanted(id, tags)``
    accepts), the countries if ``countries``, and the street candidates if ``streets``."""
    path = str(path)
    scan = _Scan()
    if wanted is None:
        wanted = lambda rid, _tags: rid == relation_id  # noqa: E731
    # Pass 1: relations.
    for rel in osmium.FileProcessor(path, osmium.osm.RELATION):
        tags = rel.tags
        is_wanted = wanted(rel.id, tags)
        if is_wanted or (countries and _is_country(tags)):
            b = BoundaryRelation(rel.id, _tags(rel))
            for m in rel.members:
                if m.type == "w":
                    (b.inner if m.role == "inner" else b.outer).append(m.ref)
            if is_wanted:
                scan.boundaries[rel.id] = b
            if countries and _is_country(tags) and rel.id != relation_id:
                scan.countries.append(b)
        elif streets and tags.get("type") in ("associatedStreet", "street"):
            t = _tags(rel)
            if is_street_relation(t):
                members = [m.ref for m in rel.members if m.type == "w" and m.role in STREET_MEMBER_ROLES]
                scan.street_relations.append(OsmRelation(rel.id, t, members))
    if relation_id is not None and relation_id not in scan.boundaries:
        raise LookupError(f"relation {relation_id} is not in {path}")

    wanted_geometry: set[int] = set()
    for b in [*scan.boundaries.values(), *scan.countries]:
        wanted_geometry.update(b.outer)
        wanted_geometry.update(b.inner)
    street_members = {wid for r in scan.street_relations for wid in r.member_way_ids}

    # Pass 2: ways, with the locations of their nodes. The nodes are only stored for their locations:
    # filtered out before they reach Python (most of a file's objects are nodes).
    reader = osmium.FileProcessor(path, osmium.osm.NODE | osmium.osm.WAY).with_locations()
    for way in reader.with_filter(osmium.filter.EntityFilter(osmium.osm.WAY)):
        wid = way.id
        if wid in wanted_geometry:
            scan.way_coords[wid] = [(n.lon, n.lat) for n in way.nodes if n.location.valid()]
        if not streets:
            continue
        tags = way.tags
        if "highway" not in tags and "place" not in tags:
            continue
        if "name" not in tags and wid not in street_members:
            continue
        t = _tags(way)
        if not is_street_way(t):
            continue
        coords, nodes = [], []
        for n in way.nodes:
            if n.location.valid():
                coords.append((n.lon, n.lat))
                nodes.append(n.ref)
        if len(coords) >= 2:
            scan.ways.append(OsmWay(wid, t, coords, nodes))
    return scan


def boundary_polygon(b: BoundaryRelation, way_coords: dict[int, list[tuple[float, float]]]):
    missing = [w for w in b.outer + b.inner if len(way_coords.get(w, ())) < 2]
    if missing:
        raise BoundaryIncomplete(
            f"relation {b.id}: {len(missing)} of {len(b.outer) + len(b.inner)} boundary ways are missing from the extract"
        )
    if not b.outer:
        raise BoundaryIncomplete(f"relation {b.id} has no outer ways")

    def faces(ids: list[int]):
        polygons, _cuts, dangles, invalid = polygonize_full([LineString(way_coords[w]) for w in ids])
        if not dangles.is_empty or not invalid.is_empty:
            raise BoundaryIncomplete(f"relation {b.id}: the boundary ways do not close into rings")
        return unary_union(list(polygons.geoms))

    shape = faces(b.outer)
    if b.inner:
        shape = shape.difference(faces(b.inner))
    if shape.is_empty:
        raise BoundaryIncomplete(f"relation {b.id}: the boundary encloses nothing")
    return shape


def boundary_from_pbf(path: Path | str, relation_id: int):
    """The (Multi)Polygon of a boundary relation; BoundaryIncomplete when the extract cuts it."""
    scan = scan_extract(path, relation_id, countries=False, streets=False)
    return boundary_polygon(scan.target, scan.way_coords)


def read_area_from_pbf(path: Path | str, relation_id: int) -> Area:
    """The Area of a boundary relation, its tags and country taken from the extract.

    Country: the relation's own ISO3166 tags; else the admin_level=2 boundary in
    the extract whose polygon contains this one's representative point; else,
    when the extract holds exactly one country with an ISO code (the usual
    single-country extract), that one even if its boundary is cut off.
    """
    scan = scan_extract(path, relation_id, countries=True, streets=False)
    return area_of_boundary(scan.target, scan, ExtractCountries(scan))


class ExtractCountries:
    """The extract's countries with an ISO code, their polygons built once (a region asks many times)."""

    def __init__(self, scan: _Scan):
        self.scan = scan
        self.with_code = [c for c in scan.countries if country_code_from_tags(c.tags)]
        self._shapes: dict[int, object] = {}

    def containing(self, point) -> BoundaryRelation | None:
        for candidate in self.with_code:
            if point is None:
                break
            if candidate.id not in self._shapes:
                try:
                    self._shapes[candidate.id] = boundary_polygon(candidate, self.scan.way_coords)
                except BoundaryIncomplete:
                    self._shapes[candidate.id] = None
            shape = self._shapes[candidate.id]
            if shape is not None and shape.contains(point):
                return candidate
        return self.with_code[0] if len(self.with_code) == 1 else None


def area_of_boundary(boundary: BoundaryRelation, scan: _Scan, countries: ExtractCountries, shape=None) -> Area:
    """The Area of a boundary read from the extract (``shape``: its polygon, when already built)."""
    tags = boundary.tags
    code = country_code_from_tags(tags)
    country: BoundaryRelation | None = None
    if tags.get("admin_level") != "2":
        if shape is None:
            try:
                shape = boundary_polygon(boundary, scan.way_coords)
            except BoundaryIncomplete:
                shape = None
        country = countries.containing(shape.representative_point() if shape is not None else None)
        if country is None and len(countries.with_code) == 1:
            country = countries.with_code[0]
    if code is None and country is not None:
        code = country_code_from_tags(country.tags)
    try:
        level = int(tags.get("admin_level", ""))
    except ValueError:
        level = None
    wikidata = tags.get("wikidata")
    return Area(
        osm_type="relation",
        osm_id=boundary.id,
        name=tags.get("name") or f"relation {boundary.id}",
        admin_level=level,
        country_code=code,
        wikidata=wikidata if is_qid(wikidata or "") else None,
        parent=country.tags.get("name") if country else None,
    )


def streets_from_pbf(path: Path | str, area: Area, *, boundary=None) -> list[Street]:
    """The streets of ``area`` found in the extract (see the module doc).

    ``boundary``: a shapely polygon to use instead of the relation's own (for
    extracts that cut the boundary). ``area`` must then still name the relation
    only for reporting; it need not be in the file.
    """
    scan = scan_extract(path, None if boundary is not None else area.osm_id, countries=False, streets=True)
    if boundary is None:
        boundary = boundary_polygon(scan.target, scan.way_coords)
    ways = [w for w, inside in zip(scan.ways, intersects_boundary(boundary, scan.ways)) if inside]
    return assemble_streets(ways, scan.street_relations)


def intersects_boundary(boundary, ways: list[OsmWay]) -> np.ndarray:
    if not ways:
        return np.zeros(0, dtype=bool)
    shapely.prepare(boundary)
    counts = np.fromiter((len(w.coords) for w in ways), dtype=np.int64, count=len(ways))
    coords = np.array([pt for w in ways for pt in w.coords], dtype=np.float64)
    lines = shapely.linestrings(coords, indices=np.repeat(np.arange(len(ways)), counts))
    return shapely.intersects(boundary, lines)


def way_lines(path: Path | str, classify: Callable[[object], str | None],
              keys: tuple[str, ...]) -> list[tuple[str, list[tuple[float, float]]]]:
    """Every way of the extract holding one of ``keys`` that ``classify(tags)`` gives a class, with the
    class and its coordinates (one pass, with node locations): the offline background's other ways."""
    found = []
    for way in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if not way.is_way():
            continue
        tags = way.tags
        if not any(key in tags for key in keys):
            continue
        kind = classify(tags)
        if kind is None:
            continue
        coords = [(n.lon, n.lat) for n in way.nodes if n.location.valid()]
        if len(coords) >= 2:
            found.append((kind, coords))
    return found


def bbox_polygon(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> Polygon:
    """A rectangle to use as ``boundary`` when an extract lacks the area's relation."""
    return shapely.box(min_lon, min_lat, max_lon, max_lat)
