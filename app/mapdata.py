"""The data the city map draws, built once per revision and kept in the store, ready before any visitor.

Draw first, explain on demand. The map needs, per street, its geometry, category, display name and the
one flag that styles it (dashed: a namesake without an article in the city's language), nothing more.
Everything a popup shows (namesakes, years, picture, links, evidence) is fetched when the popup opens,
from ``/cities/<slug>/streets/<key>.json`` (``street_facts``), cached by revision. Measured on Madrid
(10,321 ways) the popup facts would add about as many compressed bytes as the geometry itself, while a
visitor opens a handful of popups (see benchmarks/bench_map_transfer.py).

The map data is columnar JSON (one array per property, one entry per street) with the geometry as
Google encoded polylines (the ``polyline`` package): coordinates quantised to ``DECIMALS`` decimals
(about a metre, the precision of a street at the map's highest zoom) and each point stored as its
difference from the previous one, a few characters per point. static/js/citymap.js decodes it.
The plain, full-precision GeoJSON stays the download (app.exports).

Built at the end of each analysis and after each review (``prepare_map_data``), stored gzip-compressed
in the ``map_data`` table under the city's revision (app.store.records.AnalysedArea.revision): a page never builds it
while a visitor waits, unless the store predates this table or the build failed.
"""
from __future__ import annotations

import gzip
import json
import logging
from dataclasses import dataclass

import polyline
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain import CATEGORIES
from app.domain import pick_text
from app.exports import street_record
from app.store import Store
from app.store.records import AnalysedArea, find_analysed_area
from app.store.models import AreaRow, MapDataRow, NamesakeRow, StreetNamesakeRow, StreetRow, utcnow

SIMPLIFY_TOLERANCE = 1e-5  # degrees: about a metre, invisible at the highest street zoom
DECIMALS = 5  # about a metre too
#: Part of the ETag: bump when the shape of the map data changes.
FORMAT_VERSION = 2
#: Bit flags of a street on the map (``flags`` column).
FLAG_NO_ARTICLE = 1
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0; Wikidata, CC0"
HUMAN_KINDS = ("human", "fictional")

log = logging.getLogger(__name__)


# --- geometry ------------------------------------------------------------------------------------------


def simplify_line(points: list, tolerance: float = SIMPLIFY_TOLERANCE, decimals: int = DECIMALS) -> list:
    """Douglas-Peucker (shapely) then rounding; consecutive points made equal by rounding are dropped."""
    import numpy as np
    import shapely

    coords = np.asarray(points, dtype=float)[:, :2]
    if len(coords) > 2:
        simplified = shapely.simplify(shapely.linestrings(coords), tolerance, preserve_topology=False)
        if not shapely.is_empty(simplified):
            coords = shapely.get_coordinates(simplified)
    out: list[list[float]] = []
    for lon, lat in coords.tolist():
        point = [round(lon, decimals), round(lat, decimals)]  # Python's round: shortest JSON numbers
        if not out or out[-1] != point:
            out.append(point)
    if len(out) == 1:
        out.append(list(out[0]))  # a line needs two positions, even a tiny one
    return out


def simplify_multiline(lines: list) -> list:
    """Every line of a street simplified (lines of fewer than two points dropped)."""
    return [simplify_line(line) for line in lines or [] if len(line) >= 2]


def encode_lines(lines: list, decimals: int = DECIMALS) -> list[str]:
    """A street's simplified lines as encoded polylines (lon/lat order in, the format's lat/lon inside)."""
    return [polyline.encode([(lon, lat) for lon, lat in line], decimals, geojson=True) for line in lines]


def decode_lines(encoded: list[str], decimals: int = DECIMALS) -> list[list[list[float]]]:
    """The inverse of ``encode_lines``: [[lon, lat], ...] per line (for tests and the offline pack)."""
    return [[list(point) for point in polyline.decode(text, decimals, geojson=True)] for text in encoded]


# --- building ------------------------------------------------------------------------------------------


@dataclass
class MapData:
    """The map data of one revision: compressed JSON and what the page needs beside it."""

    area: AnalysedArea
    body_gzip: bytes
    bounds: list | None

    @property
    def body(self) -> bytes:
        return gzip.decompress(self.body_gzip)

    @property
    def etag(self) -> str:
        return f"run-{self.area.revision}-v{FORMAT_VERSION}"


