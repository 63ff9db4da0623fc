"""The city map: a Folium map that loads only the app's own assets.

The page carries no street data: Folium builds the map frame (Leaflet, one FeatureGroup per category,
a layer control) and our script (static/js/citymap.js) fetches ``/cities/<slug>/map.json`` once —
the compact map data of app.mapdata, prepared before any visitor — and fills the groups. So a city of
10,000 streets costs one small download instead of megabytes of GeoJSON pasted into the HTML, and the
map keeps working with the network gone once loaded (popups then show what they already fetched).

Colours: the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2002), chosen because its
hues stay distinct for the common colour-vision deficiencies. Women get vermillion, the most
salient hue, drawn thicker and on top; men blue; non-binary and several reddish purple and
bluish green; streets not named after people and unknown ones stay in greys so that they recede.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from app.domain import CATEGORIES, MAN, NONBINARY, NOT_PERSON, SEVERAL, UNKNOWN, WOMAN
from app.links import OSM_COPYRIGHT

if TYPE_CHECKING:
    import folium

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

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = f'&copy; <a href="{OSM_COPYRIGHT}">OpenStreetMap</a> contributors'


# --- the Folium map ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def street_loader_class():
    """Folium's element for our script, made on first use: importing Folium (a third of a second) is
    left to the processes that draw maps, not every command that imports the app."""
    from branca.element import MacroElement
    from folium.template import Template

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

    return StreetLoader


def legend_label(category: str, label: str, count: int) -> str:
    """A layer-control entry: colour swatch, translated label and count (Leaflet shows it as HTML)."""
    # SVG presentation attributes, not style="": the Content-Security-Policy refuses inline styles.
    swatch = Markup('<svg class="ws-swatch ws-swatch-{}" viewBox="0 0 16 4" preserveAspectRatio="none" '
                    'aria-hidden="true"><rect width="16" height="4" fill="{}"/></svg>').format(
                        category, PALETTE[category])
    return str(swatch + Markup(" ") + escape(label) + Markup(' <span class="ws-count">') + escape(str(count))
               + Markup("</span>"))


def map_frame(*, bounds: list | None, assets: dict, tiles: str | None = OSM_TILES) -> folium.Map:
    """An empty Folium map that loads only the app's own assets (Leaflet, our scripts and style).

    ``assets`` maps leaflet_js, leaflet_css, data_js, map_js, map_css to URLs the app serves (data_js:
    static/js/data.js, through which map_js, the map's own script, loads its data).
    ``tiles``: an XYZ URL for a background, or None for a plain background (no external request).
    """
    import folium

    m = folium.Map(location=None, tiles=None, width="100%", height="100%", prefer_canvas=False,
                   control_scale=True)
    # Folium's defaults load jQuery, Bootstrap, Font Awesome... from CDNs. Replace them on this
    # instance only (the class-level lists stay untouched for anyone else using Folium).
    m.default_js = [("leaflet", assets["leaflet_js"]), ("whose_streets_data", assets["data_js"]),
                    ("whose_streets_map", assets["map_js"])]
    m.default_css = [("leaflet_css", assets["leaflet_css"]), ("whose_streets_map_css", assets["map_css"])]
    if bounds:
        m.fit_bounds(bounds)
    if tiles:
        folium.TileLayer(tiles=tiles, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19,
                         control=False, opacity=0.45).add_to(m)
    return m


@lru_cache(maxsize=1)
def region_loader_class():
    """Folium's element for the region script, made on first use (as ``street_loader_class``)."""
    from branca.element import MacroElement
    from folium.template import Template

    class RegionLoader(MacroElement):
        """Hands the map to our region script, which fetches the municipalities' outlines and colours them."""

        _template = Template(
            """
            {% macro script(this, kwargs) %}
                WhoseStreetsRegion.initMap({{ this._parent.get_name() }}, {{ this.config|tojson }});
            {% endmacro %}
            """
        )

        def __init__(self, config: dict):
            super().__init__()
            self._name = "RegionLoader"
            self.config = config

    return RegionLoader


def region_map(*, bounds: list | None, assets: dict, config: dict, tiles: str | None = OSM_TILES) -> folium.Map:
    """The choropleth of a region's municipalities: the frame here, the outlines drawn by our script."""
    m = map_frame(bounds=bounds, assets=assets, tiles=tiles)
    m.add_child(region_loader_class()({**config, "osmAttribution": OSM_ATTRIBUTION}))
    return m


def city_map(
    *,
    bounds: list | None,
    counts: dict,
    labels: dict,
    assets: dict,
    config: dict,
    tiles: str | None = OSM_TILES,
) -> folium.Map:
    """The Folium map of a city (``map_frame``): one (empty) layer per category, filled by our script."""
    import folium

    m = map_frame(bounds=bounds, assets=assets, tiles=tiles)
    groups = {}
    for category in CATEGORIES:
        groups[category] = folium.FeatureGroup(
            name=legend_label(category, labels[category], counts.get(category, 0)), show=True).add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.add_child(street_loader_class()(groups, {**config, "palette": PALETTE, "weights": WEIGHTS, "zOrder": Z_ORDER,
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


__all__ = ["PALETTE", "WEIGHTS", "Z_ORDER", "city_map", "map_frame", "region_map", "render_parts"]
