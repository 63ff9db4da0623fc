"""Every municipality of a region, and each street given to the one municipality that holds it.

A region is read from an ``.osm.pbf`` extract in one scan (app/osm/pbf.py: a pass over the
relations, then one over nodes and ways): every administrative boundary of the municipal level
(``admin_level``, 8 by default) whose polygon lies inside the ``within`` boundary, when given,
and every named street of the extract. The streets are assembled once for the whole region
(app/osm/streets.py), so a street that runs on across a municipal border is one street, and
then each street goes to the municipality holding most of its length. The boundaries sit in a
shapely STRtree, so finding a street's municipality costs a tree lookup, not a test against
every boundary; the exact share of length is computed only for streets near a border.

Small regions can come from Overpass instead (``region_from_overpass``): the boundaries in one
request, then each municipality's streets, one request after the other; the streets are then
assembled and given out exactly as from an extract.

Shares of length are measured in degrees with longitude scaled by the cosine of the latitude,
which is exact enough for comparing the pieces of one street (they lie within a few kilometres).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from app.collector import collector_paused
from app.domain import Area, Street, is_qid
from app.osm.area import country_code_from_tags
from app.osm.pbf import (
    BoundaryIncomplete,
    BoundaryRelation,
    ExtractCountries,
    area_of_boundary,
    boundary_polygon,
    intersects_boundary,
    scan_extract,
)
from app.osm.elements import OsmRelation, OsmWay, elements_from_overpass
from app.osm.streets import AREA_ID_OFFSET, assemble_streets, streets_query
from app.queries import load_query, render

#: A municipality holding less than this share of a street's length is not worth mentioning.
MIN_BORDER_SHARE = 0.01


@dataclass
class Municipality:
    area: Area
    shape: object  # shapely (Multi)Polygon of its boundary
    streets: list[Street] = field(default_factory=list)


@dataclass
class RegionStreets:
    """What one scan of an extract found for a region."""

    region: Area | None  # the ``within`` boundary, when given
    municipalities: list[Municipality]
    #: street key -> [(municipality relation id, share of the street's length)], largest first,
    #: for streets that cross a municipal border.
    borders: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    #: Named streets of the region that lie in no municipality (gaps between boundaries).
    outside: int = 0
    #: Boundaries the extract cuts (missing member ways), left out with the reason.
    skipped: list[str] = field(default_factory=list)


def _level(tags) -> str | None:
    return tags.get("admin_level") if tags.get("boundary") == "administrative" else None


def region_from_pbf(path: Path | str, *, admin_level: int = 8, within: int | None = None) -> RegionStreets:
    """The municipalities of the extract (inside ``within``, a relation id) with their streets."""
    # Reading builds millions of small objects that all live on and no reference cycles.
    with collector_paused(collect_after=False):
        return _region_from_pbf(path, admin_level, within)


def _region_from_pbf(path: Path | str, admin_level: int, within: int | None) -> RegionStreets:
    level = str(int(admin_level))

    def wanted(rid: int, tags) -> bool:
        return rid == within or _level(tags) == level

    scan = scan_extract(path, within, countries=True, streets=True, wanted=wanted)
    countries = ExtractCountries(scan)
    region_area = region_shape = None
    skipped: list[str] = []
    if within is not None:
        region_boundary = scan.boundaries.pop(within)
        try:
            region_shape = boundary_polygon(region_boundary, scan.way_coords)
            shapely.prepare(region_shape)
        except BoundaryIncomplete as exc:
            # An extract cut to the region often cuts the region's own boundary (a country's surely):
            # it still names the region, and the extract's whole municipalities are its municipalities.
            skipped.append(f"{region_boundary.tags.get('name') or within}: {exc}; every whole boundary of "
                           f"admin_level {level} in the extract is counted as one of its municipalities")
        region_area = area_of_boundary(region_boundary, scan, countries, region_shape)

    municipalities: list[Municipality] = []
    for rid in sorted(scan.boundaries):
        boundary = scan.boundaries[rid]
        try:
            shape = boundary_polygon(boundary, scan.way_coords)
        except BoundaryIncomplete as exc:
            if region_shape is None:
                skipped.append(f"{boundary.tags.get('name') or rid}: {exc}")
            continue  # with ``within``, a cut boundary is most likely a neighbour outside the region
        if region_shape is not None and not region_shape.contains(shape.representative_point()):
            continue
        area = area_of_boundary(boundary, scan, countries, shape)
        if region_area is not None:  # "Provincia, País": tells homonymous towns apart
            area.parent = ", ".join(p for p in (region_area.name, area.parent) if p)
        municipalities.append(Municipality(area, shape))
    scan.way_coords.clear()  # the boundaries are polygons now: keep them once

    ways = scan.ways
    if region_shape is not None:
        ways = [w for w, inside in zip(ways, intersects_boundary(region_shape, ways)) if inside]
    scan.ways = []
    return distribute(region_area, municipalities, ways, scan.street_relations, skipped)


def distribute(region: Area | None, municipalities: list[Municipality], ways: list[OsmWay],
               relations: list[OsmRelation], skipped: list[str]) -> RegionStreets:
    """Assemble the region's streets at once and give each to its municipality (``assign_streets``)."""
    streets = assemble_streets(ways, relations)
    ways.clear()
    result = RegionStreets(region, municipalities, skipped=skipped)
    owners, result.borders = assign_streets(streets, [m.shape for m in municipalities])
    ids = [m.area.osm_id for m in municipalities]
    result.borders = {key: [(ids[i], s) for i, s in shares] for key, shares in result.borders.items()}
    for street, owner in zip(streets, owners):
        if owner is None:
            result.outside += 1
        else:
            municipalities[owner].streets.append(street)
    return result


