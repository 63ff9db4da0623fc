"""One analysis of a city, from its streets to a stored run.

This is the only module that knows the order of the stages; each stage lives
in its own package (osm, names, wikidata, classify) and takes plain values.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from app import LANGUAGES as INTERFACE_LANGUAGES
from app.areas import area_from_row, overpass_client, with_languages
from app.classify import (
    build_evidence_from_reading,
    decide,
    propagate_within_city,
)
from app.config import Settings
from app.domain import SOURCE_REVIEW, Area, Decision, Namesake, Street
from app.jobs import Executor, Progress
from app.mapdata import prepare_map_data_for_area
from app.names import names_to_look_up, read_street_name
from app.osm.streets import fetch_streets
from app.remote import RemoteError
from app.reviews import apply_reviews_since, review_conflict, review_evidence
from app.store import Store
from app.store.models import AreaRow, JobRow
from app.store.records import (
    follow_renamed_streets,
    latest_reviews,
    save_run,
    stored_namesakes,
)
from app.wikidata.client import SparqlClient
from app.wikidata.facts import fetch_namesakes
from app.wikidata.namesakes import resolve_namesakes

log = logging.getLogger(__name__)


@dataclass
class Clients:
    overpass: object
    sparql: object


def make_clients(settings: Settings, store: Store, *, offline: bool = False) -> Clients:
    return Clients(
        overpass=overpass_client(settings, store, offline=offline),
        sparql=SparqlClient(
            settings.sparql_urls,
            contact=settings.contact,
            cache=settings.remote_cache(store),
            policy=settings.retry_policy(),
            offline=offline or settings.offline,
            max_age=settings.cache_max_age,
        ),
    )


def classify_streets(
    area: Area,
    streets: list[Street],
    clients: Clients,
    reviews: dict,
    progress: Progress,
    store: Store | None = None,
) -> tuple[dict, dict[str, Decision], dict[str, Namesake], dict[str, str]]:
    """Readings, decisions, namesake facts and review conflicts for every street."""
    progress("reading street names", 0, len(streets))
    readings = {s.key: read_street_name(s.name, area.languages) for s in streets}
    name_parts = {key: names_to_look_up(r) for key, r in readings.items()}
    name_parts = {key: names for key, names in name_parts.items() if names}

    # Facts in the interface's languages too, so pages can show people in the visitor's language.
    evidence, namesakes = resolve_namesakes(clients.sparql, area, streets, name_parts, progress=progress,
                                            label_languages=INTERFACE_LANGUAGES, readings=readings)

    reviewed_qids = {q for review in reviews.values() for q in (review.qids or []) if q not in namesakes}
    if reviewed_qids:
        try:
            namesakes.update(fetch_namesakes(clients.sparql, sorted(reviewed_qids), area.languages))
        except RemoteError as exc:
            log.warning("reviewed namesakes could not be refreshed from Wikidata: %s", exc)
        # An id Wikidata no longer answers for (merged, deleted, or not cached offline) keeps
        # the facts the store has, so the volunteer's review still decides the street.
        missing = reviewed_qids - namesakes.keys()
        if missing and store is not None:
            with store.session() as session:
                namesakes.update(stored_namesakes(session, missing))

    progress("classifying", 0, len(streets))
    # Wikidata's evidence first, then what the name itself says (rules, titles, first names).
    for street in streets:
        evidence[street.key] = evidence.get(street.key, []) + build_evidence_from_reading(
            readings[street.key], area.country_code
        )
    automatic: dict[str, Decision] = {}
    for street in streets:
        automatic[street.key] = decide(street.name, readings[street.key], evidence[street.key], namesakes)

    decisions: dict[str, Decision] = {}
    conflicts: dict[str, str] = {}
    for street in streets:
        auto = automatic[street.key]
        review = reviews.get(street.key)
        if review is None:
            decisions[street.key] = auto
            continue
        decided = decide(street.name, readings[street.key], evidence[street.key], namesakes,
                         review=review_evidence(review))
        decisions[street.key] = decided
        if decided.source != SOURCE_REVIEW:
            conflicts[street.key] = "the reviewed Wikidata ids are unknown to Wikidata and to the store"
        elif conflict := review_conflict(auto, decided, list(review.qids or [])):
            conflicts[street.key] = conflict
    # Spread tags to untagged homonyms last, so a tag a volunteer rejected on its street spreads no further.
    decisions = propagate_within_city(streets, decisions)
    return readings, decisions, namesakes, conflicts


def analyze(
    store: Store,
    area_id: int,
    clients: Clients,
    progress: Progress,
    *,
    pbf: Path | None = None,
    job_id: int | None = None,
) -> int:
    """Run the whole analysis of a stored area and return the new run's id (stored with ``job_id``)."""
    with store.session() as session:
        area = with_languages(area_from_row(session.get(AreaRow, area_id)))

    progress("OpenStreetMap: fetching streets", 0, 0)
    if pbf is not None:
        from app.osm.pbf import streets_from_pbf  # pyosmium and shapely: only for extracts

        streets = streets_from_pbf(pbf, area)
    else:
        streets = fetch_streets(clients.overpass, area)
    if not streets:
        raise RuntimeError(f"OpenStreetMap has no named streets inside {area.name} ({area.osm_ref})")
    progress("OpenStreetMap: streets assembled", len(streets), len(streets))

    moved = follow_renamed_streets(store, area_id, streets)
    if moved:
        log.info("reviews moved to the new keys of edited streets: %s", moved)
    reviews = latest_reviews(store, area_id)
    readings, decisions, namesakes, conflicts = classify_streets(area, streets, clients, reviews, progress, store)

    progress("saving", 0, len(streets))
    run_id = save_run(
        store,
        area_id,
        streets=streets,
        readings=readings,
        decisions=decisions,
        namesakes=namesakes,
        conflicts=conflicts,
        source="pbf" if pbf is not None else "overpass",
        job_id=job_id,
    )
    # Reviews saved while this analysis ran went to the previous run's streets, now gone:
    # apply them to the new run, exactly as saving them would have.
    newest = max((review.id for review in reviews.values()), default=0)
    apply_reviews_since(store, area_id, newest)
    progress("preparing the map", 0, 0)
    prepare_map_data_for_area(store, area_id, {street.key: street.lines for street in streets})
    return run_id


def job_executor(store: Store, settings: Settings) -> Executor:
    """What a background job runs: the analysis of the job's area."""

    def execute(job: JobRow, progress: Progress) -> int:
        options = job.options or {}
        clients = make_clients(settings, store, offline=bool(options.get("offline")))
        pbf = Path(options["pbf"]) if options.get("pbf") else None
        return analyze(store, job.area_id, clients, progress, pbf=pbf, job_id=job.id)

    return execute
