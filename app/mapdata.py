"""The data the city map draws, built once per revision and kept in the store, ready before any visitor.

Draw first, explain on demand. The map needs, per street, its geometry, category, display name and the
one flag that styles it (dashed: a namesake without an article in the city's language), nothing more.
Everything a popup shows (namesakes, years, picture, links, evidence) is fetched when the popup opens,
from ``/cities/<slug>/streets/<key>.json`` (``street_facts``), cached by revision. Measured on Madrid
(10,321 ways) the popup facts would add about as many compressed bytes as the geometry itself, while a
visitor opens a handful of popups (see benchmarks/bench_map_transfer.py).

The map data is columnar JSON (one array per property, one entry per street) with the geometry as
Google encoded polylines (``encode_chain``, vectorised with numpy): coordinates quantised to ``DECIMALS`` decimals
(about a metre, the precision of a street at the map's highest zoom) and each point stored as its
difference from the previous one, a few characters per point, the previous one of a line's first point
being the last point of the line before it. static/js/citymap.js decodes it.
The plain, full-precision GeoJSON stays the download (app.exports).

Street keys are not in the map data: in name order they are random numbers (``w`` and a way id), about
a quarter of Madrid's compressed map data, and the map needs them only when a visitor opens a popup,
searches or follows a link to a street. ``map_keys`` lists them in the map data's order, served apart
(``/cities/<slug>/map-keys.json``) and fetched by the page on the first such need.

Built at the end of each analysis and after each review (``prepare_map_data``), stored gzip-compressed
in the ``map_data`` table under the city's revision (app.store.records.AnalysedArea.revision): a page never builds it
while a visitor waits, unless the store predates this table or the build failed.

numpy and shapely are imported inside the functions that simplify lines, so that a process that
never builds map data does not pay for loading them.
"""
from __future__ import annotations

import gzip
import json
import logging
from dataclasses import dataclass
from itertools import chain

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain import CATEGORIES, normalise_name, pick_text
from app.exports import street_record
from app.store import Store
from app.store.records import AnalysedArea, chunked, find_analysed_area
from app.store.models import AreaRow, MapDataRow, NamesakeRow, StreetNamesakeRow, StreetRow, utcnow

SIMPLIFY_TOLERANCE = 1e-5  # degrees: about a metre, invisible at the highest street zoom
DECIMALS = 5  # about a metre too
#: Part of the ETag: bump when the shape of the map data changes.
FORMAT_VERSION = 4
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


def quantised_streets(streets: list[list], tolerance: float = SIMPLIFY_TOLERANCE, decimals: int = DECIMALS) -> list:
    """``simplify_multiline`` for a whole city at once, in one vectorised shapely call.

    Returns, per street, its lines as integer arrays of [lon, lat] * 10^decimals (no two equal points
    in a row; at least two points a line).
    """
    import numpy as np

    chained = quantised_chain(streets, tolerance, decimals)
    if chained is not None:
        points, sizes, counts = chained
        lines = np.split(points, np.cumsum(sizes)[:-1]) if len(sizes) else []
        result, taken = [], 0
        for count in counts:
            result.append(lines[taken:taken + count])
            taken += count
        return result
    owners, lines = _lines_of(streets)
    result: list[list] = [[] for _ in streets]
    quantised, line_of_point = _simplified(lines, tolerance, decimals)
    factor = 10 ** decimals
    starts = np.flatnonzero(np.r_[True, line_of_point[1:] != line_of_point[:-1]]) if len(line_of_point) else []
    done = set()
    for start, end in zip(starts, [*starts[1:], len(quantised)]):
        line_index = int(line_of_point[start])
        out = quantised[start:end]
        if len(out) == 1:
            out = np.repeat(out, 2, axis=0)  # a line needs two positions, even a tiny one
        result[owners[line_index]].append(out)
        done.add(line_index)
    for line_index, line in enumerate(lines):
        if line_index not in done:  # simplified to nothing (a degenerate line): keep it as it was
            kept = simplify_line(line, tolerance, decimals)
            result[owners[line_index]].append(np.rint(np.array(kept) * factor).astype(np.int64))
    return result


