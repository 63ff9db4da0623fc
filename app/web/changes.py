"""What changed in a city, and the edit-a-thon controls.

Routes:
- GET  /cities/<slug>/changes?since=<run id>|event   the Changes page (default: the previous run)
- GET  /cities/<slug>/changes.csv?since=...           the same rows as CSV (app.changes.CHANGES)
- GET  /api/cities/<slug>/changes?since=...           the same as JSON (registered by app.web.api)
- POST /cities/<slug>/event                           signed-in volunteers: mark (or end) the start of an event
- POST /cities/<slug>/reanalyze                       signed-in volunteers: analyse the city again now
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.changes import (
    CATEGORY_CHANGED,
    CHANGE_KINDS,
    CHANGES,
    NEW_ARTICLE,
    NEW_STREET,
    NEWLY_RESOLVED,
    NEWLY_TAGGED,
    REVIEW_CONTRADICTED,
    SINCE_EVENT,
    VANISHED_STREET,
    Changes,
    NoComparison,
    changes_since,
    earlier_runs,
    end_event,
    start_event,
)
from app.extensions import limiter
from app.jobs import QueueFull
from app.web import analysed_area, analysed_area_row, jobs, store, whole_number
from app.web.tables import HtmlColumn, HtmlTable, csv_response

bp = Blueprint("changes", __name__)

CHANGE_TITLES = {
    NEWLY_TAGGED: _l("Newly tagged in OpenStreetMap"),
    NEWLY_RESOLVED: _l("Newly resolved"),
    CATEGORY_CHANGED: _l("Category changed"),
    NEW_STREET: _l("New streets"),
    VANISHED_STREET: _l("Streets no longer found"),
    NEW_ARTICLE: _l("Women who got an article"),
    REVIEW_CONTRADICTED: _l("Reviews that OpenStreetMap or Wikidata now contradict"),
}
WHY_WORDS = {
    "review": _l("a volunteer's review"),
    "osm_tag_added": _l("name:etymology:wikidata added in OpenStreetMap"),
    "osm_tag_removed": _l("name:etymology:wikidata removed in OpenStreetMap"),
    "other_evidence": _l("other evidence"),
    "wikidata_facts": _l("Wikidata's facts changed"),
    "article_written": _l("article written"),
}
NO_COMPARISON_WORDS = {
    "not_analysed": _l("this city has not been analysed"),
    "no_event": _l("no event has been started for this city"),
    "no_earlier_run": _l("there is no earlier analysis of this city to compare with"),
    "no_snapshot": _l("that analysis was made before analyses kept their streets"),
}
#: The tables of the page (cells: templates/_change_cells.html); the CSV and JSON have every column.
CHANGE_DISPLAY = HtmlTable((
    HtmlColumn(_l("Street"), "street"), HtmlColumn(_l("Before"), "before"), HtmlColumn(_l("After"), "after"),
    HtmlColumn(_l("Why"), "why"), HtmlColumn(_l("Namesakes"), "namesakes"),
), css="figures", scoped=True)
NEW_ARTICLE_DISPLAY = HtmlTable((HtmlColumn(_l("Street"), "street"), HtmlColumn(_l("Person"), "person")),
                                css="figures", scoped=True)
#: Rows shown per kind of change on the page; the CSV and JSON have them all.
ROWS_SHOWN = 200
#: Re-analyses a city may be asked for by volunteers: each one asks Overpass and Wikidata again.
REANALYZE_LIMIT = "2 per 10 minutes"


def since_from_request() -> int | str | None:
    since = request.args.get("since", "")
    if since in ("", "previous"):
        return None
    if since == SINCE_EVENT:
        return since
    if (run_id := whole_number(since)) is not None:
        return run_id
    abort(400, description="since must be a run id, 'event' or 'previous'")


def city_changes(slug: str) -> tuple[object, Changes | None, NoComparison | None]:
    """The area, its changes for the request's ``since`` (None when there is nothing to compare) and why not."""
    area = analysed_area_row(slug)
    since = since_from_request()
    try:
        return area, changes_since(store(), area.id, since), None
    except NoComparison as exc:
        return area, None, exc


@bp.get("/cities/<slug>/changes")
def changes(slug: str):
    area, found, reason = city_changes(slug)
    return render_template(
        "changes.html", area=area, changes=found, runs=earlier_runs(store(), area.id),
        reason=NO_COMPARISON_WORDS.get(reason.code, str(reason)) if reason else None,
        since=request.args.get("since", ""), kinds=CHANGE_KINDS, titles=CHANGE_TITLES, why_words=WHY_WORDS,
        limit=ROWS_SHOWN, change_display=CHANGE_DISPLAY, new_article_display=NEW_ARTICLE_DISPLAY,
    )


@bp.get("/cities/<slug>/changes.csv")
def changes_csv(slug: str):
    area, found, reason = city_changes(slug)
    if found is None:
        abort(404, description=str(reason))
    filename = f"{area.slug}-changes-{found.before.id}-{found.after.id}.csv"
    return csv_response(CHANGES, found.records(area.slug), filename)


@bp.post("/cities/<slug>/event")
@login_required
def event(slug: str):
    area = analysed_area(slug)
    if request.form.get("action") == "end":
        end_event(store(), area.id)
        flash(_("The event has ended: the Changes page compares with the previous analysis again."), "info")
    else:
        start_event(store(), area.id)
        flash(_("Event started: the Changes page and presenter mode now count from this moment."), "info")
    return redirect(url_for("changes.changes", slug=slug, since=SINCE_EVENT if request.form.get("action") != "end"
                            else None))


def _per_city() -> str:
    return f"reanalyze:{request.view_args.get('slug')}"


@bp.post("/cities/<slug>/reanalyze")
@login_required
@limiter.limit(REANALYZE_LIMIT, key_func=_per_city)
def reanalyze(slug: str):
    area = analysed_area(slug)
    try:
        job, created = jobs().submit(area.id, area.osm_ref)
    except QueueFull:
        flash(_("Too many analyses are running: try again in a few minutes."), "error")
        return redirect(url_for("pages.city", slug=slug))
    if created:
        flash(_("A new analysis has started: the page shows it once it is done."), "info")
    else:
        flash(_("An analysis of this city is already running."), "info")
    return redirect(url_for("pages.city", slug=slug, job=job.id))
