"""The offline background of a published map: the city's outline and, if asked, its other ways.

Without tiles the streets float on a plain colour. A pack (app/web/publish.py) carries its own faint
background instead: the boundary relation's outline (``queries/city_outline.overpassql``) and, with
``context``, the unnamed roads, railways, rivers, lakes and parks inside it
(``queries/city_context.overpassql``). Both answers go through the Overpass client and its cache, like
every other remote answer.

The layers are simplified and rounded more coarsely than the streets (they are drawn thin and pale), and
size-budgeted: the tolerance grows until the layers fit ``budget`` bytes of JSON, and if even the coarsest
do not fit, the shortest unnamed roads are left out first (railways, water and parks always stay).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.domain import Area
from app.mapdata import simplify_line
from app.osm.geometry import line_length_m
from app.osm.streets import AREA_ID_OFFSET
from app.queries import load_query, render

QUERY_TIMEOUT = 120
#: Bytes of JSON the background may take in a pack (the streets of a 10,000-street city take about 2 MB).
DEFAULT_BUDGET = 1_200_000
#: (tolerance in degrees, decimals) tried in turn until the layers fit the budget.
STEPS = ((1e-5, 5), (5e-5, 4), (1.5e-4, 4), (4e-4, 4), (1e-3, 3))


@dataclass(frozen=True)
class Layer:
    name: str
    style: dict
    area: bool = False  # drawn as a filled polygon (lakes, parks) rather than lines


OUTLINE = Layer("outline", {"color": "#555555", "weight": 2, "opacity": 0.7, "dashArray": "6 4", "fill": False})
#: The context layers in drawing order (first drawn lowest).
CONTEXT_LAYERS = (
    Layer("parks", {"stroke": False, "fillColor": "#cfe8c4", "fillOpacity": 0.6}, area=True),
    Layer("water", {"stroke": False, "fillColor": "#bcdcf2", "fillOpacity": 0.8}, area=True),
    Layer("waterways", {"color": "#8fc1e3", "weight": 2, "opacity": 0.8}),
    Layer("roads", {"color": "#c8c8c8", "weight": 1, "opacity": 0.8}),
    Layer("railways", {"color": "#8a8a8a", "weight": 1.5, "opacity": 0.8, "dashArray": "5 3"}),
)
LAYERS_BY_NAME = {layer.name: layer for layer in (OUTLINE, *CONTEXT_LAYERS)}


def outline_query(area: Area) -> str:
    return render(load_query("city_outline.overpassql"), relation_id=int(area.osm_id), timeout=QUERY_TIMEOUT)


def context_query(area: Area) -> str:
    return render(load_query("city_context.overpassql"), area_id=AREA_ID_OFFSET + int(area.osm_id),
                  timeout=QUERY_TIMEOUT)


#: The context query's selection (queries/city_context.overpassql), said once more in Python: it sorts the
#: query's answer into layers and picks the same ways from an extract.
CONTEXT_HIGHWAYS = frozenset((
    "motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential", "living_street",
    "pedestrian", "service", "motorway_link", "trunk_link", "primary_link", "secondary_link", "tertiary_link"))
CONTEXT_RAILWAYS = frozenset(("rail", "light_rail", "subway", "tram", "narrow_gauge"))
CONTEXT_WATERWAYS = frozenset(("river", "canal", "stream"))
CONTEXT_PARKS = frozenset(("park", "garden"))
#: The keys a way needs one of to be context (a cheap first test for an extract's every way).
CONTEXT_KEYS = ("highway", "railway", "waterway", "natural", "leisure")


def layer_of(tags) -> str | None:
    """Which context layer a way belongs to, or None when the context query would not select it."""
    if tags.get("railway") in CONTEXT_RAILWAYS:
        return "railways"
    if tags.get("waterway") in CONTEXT_WATERWAYS:
        return "waterways"
    if tags.get("natural") == "water":
        return "water"
    if tags.get("leisure") in CONTEXT_PARKS:
        return "parks"
    if tags.get("highway") in CONTEXT_HIGHWAYS and not tags.get("name"):
        return "roads"
    return None


def _line(geometry: list[dict] | None) -> list[list[float]]:
    return [[p["lon"], p["lat"]] for p in geometry or [] if p and "lon" in p and "lat" in p]


def outline_lines(data: dict[str, Any], relation_id: int) -> list[list[list[float]]]:
    """The boundary relation's member ways (``out geom``) as [lon, lat] lines."""
    lines = []
    for element in data.get("elements", []):
        if element.get("type") == "relation" and element.get("id") == relation_id:
            for member in element.get("members", []):
                if member.get("type") == "way" and member.get("role") in ("outer", "inner", ""):
                    line = _line(member.get("geometry"))
                    if len(line) >= 2:
                        lines.append(line)
    return lines