def quantised_chain(streets: list[list], tolerance: float = SIMPLIFY_TOLERANCE, decimals: int = DECIMALS):
    """``quantised_streets``'s lines, street after street, in one array: (points, the number of points of
    each line, the number of lines of each street); None when a line simplified to nothing (rare: the
    caller then takes ``quantised_streets``'s way, which keeps such a line as it was).

    The map data needs the lines only chained (``encode_points``) and bounded: one array spares
    cutting it into ten thousand lines and gluing them back.
    """
    import numpy as np

    owners, lines = _lines_of(streets)
    counts = np.bincount(np.asarray(owners, dtype=np.int64), minlength=len(streets)).tolist()
    if not lines:
        return np.zeros((0, 2), dtype=np.int64), [], counts
    quantised, line_of_point = _simplified(lines, tolerance, decimals)
    starts = np.flatnonzero(np.r_[True, line_of_point[1:] != line_of_point[:-1]]) if len(line_of_point) else []
    if len(starts) != len(lines):
        return None
    sizes = np.diff(np.r_[starts, len(quantised)])
    single = sizes == 1
    if single.any():  # a line needs two positions, even a tiny one
        repeats = np.ones(len(quantised), dtype=np.int64)
        repeats[starts[single]] = 2
        quantised = np.repeat(quantised, repeats, axis=0)
        sizes[single] = 2
    return quantised, sizes.tolist(), counts


def _lines_of(streets: list[list]) -> tuple[list[int], list]:
    """Every line of at least two points, street after street, and the index of the street it is of."""
    owners, lines = [], []
    for index, street in enumerate(streets):
        for line in street or []:
            if len(line) >= 2:
                owners.append(index)
                lines.append(line)
    return owners, lines


def _simplified(lines: list, tolerance: float, decimals: int):
    """The lines simplified in one shapely call and quantised, a point equal to the one before it on
    the same line dropped: (integer points, the index of each point's line), lines in order."""
    import numpy as np
    import shapely

    sizes = [len(line) for line in lines]
    total = sum(sizes)
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(lines)), dtype=float)
    if len(flat) == 2 * total:
        flat = flat.reshape(total, 2)
    else:  # points with a third coordinate
        flat = np.array([point[:2] for line in lines for point in line], dtype=float)
    line_of_point = np.repeat(np.arange(len(lines)), sizes)
    simplified = shapely.simplify(shapely.linestrings(flat, indices=line_of_point), tolerance,
                                  preserve_topology=False)
    points, line_of_point = shapely.get_coordinates(simplified, return_index=True)
    quantised = np.rint(points * 10 ** decimals).astype(np.int64)
    # Drop a point equal to the one before it on the same line (made equal by quantising).
    keep = np.ones(len(quantised), dtype=bool)
    keep[1:] = (line_of_point[1:] != line_of_point[:-1]) | np.any(quantised[1:] != quantised[:-1], axis=1)
    return quantised[keep], line_of_point[keep]


def simplify_streets(streets: list[list], tolerance: float = SIMPLIFY_TOLERANCE, decimals: int = DECIMALS) -> list:
    """``quantised_streets`` as [[lon, lat], ...] floats per line, per street."""
    factor = 10 ** decimals
    return [[(line / factor).tolist() for line in street] for street in quantised_streets(streets, tolerance, decimals)]


def encode_chain(lines: list, start: tuple[int, int] = (0, 0)) -> list[str]:
    """Integer lines ([lon, lat] * 10^precision) as encoded polylines chained on one another.

    Google's encoded polyline format, computed for all lines at once with numpy: per point the latitude
    then the longitude, each as its difference from the point before, zig-zag signed, written five bits
    a character from "?". The point before a line's first point is the last point of the line before it
    (``start`` for the first line): a plain polyline opens with its first point in full, about ten
    characters of digits gzip cannot shrink; chained, a city's lines are one sequence of small
    differences (TopoJSON's delta encoding). Decoded by static/js/citymap.js and ``decode_lines``.
    """
    import numpy as np

    if not lines:
        return []
    return encode_points(np.concatenate(lines), [len(line) for line in lines], start)


def encode_points(points, sizes: list[int], start: tuple[int, int] = (0, 0)) -> list[str]:
    """``encode_chain`` of lines given as one array of their points and the number of points of each."""
    import numpy as np

    if not sizes:
        return []
    points = points[:, ::-1].astype(np.int64)  # lat, lon
    deltas = np.diff(points, axis=0, prepend=np.array([start[::-1]], dtype=np.int64)).ravel()
    values = (deltas << 1) ^ (deltas >> 63)  # zig-zag: 0, -1, 1, -2... -> 0, 1, 2, 3...
    chunks = np.ones(len(values), dtype=np.int64)
    rest = values >> 5
    while rest.any():
        chunks += rest > 0
        rest >>= 5
    k = np.arange(chunks.max())
    groups = (values[:, None] >> (5 * k)) & 0x1F
    more = k[None, :] < (chunks[:, None] - 1)
    codes = (groups | (more * 0x20)) + 63
    text = codes[k[None, :] < chunks[:, None]].astype(np.uint8).tobytes().decode("ascii")
    ends = np.cumsum(chunks.reshape(-1, 2).sum(axis=1))[np.cumsum(sizes) - 1]
    return [text[begin:end] for begin, end in zip([0, *ends[:-1].tolist()], ends.tolist())]


