"""The city map: a Folium map that loads only the app's own assets, plus the street data it draws.

The page carries no street data: Folium builds the map frame (Leaflet, one FeatureGroup per category,
a layer control) and our script (static/js/citymap.js) fetches ``/cities/<slug>/map.geojson`` once —
simplified geometry, gzip-compressed by flask-compress — and fills the groups. So a city of 10,000
streets costs one compressed download instead of megabytes of GeoJSON pasted into the HTML, and the
map keeps working with the network gone once loaded.

Colours: the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2002), chosen because its
hues stay distinct for the common colour-vision deficiencies. Women get vermillion, the most
salient hue, drawn thicker and on top; men blue; non-binary and several reddish purple and
bluish green; streets not named after people and unknown ones stay in greys so that they recede.
"""
from __future__ import annotations

import gzip
import json
import re
from collections import OrderedDict
from threading import Lock

import folium
from branca.element import MacroElement
from folium.template import Template
from markupsafe import Markup, escape
import numpy as np
import shapely

from app.domain import CATEGORIES, MAN, NONBINARY, NOT_PERSON, SEVERAL, UNKNOWN, WOMAN
from app.exports import City, find_city, iter_streets, street_record
from app.store import Store

PALETTE = {
    WOMAN: "#D55E00",  # Okabe-Ito vermillion
    MAN: "#0072B2",  # Okabe-Ito blue
    NONBINARY: "#CC79A7",  # Okabe-Ito reddish purple
    SEVERAL: "#009E73",  # Okabe-Ito bluish green
    NOT_PERSON: "#999999",  # grey
    UNKNOWN: "#5A5A5A",  # dark grey (unknown is not "not a person": keep it visible)
}
#: Line weight per category: women's streets are the most prominent.
WEIGHTS = {WOMAN: 5, MAN: 3, NONBINARY: 4, SEVERAL: 4, NOT_PERSON: 2, UNKNOWN: 2}
#: Drawing order (z-index of each category's pane): women on top.
Z_ORDER = {WOMAN: 470, NONBINARY: 460, SEVERAL: 455, MAN: 450, UNKNOWN: 430, NOT_PERSON: 420}

SIMPLIFY_TOLERANCE = 1e-5  # degrees: about a metre, invisible at city zoom
DECIMALS = 5  # about a metre too
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors')
MAP_DATA_VERSION = 1  # bump when the shape of map.geojson changes (part of its ETag)


# --- geometry ------------------------------------------------------------------------------------------


def simplify_line(points: list, tolerance: float = SIMPLIFY_TOLERANCE, decimals: int = DECIMALS) -> list:
    """Douglas-Peucker (shapely) then rounding; consecutive points made equal by rounding are dropped."""
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
    return [simplify_line(line) for line in lines or [] if len(line) >= 2]


# --- the data the map draws ---------------------------------------------------------------------------


def map_feature(city: City, street) -> tuple[dict, dict]:
    """One street as a map feature, and its namesakes (listed once per city, not once per street).

    The feature carries the CSV's street columns; the per-person columns (persons, genders,
    wikipedia_url, sitelinks, birth_year, death_year) live in the namesakes table under the
    feature's ``wikidata_ids``, which is what keeps the data of a big city small. Properties at their
    default (false, empty, None) are left out for the same reason.
    """
    record = street_record(city, street)
    people = [link.namesake for link in street.links if link.namesake is not None]
    humans = [p for p in people if p.kind in ("human", "fictional")]
    props = {key: record[key] for key in ("street_id", "street_name", "osm_ids", "length_m", "category",
                                          "source", "confidence")}
    if record["wikidata_ids"]:
        props["wikidata_ids"] = record["wikidata_ids"]
    elif record["persons"]:
        props["persons"] = record["persons"]  # a person known only from the street name
    if record["reviewed"]:
        props["reviewed"] = True
    if street.mix:
        props["mix"] = street.mix
    if street.kind != "street":
        props["kind"] = street.kind
    # Dashed on the map: a known person without an article in the city's first language.
    if city.language and any(not (p.articles or {}).get(city.language) for p in humans):
        props["no_article"] = True
    details = [e.get("detail") for e in street.evidence or [] if isinstance(e, dict) and e.get("detail")]
    if details:
        props["evidence"] = details[0]
    namesakes = {}
    for i, p in enumerate(people):
        namesakes[p.qid] = {
            "label": record["persons"][i],
            "description": _pick_description(p, city.languages),
            "kind": p.kind,
            "genders": record["genders"][i],
            "birth_year": p.birth_year,
            "death_year": p.death_year,
            "image": p.image,
            "article": record["wikipedia_url"][i] or None,
            "sitelinks": p.sitelinks or 0,
        }
    feature = {
        "type": "Feature",
        "geometry": {"type": "MultiLineString", "coordinates": simplify_multiline(street.geometry)},
        "properties": props,
    }
    return feature, namesakes


def _pick_description(namesake, languages: list[str]) -> str:
    descriptions = namesake.descriptions or {}
    for lang in [*languages, "en"]:
        if descriptions.get(lang):
            return descriptions[lang]
    return ""


def map_data(store: Store, city: City) -> dict:
    """The FeatureCollection behind the map; namesakes shared between streets are listed once."""
    features, namesakes = [], {}
    for street in iter_streets(store, city):
        feature, people = map_feature(city, street)
        features.append(feature)
        namesakes.update(people)
    return {
        "type": "FeatureCollection",
        "city": city.slug,
        "language": city.language,
        "run": city.run_id,
        "attribution": "© OpenStreetMap contributors, ODbL 1.0; Wikidata, CC0",
        "namesakes": namesakes,
        "features": features,
    }


