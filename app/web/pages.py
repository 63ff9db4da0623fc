"""Public pages: the list of cities, a city's map and statistics, presenter mode and downloads."""
from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal, get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.changes import event_changes, history
from app.domain import CATEGORIES, PERSON_CATEGORIES
from app.exports import export_filename, iter_export
from app.links import url_templates
from app.mapdata import map_keys, street_facts, stored_map_data
from app.maps import OSM_TILES, PALETTE, city_map, render_parts
from app.regions import region_list
from app.stats import category_rows, person_rows, run_breakdowns
from app.store.models import AreaRow, JobRow, RunRow
from app.store.records import AreaNotFound
from app.web import analysed_area, analysed_area_row, store
from app.web.charts import line_chart
from app.web.publish import FACTS_CHUNK, FACTS_FOLDER, static_site
from app.web.qr import qr_svg
from app.web.tables import HtmlColumn, HtmlTable
from app.web.words import (
    CATEGORY_LABELS,
    CONFIDENCE_WORDS,
    GENDER_LABELS,
    MAP_WORDS,
    MIX_WORDS,
    SOURCE_NAMES,
    words,
)

bp = Blueprint("pages", __name__)

#: The home page's comparison of analysed cities (cells: templates/_city_cells.html), sortable in the browser.
CITIES_DISPLAY = HtmlTable((
    HtmlColumn(_l("City"), "city", sort_as="text", value="city_value"),
    HtmlColumn(_l("Country or region"), "place", sort_as="text", value="place_value"),
    HtmlColumn(_l("Person-named streets honouring women"), "women_share", css="num", cell_css="headline-cell",
               sort_as="number", value="women_share_value"),
    HtmlColumn(_l("Streets"), "streets", css="num", sort_as="number", value="streets_value"),
    HtmlColumn(_l("Named after people"), "person_streets", css="num", sort_as="number",
               value="person_streets_value"),
    HtmlColumn(_l("Analysed on"), "analysed_on", sort_as="text", value="analysed_on_value"),
), css="cities sortable", id="cities", scoped=True)

def language_name(code: str | None) -> str:
    """A language code as a name in the reader's language ("es" -> "Spanish", "español"...)."""
    if not code:
        return "?"
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


bp.add_app_template_filter(language_name, "language_name")


def century_label(start: int) -> str:
    """1800 -> "1800–1899"; years before the common era as negative numbers."""
    return f"{start}–{start + 99}"


def load_area(slug: str) -> tuple[AreaRow, RunRow]:
    """The analysed city with this slug and its current run, or 404."""
    area = analysed_area_row(slug)
    return area, area.current_run


@bp.route("/")
def home():
    with store().session() as session:
        rows = session.execute(
            select(AreaRow, RunRow).join(RunRow, RunRow.id == AreaRow.current_run_id).order_by(AreaRow.name)
        ).all()
        session.expunge_all()
    cities = [{"area": area, "run": run, "stats": area.stats or {}} for area, run in rows]
    return render_template("home.html", cities=cities, regions=region_list(store()), display=CITIES_DISPLAY)


def street_page_base(slug: str) -> str | None:
    """Where a street's page is, up to its key: here, on the public site for a pack, or None."""
    pack = static_site()
    path = f"/cities/{slug}/streets/"
    if pack is None:
        return url_for("pages.city", slug=slug) + "/streets/"
    return pack.public(path)