def encode_lines(lines: list, start: tuple = (0.0, 0.0), decimals: int = DECIMALS) -> tuple[list[str], tuple]:
    """``encode_chain`` for lines of [lon, lat] floats; returns the encoded lines and their last point."""
    import numpy as np

    factor = 10 ** decimals
    ints = [np.rint(np.asarray(line, dtype=float)[:, :2] * factor).astype(np.int64) for line in lines]
    origin = tuple(int(round(c * factor)) for c in start)
    last = tuple((ints[-1][-1] / factor).tolist()) if ints else tuple(start)
    return encode_chain(ints, origin), last


def decode_lines(encoded: list[str], start: tuple = (0.0, 0.0), decimals: int = DECIMALS) -> tuple[list, tuple]:
    """The inverse of ``encode_lines``: [[lon, lat], ...] per line, and the last point (tests, offline packs)."""
    factor = 10 ** decimals
    lon, lat = (int(round(c * factor)) for c in start)
    lines = []
    for text in encoded:
        values, value, shift = [], 0, 0
        for char in text:
            byte = ord(char) - 63
            value |= (byte & 0x1F) << shift
            shift += 5
            if byte < 0x20:
                values.append(~(value >> 1) if value & 1 else value >> 1)
                value, shift = 0, 0
        points = []
        for dlat, dlon in zip(values[::2], values[1::2]):
            lat, lon = lat + dlat, lon + dlon
            points.append([lon / factor, lat / factor])
        lines.append(points)
    return lines, (lon / factor, lat / factor)


#: Separators of the ``lines`` string (neither is a character of an encoded polyline, "?" to "~").
STREET_SEPARATOR, LINE_SEPARATOR = " ", ","


def decode_streets(data: dict) -> list[list]:
    """Every street's lines from ``build_map_data``'s result, in its order: [[[lon, lat], ...], ...] each."""
    streets, previous = [], (0.0, 0.0)
    texts = data["streets"]["lines"].split(STREET_SEPARATOR) if data["streets"]["name"] else []
    for text in texts:
        lines, previous = decode_lines(text.split(LINE_SEPARATOR) if text else [], previous, data["precision"])
        streets.append(lines)
    return streets


def street_names(data: dict) -> list[str]:
    """Every street's name from ``build_map_data``'s result, in its order ("" there repeats the one before)."""
    names, previous = [], ""
    for name in data["streets"]["name"]:
        previous = name or previous
        names.append(previous)
    return names


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


def _people_of_run(session, run_id: int) -> dict[int, list]:
    """Street row id -> its namesakes in order (what the map shows of them: qid, kind, labels,
    articles), for a whole run in one query."""
    people: dict[int, list] = {}
    rows = session.execute(
        select(StreetNamesakeRow.street_id, NamesakeRow.qid, NamesakeRow.kind, NamesakeRow.labels,
               NamesakeRow.articles)
        .join(NamesakeRow, NamesakeRow.qid == StreetNamesakeRow.qid)
        .join(StreetRow, StreetRow.id == StreetNamesakeRow.street_id)
        .where(StreetRow.run_id == run_id)
        .order_by(StreetNamesakeRow.street_id, StreetNamesakeRow.position)
    )
    for row in rows:
        people.setdefault(row.street_id, []).append(row)
    return people


def _folded(text: str) -> str:
    return normalise_name(text or "")


