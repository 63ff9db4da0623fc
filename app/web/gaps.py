"""Gap lists for volunteers, each one declared table (app.gaps.TABLES) answered three ways:

- GET /cities/<slug>/gaps?list=<list>               the page (HTML), paginated
- GET /cities/<slug>/gaps/<list>.json               the same page as JSON (also ``?format=json``)
- GET /cities/<slug>/gaps?list=<list>&format=csv    the whole filtered list as CSV (also ``/gaps/<list>.csv``)

Query parameters, the same for all three: ``sort`` (one of the list's sorts), ``dir`` (asc/desc),
``q`` (text filter on names), ``source`` (the lists that declare that filter), ``page`` and ``size``
(rows a page, up to 1000). An unknown list, sort, filter, page or size means the default, never an error.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.gaps import LISTS, TABLES, GapPage, GapQuery, gap_counts, gap_page
from app.web import analysed_area, store, whole_number
from app.web.errors import json_error
from app.web.publish import static_site
from app.web.tables import HtmlColumn, HtmlTable, csv_response, json_response

bp = Blueprint("gaps", __name__)

LIST_TITLES = {
    "articles": _l("Women without an article"),
    "tags": _l("Missing OSM tag"),
    "unknown": _l("Unresolved streets"),
    "first_names": _l("Known only by first name"),
    "matches": _l("Check these matches"),
}
SORT_TITLES = {
    "sitelinks": _l("Articles in other languages"),
    "name": _l("Name"),
    "streets": _l("Streets"),
    "length": _l("Length"),
    "source": _l("Source"),
    "person": _l("Person"),
}
#: What each list's HTML table shows: the cell macros are in templates/_gap_cells.html.
DISPLAY = {
    "articles": HtmlTable((
        HtmlColumn(_l("Woman"), "woman"), HtmlColumn(_l("Articles in other languages"), "other_languages"),
        HtmlColumn(_l("Streets"), "woman_streets"), HtmlColumn(_l("Start"), "start_article"),
    ), row_attributes=(("qid", "qid"),)),
    "tags": HtmlTable((
        HtmlColumn(_l("Street"), "street"), HtmlColumn(_l("Namesake"), "namesakes"), HtmlColumn(_l("Source"), "source"),
        HtmlColumn(_l("OpenStreetMap ways"), "osm_ways"), HtmlColumn(_l("Edit"), "edit"),
    ), row_attributes=(("key", "key"),)),
    "unknown": HtmlTable((
        HtmlColumn(_l("Street name"), "street_name"), HtmlColumn(_l("Streets"), "streets"),
        HtmlColumn(_l("Total length"), "total_length"), HtmlColumn(_l("Review"), "review_links"),
    )),
    "first_names": HtmlTable((
        HtmlColumn(_l("Street"), "street"), HtmlColumn(_l("Person"), "person"), HtmlColumn(_l("Guess"), "guess"),
        HtmlColumn(_l("Wikidata"), "wikidata_actions"),
    ), row_attributes=(("key", "key"),)),
    "matches": HtmlTable((
        HtmlColumn(_l("Street"), "matched_street"), HtmlColumn(_l("Chosen"), "chosen"),
        HtmlColumn(_l("Other candidates"), "other_candidates"), HtmlColumn(_l("How it was found"), "how_found"),
    ), row_attributes=(("key", "key"),)),
}


def wants_json() -> bool:
    return request.path.endswith(".json") or request.args.get("format") == "json"


@bp.errorhandler(HTTPException)
def errors_as_json(exc: HTTPException):
    """A JSON view's errors (an unknown city or list) are JSON too."""
    return json_error(exc) if wants_json() else exc


def direction(query: GapQuery) -> str:
    """The ``dir`` parameter as understood: "asc", "desc", or "" for the sort's natural direction."""
    return {True: "desc", False: "asc"}.get(query.descending, "")


def size(query: GapQuery) -> int | str:
    """The ``size`` parameter to keep in links: only when not the list's default."""
    return query.page_size if query.page_size != query.table.page_size else ""


