"""Gap lists for volunteers: /cities/<slug>/gaps?list=articles|tags|unknown|first_names|matches.

Query parameters: ``sort`` (per list, see app.gaps.SORTS), ``dir`` (asc/desc), ``q``
(text filter on names), ``source`` (tags and unknown lists), ``page`` and
``format=csv`` (the whole filtered list, UTF-8 with BOM, formulas neutralised).
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from app.gaps import LISTS, SORTS, SOURCE_FILTERS, GapQuery, gap_counts, gap_csv, gap_page
from app.web import analysed_area, store, whole_number
from app.web.publish import static_site

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


def query_from_request() -> GapQuery:
    direction = request.args.get("dir")
    page = request.args.get("page", "1")
    return GapQuery(
        list=request.args.get("list", LISTS[0]),
        sort=request.args.get("sort", ""),
        descending={"desc": True, "asc": False}.get(direction),
        text=request.args.get("q", ""),
        source=request.args.get("source", ""),
        page=whole_number(page) or 1,
    ).normalised()


@bp.get("/cities/<slug>/gaps")
def gaps(slug: str):
    area = analysed_area(slug)
    query = query_from_request()
    if request.args.get("format") == "csv":
        page = gap_page(store(), area, query, everything=True)
        filename = f"{area.slug}-gaps-{query.list}.csv"
        return Response(gap_csv(page, area.name), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    # A published pack has no server to page or filter: its list is whole (app/web/publish.py).
    page = gap_page(store(), area, query, everything=static_site() is not None)
    counts = gap_counts(store(), area)

    def link(**changes) -> str:
        """This page's URL with some parameters changed (empty values dropped)."""
        params = {"list": query.list, "sort": query.sort, "q": query.text, "source": query.source,
                  "dir": request.args.get("dir", ""), "page": query.page}
        params.update(changes)
        return url_for("gaps.gaps", slug=slug, **{k: v for k, v in params.items() if v not in ("", None)})

    return render_template(
        "gaps.html", area=area, page=page, query=query, counts=counts, lists=LISTS, list_titles=LIST_TITLES,
        sorts=SORTS[query.list], sort_titles=SORT_TITLES, source_filters=SOURCE_FILTERS.get(query.list, ()),
        link=link, city_language=page.language,
    )