def build_map_data(store: Store, area: AnalysedArea, geometries: dict[str, list] | None = None) -> dict:
    """The columnar map data of a city's current run (a JSON-ready dict).

    ``streets`` holds one array per property, the n-th entry of each describing the n-th street, in the
    order of ``map_keys``: ``name`` ("" when the same as the street before: homonyms are neighbours in
    name order; ``street_names``), ``category`` (index into ``categories``), ``flags``
    (``FLAG_NO_ARTICLE``...), and ``lines``: one string, streets separated by ``STREET_SEPARATOR`` and a
    street's lines by ``LINE_SEPARATOR``, each line an encoded polyline of ``precision`` decimals chained
    on the last point of the line before it, across streets (``encode_chain``, ``decode_streets``).
    ``people`` maps a street's index to its namesakes' names when the street name does not already contain
    them, so the map's search finds "Artigas" on "Avenida del Libertador". ``bounds`` is
    [[south, west], [north, east]].

    ``geometries`` ({street key: lines}) spares reading the lines back from the store when the caller
    has them (the analysis that just saved them); streets missing from it are read from the store.
    """
    import numpy as np

    category_index = {category: i for i, category in enumerate(CATEGORIES)}
    columns = {"name": [], "category": [], "flags": [], "lines": []}
    people_names: dict[str, str] = {}
    previous_name = None
    with store.session() as session:
        people = _people_of_run(session, area.run_id)
        rows = session.execute(_in_map_order(
            select(StreetRow.id, StreetRow.key, StreetRow.name, StreetRow.category, StreetRow.name_part),
            area.run_id)).all()
        geometries = dict(geometries or {})
        missing = [row.id for row in rows if row.key not in geometries]
        for chunk in chunked(missing):
            geometries.update(session.execute(
                select(StreetRow.key, StreetRow.geometry).where(StreetRow.id.in_(chunk))).all())
    streets = [geometries[row.key] for row in rows]
    chained = quantised_chain(streets)
    if chained is None:  # a line simplified to nothing: quantised_streets keeps it as it was
        simplified = quantised_streets(streets)
        all_lines = [line for street in simplified for line in street]
        points = np.concatenate(all_lines) if all_lines else np.zeros((0, 2), dtype=np.int64)
        chained = points, [len(line) for line in all_lines], [len(street) for street in simplified]
    points, sizes, line_counts = chained
    encoded = iter(encode_points(points, sizes))
    street_lines = []
    for index, ((row_id, key, name, category, name_part), line_count) in enumerate(zip(rows, line_counts)):
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
        columns["name"].append("" if name == previous_name else name)
        previous_name = name
        columns["category"].append(category_index.get(category, category_index["unknown"]))
        columns["flags"].append(flags)
        street_lines.append(LINE_SEPARATOR.join(next(encoded) for _ in range(line_count)))
    # One string rather than an array of arrays: no quotes and brackets around every line.
    columns["lines"] = STREET_SEPARATOR.join(street_lines)
    bounds = None
    if sizes:
        scaled = points / 10 ** DECIMALS
        (west, south), (east, north) = scaled.min(axis=0).tolist(), scaled.max(axis=0).tolist()
        bounds = [[south, west], [north, east]]
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


def _in_map_order(query, run_id: int):
    """A query of a run's streets in the map data's order (by name, homonyms by row id)."""
    return query.where(StreetRow.run_id == run_id).order_by(StreetRow.name, StreetRow.id)


def map_keys(store: Store, area: AnalysedArea) -> list[str]:
    """The street keys of the area's current run in the order of its map data (``build_map_data``)."""
    with store.session() as session:
        return list(session.scalars(_in_map_order(select(StreetRow.key), area.run_id)))


def map_data_bytes(data: dict) -> bytes:
    """Compact UTF-8 JSON of ``build_map_data``'s result."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def prepare_map_data(store: Store, slug: str, geometries: dict[str, list] | None = None) -> MapData:
    """Build the city's map data for its current revision and keep it in the store (gzip level 9).

    Called at the end of each analysis and after each review, so the first visitor finds it ready.
    ``geometries``: as for ``build_map_data``.
    """
    area = find_analysed_area(store, slug)
    data = build_map_data(store, area, geometries)
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


def prepare_map_data_for_area(store: Store, area_id: int, geometries: dict[str, list] | None = None) -> MapData | None:
    """``prepare_map_data`` by area id, for the end of an analysis and of a review.

    Returns None when the area has no finished run or the build failed. A failure loses nothing (the
    run or review is stored already): it is logged, and the page builds the data when first asked.
    """
    try:
        with store.session() as session:
            area = session.get(AreaRow, area_id)
            slug = area.slug if area is not None and area.current_run_id is not None else None
        return prepare_map_data(store, slug, geometries) if slug else None
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
    "DECIMALS", "FLAG_NO_ARTICLE", "FORMAT_VERSION", "MapData", "build_map_data", "decode_lines", "decode_streets",
    "encode_chain", "encode_lines", "encode_points", "quantised_chain", "map_keys", "quantised_streets", "map_data_bytes", "street_names", "prepare_map_data", "prepare_map_data_for_area", "simplify_line",
    "simplify_multiline", "simplify_streets", "street_facts", "all_street_facts", "stored_map_data",
]