def map_config(area: AreaRow, revision: str, *, presenter: bool = False) -> dict:
    """What our map script needs besides the data: URLs and translated words (no street data).

    A street's popup facts are at ``streetUrl + key + ".json?rev=" + revision``.
    """
    language = (area.languages or [None])[0]
    pack = static_site()
    return {
        "dataUrl": url_for("pages.map_json", slug=area.slug, rev=revision),
        # The streets' keys, in the map data's order: fetched when first needed (a popup, a search).
        "keysUrl": url_for("pages.map_keys_json", slug=area.slug, rev=revision),
        # From file:// only <script> elements may load local files (fetch() is refused there).
        "dataAsScript": pack is not None,
        "backgroundUrl": "data/background.js" if pack is not None and pack.has_background(area.slug) else None,
        # Popup facts: one JSON per street when served; files of ``factsChunk`` streets in a pack.
        "factsUrl": url_for("pages.city", slug=area.slug) + "/streets/" if pack is None else FACTS_FOLDER,
        "factsChunk": FACTS_CHUNK,
        "streetUrl": street_page_base(area.slug),
        "revision": revision,
        "language": language,
        "presenter": presenter,
        "categories": list(CATEGORIES),
        "personCategories": list(PERSON_CATEGORIES),
        "labels": words(CATEGORY_LABELS),
        "sources": words(SOURCE_NAMES),
        "confidences": words(CONFIDENCE_WORDS),
        "mixes": words(MIX_WORDS),
        "links": url_templates(),
        "text": {
            "noArticle": gettext("No article in %(language)s yet: start one", language=language_name(language)),
            **words(MAP_WORDS),
        },
    }


def build_map(area: AreaRow, run: RunRow, *, presenter: bool = False) -> dict:
    data = stored_map_data(store(), area.slug)
    area_data, bounds = data.area, data.bounds
    counts = (area.stats or {}).get("by_street") or {}
    tiles = current_app.config.get("MAP_TILES", OSM_TILES)
    pack = static_site()
    if pack is not None and not pack.options.tiles:
        tiles = None
    m = city_map(
        bounds=bounds,
        counts=counts,
        labels=words(CATEGORY_LABELS),
        assets={
            "leaflet_js": url_for("assets.vendor", package="leaflet", filename="leaflet.js"),
            "leaflet_css": url_for("assets.vendor", package="leaflet", filename="leaflet.css"),
            "data_js": url_for("static", filename="js/data.js"),
            "map_js": url_for("static", filename="js/citymap.js"),
            "map_css": url_for("static", filename="css/map.css"),
        },
        config=map_config(area, area_data.revision, presenter=presenter),
        tiles=tiles or None,
    )
    return render_parts(m)


def progress_charts(area: AreaRow) -> dict:
    """The city's headline share and unresolved streets across its analyses, as chart coordinates."""
    runs = history(store(), area.id)
    series = [(run.finished_at.strftime("%Y-%m-%d %H:%M") if run.finished_at else "?", run) for run in runs]
    return {
        "runs": len(runs),
        "share": line_chart([(when, run.women_share) for when, run in series], fmt=percent_filter, highest=1.0),
        "unresolved": line_chart([(when, run.unresolved) for when, run in series], fmt=number_filter),
    }


def latest_job(area: AreaRow, run: RunRow) -> JobRow | None:
    """The area's newest analysis when it is still running, or failed after the run the page shows."""
    with store().session() as session:
        job = session.scalars(select(JobRow).where(JobRow.area_id == area.id).order_by(JobRow.id.desc())
                              .limit(1)).first()
    if job is None or job.status == "done":
        return None
    if job.status == "failed" and (job.finished_at is None or job.finished_at < (run.finished_at or job.finished_at)):
        return None
    return job


@bp.route("/cities/<slug>")
def city(slug: str):
    area, run = load_area(slug)
    stats = area.stats or {}
    breakdowns = run_breakdowns(store(), run.id)
    return render_template(
        "city.html",
        progress=progress_charts(area),
        job=latest_job(area, run),
        area=area,
        run=run,
        stats=stats,
        map=build_map(area, run),
        category_rows=category_rows(stats),
        person_rows=person_rows(stats),
        breakdowns=breakdowns,
        century_rows={g: [(century_label(start), n) for start, n in rows] for g, rows in breakdowns["centuries"].items()},
        labels=CATEGORY_LABELS,
        gender_labels=GENDER_LABELS,
        palette=PALETTE,
        language=language_name((area.languages or [None])[0]),
        read_in=[language_name(code) for code in area.languages or []],
    )