def query_from_request(list_name: str | None = None) -> GapQuery:
    """The request's query, every unknown value replaced by its default."""
    return GapQuery(
        list=list_name or request.args.get("list", LISTS[0]),
        sort=request.args.get("sort", ""),
        descending={"desc": True, "asc": False}.get(request.args.get("dir", "")),
        text=request.args.get("q", ""),
        source=request.args.get("source", ""),
        page=whole_number(request.args.get("page", "1")) or 1,
        page_size=whole_number(request.args.get("size", "")) or 0,
    ).normalised()


def _csv(area, query: GapQuery):
    page = gap_page(store(), area, query, everything=True)
    return csv_response(page.table, page.rows, f"{area.slug}-gaps-{query.list}.csv")


def _json(area, query: GapQuery):
    page = gap_page(store(), area, query)
    return json_response(page.table, page.rows, **about(area, page))


def about(area, page: GapPage) -> dict:
    """What a JSON page says besides its rows: the query as understood, the totals and the next page."""
    query = page.query
    return {
        "city": area.slug, "list": query.list, "sort": query.sort, "dir": direction(query) or None,
        "descending": query.is_descending,
        "q": query.text, "filters": {name: getattr(query, name) or None for name in query.table.filters},
        "page": query.page, "page_size": query.page_size, "pages": page.pages, "total": page.total,
        "next": list_url("gaps.gap_list_json", area.slug, query, page=query.page + 1)
        if query.page < page.pages else None,
        "csv": list_url("gaps.gap_list_csv", area.slug, query, page=None, size=None),
    }


def list_url(endpoint: str, slug: str, query: GapQuery, **changes) -> str:
    """The URL of this list's JSON or CSV with the request's parameters, some changed (empty ones dropped)."""
    params = {"sort": query.sort, "dir": direction(query), "q": query.text, "source": query.source,
              "page": query.page, "size": size(query)}
    params.update(changes)
    return url_for(endpoint, slug=slug, name=query.list, **{k: v for k, v in params.items() if v not in ("", None)})


@bp.get("/cities/<slug>/gaps/<name>.json")
def gap_list_json(slug: str, name: str):
    if name not in TABLES:
        abort(404, description=f"no gap list {name!r}: the lists are {', '.join(LISTS)}")
    return _json(analysed_area(slug), query_from_request(name))


@bp.get("/cities/<slug>/gaps/<name>.csv")
def gap_list_csv(slug: str, name: str):
    if name not in TABLES:
        abort(404, description=f"no gap list {name!r}: the lists are {', '.join(LISTS)}")
    return _csv(analysed_area(slug), query_from_request(name))


@bp.get("/cities/<slug>/gaps")
def gaps(slug: str):
    area = analysed_area(slug)
    query = query_from_request()
    if request.args.get("format") == "csv":
        return _csv(area, query)
    if wants_json():
        return _json(area, query)
    # A published pack has no server to page or filter: its list is whole (app/web/publish.py).
    page = gap_page(store(), area, query, everything=static_site() is not None)
    counts = gap_counts(store(), area)

    def link(**changes) -> str:
        """This page's URL with some parameters changed (empty values dropped)."""
        params = {"list": query.list, "sort": query.sort, "q": query.text, "source": query.source,
                  "dir": request.args.get("dir", ""), "page": query.page, "size": size(query)}
        params.update(changes)
        return url_for("gaps.gaps", slug=slug, **{k: v for k, v in params.items() if v not in ("", None)})

    return render_template(
        "gaps.html", area=area, page=page, query=query, counts=counts, lists=LISTS, list_titles=LIST_TITLES,
        sorts=query.table.sorts, sort_titles=SORT_TITLES, source_filters=query.table.filters.get("source", ()),
        display=DISPLAY[query.list], link=link, city_language=page.language,
        json_url=list_url("gaps.gap_list_json", slug, query),
    )