class _RunCache:
    """The serialised map data of the last few runs: a run never changes once stored."""

    def __init__(self, size: int = 8):
        self.size = size
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = Lock()

    def get(self, key, build) -> bytes:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


_cache = _RunCache()


def map_payload(store: Store, slug: str) -> tuple[City, bytes, list | None]:
    """The map data of a city's current run as compact JSON bytes, and its bounds (cached per revision)."""
    city = find_city(store, slug)

    def build():
        data = map_data(store, city)
        return (json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                feature_bounds(data["features"]))

    body, bounds = _cache.get((store.url, city.revision, MAP_DATA_VERSION), build)
    return city, body, bounds


def compressed(body: bytes, run_key: tuple, encoding: str) -> bytes:
    """The map data compressed once per run, harder than per-request compression can afford
    (brotli quality 9 or gzip level 9: about a tenth of a second, then cached)."""
    def build() -> bytes:
        if encoding == "br":
            import brotli

            return brotli.compress(body, quality=9)
        return gzip.compress(body, compresslevel=9, mtime=0)

    return _cache.get((*run_key, encoding), build)


def feature_bounds(features: list) -> list | None:
    """[[south, west], [north, east]] around the features (None when there are none)."""
    lons = [p[0] for f in features for line in f["geometry"]["coordinates"] for p in line]
    lats = [p[1] for f in features for line in f["geometry"]["coordinates"] for p in line]
    if not lons:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def map_etag(city: City) -> str:
    return f"run-{city.revision}-v{MAP_DATA_VERSION}"


# --- the Folium map ------------------------------------------------------------------------------------


class StreetLoader(MacroElement):
    """Hands the map and its category groups to our script, which fetches and draws the streets."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            WhoseStreets.initMap({{ this._parent.get_name() }}, {{ this.groups_js }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, groups: dict, config: dict):
        super().__init__()
        self._name = "StreetLoader"
        # Variable names Folium generated for the FeatureGroups: identifiers only, no user data.
        self.groups_js = "{" + ", ".join(f"{json.dumps(cat)}: {fg.get_name()}" for cat, fg in groups.items()) + "}"
        self.config = config


def legend_label(category: str, label: str, count: int) -> str:
    """A layer-control entry: colour swatch, translated label and count (Leaflet shows it as HTML)."""
    swatch = Markup('<span class="ws-swatch ws-swatch-{}" style="background:{}"></span>').format(
        category, PALETTE[category])
    return str(swatch + Markup(" ") + escape(label) + Markup(' <span class="ws-count">') + escape(str(count))
               + Markup("</span>"))


def city_map(
    *,
    bounds: list | None,
    counts: dict,
    labels: dict,
    assets: dict,
    config: dict,
    tiles: str | None = OSM_TILES,
) -> folium.Map:
    """The Folium map of a city: local assets only, one (empty) layer per category, filled by our script.

    ``assets`` maps leaflet_js, leaflet_css, map_js, map_css to URLs the app serves.
    ``tiles``: an XYZ URL for a background, or None for a plain background (no external request).
    """
    m = folium.Map(location=None, tiles=None, width="100%", height="100%", prefer_canvas=False,
                   control_scale=True)
    # Folium's defaults load jQuery, Bootstrap, Font Awesome... from CDNs. Replace them on this
    # instance only (the class-level lists stay untouched for anyone else using Folium).
    m.default_js = [("leaflet", assets["leaflet_js"]), ("whose_streets_map", assets["map_js"])]
    m.default_css = [("leaflet_css", assets["leaflet_css"]), ("whose_streets_map_css", assets["map_css"])]
    if bounds:
        m.fit_bounds(bounds)
    if tiles:
        folium.TileLayer(tiles=tiles, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19,
                         control=False, opacity=0.45).add_to(m)
    groups = {}
    for category in CATEGORIES:
        groups[category] = folium.FeatureGroup(
            name=legend_label(category, labels[category], counts.get(category, 0)), show=True).add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.add_child(StreetLoader(groups, {**config, "palette": PALETTE, "weights": WEIGHTS, "zOrder": Z_ORDER,
                                      "osmAttribution": OSM_ATTRIBUTION}))
    return m


FOLIUM_PAGE_RULES = (
    re.compile(r'<meta name="viewport"[^>]*/>', re.S),
    re.compile(r"<style>\s*html, body \{[^}]*\}\s*</style>", re.S),
    re.compile(r"<style>\s*#map \{[^}]*\}\s*</style>", re.S),
)


def render_parts(m: folium.Map) -> dict:
    """The map split for embedding in our own page: what goes in <head>, the map <div>, the script."""
    figure = m.get_root()
    figure.render()
    head = figure.header.render()
    # Folium writes these for a map alone on its page; inside ours they would forbid pinch-zoom
    # (an accessibility problem) and pin <html>/<body> to the window's height.
    for pattern in FOLIUM_PAGE_RULES:
        head = pattern.sub("", head)
    return {
        "head": Markup(head),
        "html": Markup(figure.html.render()),
        "script": Markup(figure.script.render()),
    }


__all__ = [
    "PALETTE", "WEIGHTS", "Z_ORDER", "simplify_line", "simplify_multiline", "map_data", "map_payload",
    "feature_bounds", "map_etag", "city_map", "render_parts",
]