def street_geometries(streets: list[Street]) -> np.ndarray:
    """One shapely MultiLineString per street, built in a few vectorised calls."""
    lines = [line for street in streets for line in street.lines]
    line_owner = np.repeat(np.arange(len(streets)), [len(s.lines) for s in streets])
    counts = np.fromiter((len(line) for line in lines), dtype=np.int64, count=len(lines))
    coords = np.array([pt for line in lines for pt in line], dtype=np.float64).reshape(-1, 2)
    linestrings = shapely.linestrings(coords, indices=np.repeat(np.arange(len(lines)), counts))
    return shapely.multilinestrings(linestrings, indices=line_owner)


def assign_streets(streets: list[Street], shapes: list) -> tuple[list[int | None], dict[str, list[tuple[int, float]]]]:
    """Each street's municipality (an index into ``shapes``, None when it lies in none), and for
    streets crossing a border the share of length each municipality holds, largest first.

    A street touching only one boundary goes to it without measuring anything; a street touching
    several goes to the one holding most of its length (ties: the first shape).
    """
    owners: list[int | None] = [None] * len(streets)
    borders: dict[str, list[tuple[int, float]]] = {}
    if not streets or not shapes:
        return owners, borders
    geometries = street_geometries(streets)
    tree = shapely.STRtree(shapes)
    for shape in shapes:
        shapely.prepare(shape)
    street_idx, shape_idx = tree.query(geometries, predicate="intersects")
    hits = np.bincount(street_idx, minlength=len(streets))
    single = hits[street_idx] == 1
    for s, m in zip(street_idx[single].tolist(), shape_idx[single].tolist()):
        owners[s] = m
    several = ~single
    if several.any():
        s_idx, m_idx = street_idx[several], shape_idx[several]
        pieces = shapely.intersection(geometries[s_idx], np.asarray(shapes, dtype=object)[m_idx])
        lengths = _scaled_lengths(pieces)
        by_street: dict[int, list[tuple[int, float]]] = {}
        for s, m, length in zip(s_idx.tolist(), m_idx.tolist(), lengths.tolist()):
            by_street.setdefault(s, []).append((m, length))
        for s, parts in by_street.items():
            parts.sort(key=lambda part: (-part[1], part[0]))
            owners[s] = parts[0][0]
            total = sum(length for _, length in parts)
            shares = [(m, round(length / total, 3)) for m, length in parts if total and length / total >= MIN_BORDER_SHARE]
            if len(shares) > 1:
                borders[streets[s].key] = shares
    return owners, borders