def geometry_lines(geometry: dict | None) -> list[list[list[float]]]:
    """The rings of a GeoJSON Polygon or MultiPolygon as [lon, lat] lines: a municipality's outline as a
    region run stored it (app.regions), so a region's pack needs no query per municipality."""
    if not geometry:
        return []
    polygons = {"Polygon": [geometry.get("coordinates") or []],
                "MultiPolygon": geometry.get("coordinates") or []}.get(geometry.get("type"), [])
    return [[[float(x), float(y)] for x, y, *_ in ring] for polygon in polygons for ring in polygon if len(ring) >= 2]


def context_lines(data: dict[str, Any]) -> dict[str, list[list[list[float]]]]:
    """The context query's ways as [lon, lat] lines, by layer."""
    layers: dict[str, list] = {layer.name: [] for layer in CONTEXT_LAYERS}
    for element in data.get("elements", []):
        if element.get("type") != "way":
            continue
        name = layer_of(element.get("tags") or {})
        line = _line(element.get("geometry"))
        if name and len(line) >= 2:
            layers[name].append(line)
    return layers


def context_from_pbf(path, boundaries: dict) -> dict[object, dict[str, list[list[list[float]]]]]:
    """The context layers of each area from an ``.osm.pbf`` extract, in one pass over it: the ways the
    context query would select that cross each boundary (``boundaries``: key -> shapely (Multi)Polygon),
    as [lon, lat] lines by layer. A way crossing two areas is in both, as Overpass's ``(area)`` gives it."""
    # numpy, shapely and pyosmium only when a background is read from an extract: the web process
    # that imports this module for Overpass backgrounds never needs them.
    import numpy as np
    import shapely

    from app.osm.pbf import way_lines

    found = way_lines(path, layer_of, CONTEXT_KEYS)
    keys = list(boundaries)
    result = {key: {layer.name: [] for layer in CONTEXT_LAYERS} for key in keys}
    if not found or not keys:
        return result
    lines = shapely.linestrings(np.array([pt for _layer, coords in found for pt in coords], dtype=np.float64),
                                indices=np.repeat(np.arange(len(found)), [len(coords) for _l, coords in found]))
    tree = shapely.STRtree([boundaries[key] for key in keys])
    line_index, area_index = tree.query(lines, predicate="intersects")
    for i, a in zip(line_index.tolist(), area_index.tolist()):
        layer, coords = found[i]
        result[keys[a]][layer].append([[lon, lat] for lon, lat in coords])
    return result


def _simplified(lines: list, tolerance: float, decimals: int) -> list:
    out = []
    for line in lines:
        simple = simplify_line(line, tolerance, decimals)
        if simple[0] != simple[-1] or len(simple) > 2:  # a way shrunk to one point draws nothing
            out.append(simple)
    return out


def _size(layers: dict[str, list]) -> int:
    return len(json.dumps(layers, separators=(",", ":")))


def budgeted(raw: dict[str, list], budget: int = DEFAULT_BUDGET) -> tuple[dict[str, list], dict]:
    """The layers simplified until their JSON fits ``budget`` bytes, and what it took (for reports)."""
    layers: dict[str, list] = {}
    for tolerance, decimals in STEPS:
        # The outline is drawn darker than the rest: it never gets coarser than the second step.
        layers = {name: _simplified(lines, min(tolerance, STEPS[1][0]) if name == OUTLINE.name else tolerance,
                                    decimals if name != OUTLINE.name else max(decimals, 4))
                  for name, lines in raw.items()}
        if _size(layers) <= budget:
            return layers, {"tolerance": tolerance, "decimals": decimals, "dropped_roads": 0}
    # Still too big: leave out the shortest unnamed roads (the least telling part of the picture).
    roads = sorted(layers.get("roads", []), key=line_length_m, reverse=True)
    other = _size({k: v for k, v in layers.items() if k != "roads"})
    kept, used = [], other
    for line in roads:
        cost = len(json.dumps(line, separators=(",", ":"))) + 1
        if used + cost > budget:
            break
        kept.append(line)
        used += cost
    dropped = len(roads) - len(kept)
    layers["roads"] = kept
    return layers, {"tolerance": STEPS[-1][0], "decimals": STEPS[-1][1], "dropped_roads": dropped}


def background(outline: list, context: dict[str, list] | None = None, budget: int = DEFAULT_BUDGET) -> dict:
    """The background as our map script draws it: layers in drawing order, each with its style."""
    raw = {**(context or {}), OUTLINE.name: outline}
    layers, how = budgeted(raw, budget)
    order = [layer.name for layer in CONTEXT_LAYERS if context is not None] + [OUTLINE.name]
    return {
        "attribution": "© OpenStreetMap contributors, ODbL 1.0",
        "simplification": how,
        "layers": [{"name": name, "area": LAYERS_BY_NAME[name].area, "style": LAYERS_BY_NAME[name].style,
                    "lines": layers.get(name, [])} for name in order],
    }


def fetch_background(client, area: Area, *, context: bool = False, budget: int = DEFAULT_BUDGET) -> dict:
    """The background of an area from Overpass (``client``: an OverpassClient). Raises RemoteError."""
    outline = outline_lines(client.raw(outline_query(area)), int(area.osm_id))
    extra = context_lines(client.raw(context_query(area))) if context else None
    return background(outline, extra, budget)
