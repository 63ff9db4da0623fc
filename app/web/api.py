"""JSON endpoints for the pages' scripts and for anyone's scripts."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import select

from app.areas import AreaLookupError, AmbiguousAreaError, lookup_area, search_areas
from app.extensions import limiter
from app.jobs import QueueFull, describe
from app.regions import RegionNotFound, region_data, region_list
from app.remote import RemoteError
from app.store.models import AreaRow
from app.store.records import area_by_slug, find_or_create_area
from app.web import jobs, store
from app.web.changes import city_changes as changes_of

bp = Blueprint("api", __name__, url_prefix="/api")


def area_summary(area: AreaRow) -> dict:
    return {
        "slug": area.slug,
        "name": area.name,
        "osm": f"{area.osm_type}/{area.osm_id}",
        "admin_level": area.admin_level,
        "country_code": area.country_code,
        "wikidata": area.wikidata,
        "parent": area.parent,
        "languages": area.languages,
        "stats": area.stats,
    }


@bp.get("/cities")
def cities():
    with store().session() as session:
        rows = session.scalars(select(AreaRow).where(AreaRow.current_run_id.is_not(None)).order_by(AreaRow.name))
        return jsonify({"cities": [area_summary(a) for a in rows]})


@bp.get("/cities/<slug>")
def city(slug: str):
    with store().session() as session:
        area = area_by_slug(session, slug, analysed=False)
        if area is None:
            abort(404, description=f"no city {slug!r}")
        return jsonify(area_summary(area))


@bp.get("/cities/<slug>/changes")
def city_changes(slug: str):
    """What changed between an earlier run (``since``: a run id, ``event``, default the previous) and the latest."""
    area, found, reason = changes_of(slug)
    if found is None:
        return jsonify({"city": area.slug, "error": str(reason)}), 404
    return jsonify({"city": area.slug, "event_started_at": iso(area.event_started_at), **found.as_json()})


def iso(moment) -> str | None:
    return moment.isoformat() + "Z" if moment else None


@bp.get("/regions")
def regions():
    return jsonify({"regions": region_list(store())})


@bp.get("/regions/<slug>")
def region(slug: str):
    try:
        data = region_data(store(), slug)
    except RegionNotFound:
        abort(404, description=f"no region {slug!r}")
    # The outlines are the map's: /regions/<slug>/map.geojson.
    return jsonify({key: value for key, value in data.items() if key != "map"})


@bp.get("/areas")
@limiter.limit("30/minute")
def areas():
    """Candidate boundaries for what a user typed, to pick from before analysing."""
    query = request.args.get("q", "")
    try:
        candidates = search_areas(current_app.config["SETTINGS"], store(), query)
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 400
    except RemoteError as exc:
        return jsonify({"error": str(exc)}), 502
    return jsonify({"candidates": [candidate_json(a) for a in candidates]})


def candidate_json(area) -> dict:
    return {
        "query": area.osm_ref,
        "name": area.name,
        "admin_level": area.admin_level,
        "country_code": area.country_code,
        "parent": area.parent,
        "wikidata": area.wikidata,
    }


@bp.post("/cities")
@limiter.limit("20/minute")
def start_analysis():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return jsonify({"error": 'send JSON like {"query": "Montevideo"} or {"query": "relation/2929054"}'}), 400
    try:
        area = lookup_area(current_app.config["SETTINGS"], store(), payload["query"], interactive=True)
    except AmbiguousAreaError as exc:
        return jsonify({"error": str(exc), "candidates": [candidate_json(a) for a in exc.candidates]}), 409
    except (ValueError, AreaLookupError) as exc:
        return jsonify({"error": str(exc)}), 400
    except RemoteError as exc:
        return jsonify({"error": str(exc)}), 502
    if area.admin_level is not None and area.admin_level <= 2:
        return jsonify({"error": f"{area.name} is a whole country: too big to fetch from Overpass here. "
                                 "Analyse its cities, or a country extract with `whose-streets analyze "
                                 f"{area.osm_ref} --pbf FILE`"}), 422
    row = find_or_create_area(store(), area)
    try:
        job, created = jobs().submit(row.id, payload["query"])
    except QueueFull as exc:
        return jsonify({"error": str(exc)}), 503, {"Retry-After": "120"}
    return jsonify({"job": describe(job), "created": created}), 202 if created else 200


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    with store().session() as session:
        row = jobs().get(session, job_id)
        if row is None:
            abort(404, description=f"no job {job_id}")
        return jsonify(describe(row))


@bp.errorhandler(404)
def not_found(exc):
    return jsonify({"error": exc.description}), 404