def _scaled_lengths(geometries: np.ndarray) -> np.ndarray:
    """Lengths with longitudes scaled by cos(latitude) at each piece's centre (see the module doc)."""
    lengths = np.zeros(len(geometries))
    for i, geometry in enumerate(geometries):
        if geometry is None or geometry.is_empty:
            continue
        lat = geometry.centroid.y
        scale = np.cos(np.radians(lat))
        lengths[i] = shapely.transform(geometry, lambda xy, k=scale: xy * [k, 1.0]).length
    return lengths


# --- the same through Overpass, for small regions ---------------------------------------------------------

#: More municipalities than this are not fetched from Overpass one by one: use an extract.
MAX_OVERPASS_MUNICIPALITIES = 40
#: Overpass's own time limit for the boundaries query (seconds).
BOUNDARIES_QUERY_TIMEOUT = 120


class RegionTooLarge(ValueError):
    """The region is too big to ask Overpass for municipality by municipality."""


def municipalities_query(region: Area, admin_level: int, timeout: int = BOUNDARIES_QUERY_TIMEOUT) -> str:
    if region.osm_type != "relation":
        raise ValueError(f"a region is a boundary relation, not {region.osm_ref}")
    return render(load_query("region_municipalities.overpassql"), area_id=AREA_ID_OFFSET + int(region.osm_id),
                  admin_level=int(admin_level), timeout=int(timeout))


def region_from_overpass(client, region: Area, *, admin_level: int = 8, progress=None,
                         max_municipalities: int = MAX_OVERPASS_MUNICIPALITIES) -> RegionStreets:
    """The municipalities of a region and their streets from Overpass: one request for the
    boundaries, then one per municipality, one after the other (the client's retry policy
    applies to each). A region of more than ``max_municipalities`` is refused before any
    street is asked for."""
    if region.admin_level is not None and region.admin_level <= 2:
        raise RegionTooLarge(f"{region.name} is a whole country: analyse it from an extract "
                             "(whose-streets analyze-region FILE.osm.pbf)")
    data = client.raw(municipalities_query(region, admin_level))
    boundaries, way_coords = [], {}
    for el in data.get("elements", ()):
        if el.get("type") != "relation":
            continue
        boundary = BoundaryRelation(int(el["id"]), dict(el.get("tags") or {}))
        for member in el.get("members", ()):
            if member.get("type") != "way":
                continue
            (boundary.inner if member.get("role") == "inner" else boundary.outer).append(member["ref"])
            way_coords[member["ref"]] = [(p["lon"], p["lat"]) for p in member.get("geometry") or () if p]
        if boundary.id != region.osm_id:
            boundaries.append(boundary)
    if len(boundaries) > max_municipalities:
        raise RegionTooLarge(
            f"{region.name} has {len(boundaries)} boundaries of admin_level {admin_level}: more than "
            f"{max_municipalities} is too many to ask Overpass for one by one. Analyse it from an extract "
            f"(whose-streets analyze-region FILE.osm.pbf --within {region.osm_ref})")
    municipalities, skipped = [], []
    for boundary in sorted(boundaries, key=lambda b: b.id):
        try:
            shape = boundary_polygon(boundary, way_coords)
        except BoundaryIncomplete as exc:
            skipped.append(f"{boundary.tags.get('name') or boundary.id}: {exc}")
            continue
        tags = boundary.tags
        wikidata = tags.get("wikidata")
        municipalities.append(Municipality(Area(
            osm_type="relation", osm_id=boundary.id, name=tags.get("name") or f"relation {boundary.id}",
            admin_level=int(admin_level), country_code=country_code_from_tags(tags) or region.country_code,
            wikidata=wikidata if is_qid(wikidata or "") else None,
            parent=", ".join(p for p in (region.name, region.parent) if p)), shape))
    ways: dict[int, OsmWay] = {}
    relations: dict[int, OsmRelation] = {}
    for done, municipality in enumerate(municipalities):
        if progress:
            progress("OpenStreetMap: fetching streets", done, len(municipalities))
        found_ways, found_relations = elements_from_overpass(client.raw(streets_query(municipality.area)))
        for way in found_ways:
            ways.setdefault(way.id, way)  # a way on a border comes with both municipalities
        for relation in found_relations:
            relations.setdefault(relation.id, relation)
    return distribute(region, municipalities, list(ways.values()), list(relations.values()), skipped)