@bp.route("/cities/<slug>/present")
def present(slug: str):
    area, run = load_area(slug)
    stats = area.stats or {}
    public = public_city_url(area.slug)
    return render_template("present.html", area=area, run=run, stats=stats, map=build_map(area, run, presenter=True),
                           category_rows=category_rows(stats), labels=CATEGORY_LABELS, palette=PALETTE,
                           event=event_changes(store(), area.id) if area.event_run_id else None,
                           public_url=public, qr_code=qr_svg(public) if public else None)


def public_city_url(slug: str) -> str | None:
    """The address where the audience opens this city: on PUBLIC_URL when set, else (when serving)
    the address this page was asked on; a pack without a public URL has none."""
    path = url_for("pages.city", slug=slug) if static_site() is None else f"/cities/{slug}"
    settings = current_app.config.get("SETTINGS")
    base = settings.public_url if settings is not None else None
    pack = static_site()
    if pack is not None:
        return pack.public(path)
    if base:
        return base + path
    return request.host_url.rstrip("/") + path


@bp.route("/cities/<slug>/map.json")
def map_json(slug: str):
    """The streets the map draws (app.mapdata): prepared before any visitor, stored gzip-compressed.

    Sent as stored to clients accepting gzip (all browsers), decompressed for the others.
    """
    try:
        data = stored_map_data(store(), slug)
    except AreaNotFound:
        abort(404)
    gzipped = "gzip" in request.accept_encodings
    response = Response(data.body_gzip if gzipped else data.body, mimetype="application/json")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(data.etag + ("-gzip" if gzipped else ""))
    return revision_cached(response, data.area.revision)


@bp.route("/cities/<slug>/map-keys.json")
def map_keys_json(slug: str):
    """The street keys of the map data, in its order (app.mapdata.map_keys), with the run they belong to.

    Apart from map.json because the map draws without them: the page fetches them when a visitor first
    opens a popup, searches or follows a link to a street.
    """
    area = analysed_area(slug)
    response = current_app.json.response({"run": area.run_id, "keys": map_keys(store(), area)})
    response.set_etag(f"run-{area.run_id}-keys")
    return revision_cached(response, area.revision)


@bp.route("/cities/<slug>/streets/<key>.json")
def street_json(slug: str, key: str):
    """What a street's popup shows, fetched when the popup opens (app.mapdata.street_facts)."""
    area = analysed_area(slug)
    facts = street_facts(store(), area, key)
    if facts is None:
        abort(404)
    response = current_app.json.response(facts)
    response.set_etag(f"run-{area.revision}-{key}")
    return revision_cached(response, area.revision)


def revision_cached(response: Response, revision: str) -> Response:
    """Cache headers for data that belongs to a revision of a city.

    Pages ask for ``?rev=<revision>``: that URL's content never changes, so browsers may keep it a day;
    other URLs are kept a minute, and revalidated by ETag after that.
    """
    response.cache_control.public = True
    response.cache_control.max_age = 86400 if request.args.get("rev") == revision else 60
    return response.make_conditional(request)


def _download(slug: str, fmt: str, mimetype: str) -> Response:
    try:
        chunks = iter_export(store(), slug, fmt)
    except AreaNotFound:
        abort(404)
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(slug, fmt)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/cities/<slug>/streets.csv")
def streets_csv(slug: str):
    return _download(slug, "csv", "text/csv")


@bp.route("/cities/<slug>/streets.geojson")
def streets_geojson(slug: str):
    return _download(slug, "geojson", "application/geo+json")


@bp.app_template_filter("percent")
def percent_filter(value) -> str:
    """A share (0..1) as a percentage in the reader's language's number format."""
    if value is None:
        return "–"
    return format_decimal(value * 100, format="#,##0.0") + " %"


@bp.app_template_filter("number")
def number_filter(value) -> str:
    return format_decimal(value or 0, format="#,##0")


@bp.app_context_processor
def page_words():
    return {"locale_code": str(get_locale()), "static_site": static_site()}
