"""Region pages: the choropleth of a region's municipalities, their table and its CSV."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from app.maps import OSM_TILES, region_map, render_parts
from app.regions import MUNICIPALITIES, RegionNotFound, region_data, region_rows
from app.web import store
from app.web.publish import static_site
from app.web.tables import HtmlColumn, HtmlTable, csv_response

bp = Blueprint("regions", __name__)

#: The region table as the page shows it (cells: templates/_region_cells.html), sortable in the browser.
MUNICIPALITY_DISPLAY = HtmlTable((
    HtmlColumn(_l("Municipality"), "municipality", sort_as="text", value="municipality_value"),
    HtmlColumn(_l("Streets"), "streets", css="num", sort_as="number", value="streets_value"),
    HtmlColumn(_l("Named after people"), "person_streets", css="num", sort_as="number",
               value="person_streets_value"),
    HtmlColumn(_l("Honouring women, by street"), "women_share", css="num", cell_css="headline-cell", sort_as="number",
               value="women_share_value"),
    HtmlColumn(_l("by length"), "by_length", css="num", sort_as="number", value="by_length_value"),
    HtmlColumn(_l("by person"), "by_person", css="num", sort_as="number", value="by_person_value"),
    HtmlColumn(_l("Women without an article"), "without_article", css="num", sort_as="number",
               value="without_article_value"),
), row_attributes=(("status", "status"),), css="cities sortable", id="region-table", row_class="municipality",
    scoped=True)


def load_region(slug: str) -> dict:
    try:
        return region_data(store(), slug)
    except RegionNotFound:
        abort(404)


def outline_bounds(features: list) -> list | None:
    """[[south, west], [north, east]] around the municipalities' outlines."""
    points = [p for f in features for p in _positions(f["geometry"]["coordinates"])]
    if not points:
        return None
    return [[min(p[1] for p in points), min(p[0] for p in points)], [max(p[1] for p in points), max(p[0] for p in points)]]


def _positions(coordinates):
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield coordinates
        return
    for part in coordinates:
        yield from _positions(part)


@bp.route("/regions/<slug>")
def region(slug: str):
    data = load_region(slug)
    tiles = current_app.config.get("MAP_TILES", OSM_TILES)
    pack = static_site()
    if pack is not None and not pack.options.tiles:
        tiles = None
    m = region_map(
        bounds=outline_bounds(data["map"]["features"]),
        assets={
            "leaflet_js": url_for("assets.vendor", package="leaflet", filename="leaflet.js"),
            "leaflet_css": url_for("assets.vendor", package="leaflet", filename="leaflet.css"),
            "data_js": url_for("static", filename="js/data.js"),
            "map_js": url_for("static", filename="js/regionmap.js"),
            "map_css": url_for("static", filename="css/map.css"),
        },
        config={
            "dataUrl": url_for("regions.region_geojson", slug=slug),
            "cityUrl": url_for("pages.city", slug="SLUG"),
            # In a published pack: the outlines are a script (file:// refuses fetch()), and each
            # municipality's page is a file of the pack, linked one by one (no server to fill in a slug).
            "dataAsScript": pack is not None,
            "cityUrls": {row["slug"]: url_for("pages.city", slug=row["slug"])
                         for row in data["municipalities"] if row["slug"]} if pack is not None else None,
            "colours": [entry["colour"] for entry in data["legend"]],
            "tooFewColour": data["too_few_colour"],
            "text": {
                "share": str(_l("of the person-named streets honour women")),
                "tooFew": str(_l("Too few person-named streets to say")),
                "noStreets": str(_l("No named streets")),
                "loadFailed": str(_l("The municipalities could not be loaded.")),
            },
        },
        tiles=tiles or None,
    )
    return render_template("region.html", region=data, map=render_parts(m), display=MUNICIPALITY_DISPLAY)


@bp.route("/regions/<slug>/map.geojson")
def region_geojson(slug: str):
    data = load_region(slug)
    body = json.dumps({**data["map"], "attribution": "© OpenStreetMap contributors, ODbL 1.0"},
                      ensure_ascii=False, separators=(",", ":"))
    return Response(body, mimetype="application/geo+json")


@bp.route("/regions/<slug>/municipalities.csv")
def region_table_csv(slug: str):
    data = load_region(slug)
    response = csv_response(MUNICIPALITIES, region_rows(data), f'{data["slug"]}-municipalities.csv')
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