def _people_of_run(session, run_id: int) -> dict[int, list[NamesakeRow]]:
    """Street row id -> its namesakes in order, for a whole run in one query."""
    people: dict[int, list[NamesakeRow]] = {}
    rows = session.execute(
        select(StreetNamesakeRow.street_id, NamesakeRow)
        .join(NamesakeRow, NamesakeRow.qid == StreetNamesakeRow.qid)
        .join(StreetRow, StreetRow.id == StreetNamesakeRow.street_id)
        .where(StreetRow.run_id == run_id)
        .order_by(StreetNamesakeRow.street_id, StreetNamesakeRow.position)
    )
    for street_id, namesake in rows:
        people.setdefault(street_id, []).append(namesake)
    return people


def _folded(text: str) -> str:
    from app.domain import normalise_name

    return normalise_name(text or "")


def build_map_data(store: Store, area: AnalysedArea) -> dict:
    """The columnar map data of a city's current run (a JSON-ready dict).

    ``streets`` holds one array per property, the n-th entry of each describing the n-th street:
    ``id`` (street key), ``name``, ``category`` (index into ``categories``), ``flags``
    (``FLAG_NO_ARTICLE``...), ``lines`` (encoded polylines, ``precision`` decimals). ``people`` maps a
    street's index to its namesakes' names when the street name does not already contain them, so the
    map's search finds "Artigas" on "Avenida del Libertador". ``bounds`` is [[south, west], [north, east]].
    """
    category_index = {category: i for i, category in enumerate(CATEGORIES)}
    columns = {"id": [], "name": [], "category": [], "flags": [], "lines": []}
    people_names: dict[str, str] = {}
    south = west = float("inf")
    north = east = float("-inf")
    with store.session() as session:
        people = _people_of_run(session, area.run_id)
        rows = session.execute(
            select(StreetRow.id, StreetRow.key, StreetRow.name, StreetRow.category, StreetRow.geometry,
                   StreetRow.name_part)
            .where(StreetRow.run_id == area.run_id)
            .order_by(StreetRow.name, StreetRow.id)
        )
        for index, (row_id, key, name, category, geometry, name_part) in enumerate(rows):
            lines = simplify_multiline(geometry)
            for line in lines:
                for lon, lat in line:
                    south, north = min(south, lat), max(north, lat)
                    west, east = min(west, lon), max(east, lon)
            namesakes = people.get(row_id, [])
            flags = 0
            if area.language and any(not (p.articles or {}).get(area.language)
                                     for p in namesakes if p.kind in HUMAN_KINDS):
                flags |= FLAG_NO_ARTICLE
            labels = [pick_text(p.labels, area.languages) or p.qid for p in namesakes]
            if not labels and name_part:
                labels = [name_part]
            folded_name = _folded(name)
            extra = [label for label in labels if _folded(label) not in folded_name]
            if extra:
                people_names[str(index)] = "; ".join(extra)
            columns["id"].append(key)
            columns["name"].append(name)
            columns["category"].append(category_index.get(category, category_index["unknown"]))
            columns["flags"].append(flags)
            columns["lines"].append(encode_lines(lines))
    bounds = [[south, west], [north, east]] if columns["id"] and south != float("inf") else None
    return {
        "version": FORMAT_VERSION,
        "city": area.slug,
        "run": area.run_id,
        "revision": area.revision,
        "language": area.language,
        "attribution": ATTRIBUTION,
        "precision": DECIMALS,
        "categories": list(CATEGORIES),
        "bounds": bounds,
        "streets": columns,
        "people": people_names,
    }


def map_data_bytes(data: dict) -> bytes:
    """Compact UTF-8 JSON of ``build_map_data``'s result."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def prepare_map_data(store: Store, slug: str) -> MapData:
    """Build the city's map data for its current revision and keep it in the store (gzip level 9).

    Called at the end of each analysis and after each review, so the first visitor finds it ready.
    """
    area = find_analysed_area(store, slug)
    data = build_map_data(store, area)
    body_gzip = gzip.compress(map_data_bytes(data), compresslevel=9, mtime=0)
    with store.session() as session:
        row = session.get(MapDataRow, area.id)
        if row is None:
            row = MapDataRow(area_id=area.id)
            session.add(row)
        row.revision = area.revision
        row.format = FORMAT_VERSION
        row.body = body_gzip
        row.bounds = data["bounds"]
        row.built_at = utcnow()
    return MapData(area, body_gzip, data["bounds"])


def prepare_map_data_for_area(store: Store, area_id: int) -> MapData | None:
    """``prepare_map_data`` by area id, for the end of an analysis and of a review.

    Returns None when the area has no finished run or the build failed. A failure loses nothing (the
    run or review is stored already): it is logged, and the page builds the data when first asked.
    """
    try:
        with store.session() as session:
            area = session.get(AreaRow, area_id)
            slug = area.slug if area is not None and area.current_run_id is not None else None
        return prepare_map_data(store, slug) if slug else None
    except Exception:  # noqa: BLE001 - see above
        log.exception("map data of area %s could not be prepared", area_id)
        return None


def stored_map_data(store: Store, slug: str) -> MapData:
    """The map data of the city's current revision: the stored one, or built and stored now if missing.

    Raises app.store.records.AreaNotFound for an unknown or never analysed area.
    """
    area = find_analysed_area(store, slug)
    with store.session() as session:
        row = session.get(MapDataRow, area.id)
        if row is not None and row.revision == area.revision and row.format == FORMAT_VERSION:
            return MapData(area, row.body, row.bounds)
    return prepare_map_data(store, slug)


# --- popup facts on demand -----------------------------------------------------------------------------


def street_facts(store: Store, area: AnalysedArea, key: str) -> dict | None:
    """What a street's popup shows: the CSV's facts of the street and its namesakes (None if unknown).

    The per-person columns become one ``namesakes`` entry per person, in order; properties at their
    default (false, empty, None) are left out.
    """
    with store.session() as session:
        street = session.scalar(
            select(StreetRow).where(StreetRow.run_id == area.run_id, StreetRow.key == key)
            .options(selectinload(StreetRow.links).selectinload(StreetNamesakeRow.namesake))
        )
        return None if street is None else _facts(area, street)


def all_street_facts(store: Store, area: AnalysedArea) -> dict[str, dict]:
    """``street_facts`` of every street of the area's current run, by street key (for the offline pack)."""
    with store.session() as session:
        streets = session.scalars(
            select(StreetRow).where(StreetRow.run_id == area.run_id)
            .options(selectinload(StreetRow.links).selectinload(StreetNamesakeRow.namesake))
        )
        return {street.key: _facts(area, street) for street in streets}


def _facts(area: AnalysedArea, street: StreetRow) -> dict:
    record = street_record(area, street)
    people = [link.namesake for link in street.links if link.namesake is not None]
    facts = {key: record[key] for key in ("street_id", "street_name", "osm_ids", "length_m", "category",
                                          "source", "confidence")}
    if record["persons"] and not people:
        facts["persons"] = record["persons"]  # a person known only from the street name
    if record["reviewed"]:
        facts["reviewed"] = True
    if street.mix:
        facts["mix"] = street.mix
    if street.kind != "street":
        facts["kind"] = street.kind
    details = [e.get("detail") for e in street.evidence or [] if isinstance(e, dict) and e.get("detail")]
    if details:
        facts["evidence"] = details[0]
    facts["namesakes"] = [
        {
            "qid": p.qid,
            "label": record["persons"][i],
            "description": pick_text(p.descriptions, area.languages),
            "kind": p.kind,
            "genders": record["genders"][i],
            "birth_year": p.birth_year,
            "death_year": p.death_year,
            "image": p.image,
            "article": record["wikipedia_url"][i] or None,
            "sitelinks": p.sitelinks or 0,
        }
        for i, p in enumerate(people)
    ]
    return facts


__all__ = [
    "DECIMALS", "FLAG_NO_ARTICLE", "FORMAT_VERSION", "MapData", "build_map_data", "decode_lines",
    "encode_lines", "map_data_bytes", "prepare_map_data", "prepare_map_data_for_area", "simplify_line",
    "simplify_multiline", "street_facts", "all_street_facts", "stored_map_data",
]
