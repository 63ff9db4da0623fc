"""One analysis of a city, from its streets to a stored run.

This is the only module that knows the order of the stages; each stage lives
in its own package (osm, names, wikidata, classify) and takes plain values.
"""
from __future__ import annotations

import gc
import logging
import pickle
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from app.areas import overpass_client, with_languages
from app.classify import StreetBasis, bases_to_json, build_evidence_from_reading, decide_streets
from app.collector import collector_paused
from app.config import INTERFACE_LANGUAGES, Settings
from app.domain import Area, Decision, Evidence, Namesake, Progress, Street
from app.failures import public_reason
from app.mapdata import prepare_map_data_for_area
from app.names import NameReading, names_to_look_up, read_street_name
from app.osm.streets import fetch_streets
from app.regions import city_figures, outline_geojson
from app.remote import RemoteError
from app.reviews import apply_reviews_since, review_evidence
from app.stats import headline
from app.store import Store, StoreCache
from app.store.models import AreaRow
from app.store.records import (
    area_from_row,
    follow_renamed_streets,
    latest_reviews,
    save_run,
    stored_namesakes,
)
from app.store.regions import (
    MemberLeaseLost,
    check_member_lease,
    claim_member,
    fail_member,
    finish_member,
    finish_region_if_complete,
    prepare_member,
    set_region_stage,
    start_region_run,
    stop_region,
    store_namesakes,
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
            cache=StoreCache.for_settings(store, settings),
            policy=settings.retry_policy(),
            offline=offline or settings.offline,
            max_age=settings.cache_max_age,
        ),
    )


def read_names(streets: list[Street], languages: list[str]) -> tuple[dict, dict[str, list[str]]]:
    """Each street's reading of its name, and the person names worth looking up on Wikidata.

    Each distinct name is read once: in a region, "Calle Mayor" is one reading for every town.
    """
    read: dict[str, object] = {}
    readings = {}
    for street in streets:
        if street.name not in read:
            read[street.name] = read_street_name(street.name, languages)
        readings[street.key] = read[street.name]
    person_names = {key: names_to_look_up(r) for key, r in readings.items()}
    return readings, {key: names for key, names in person_names.items() if names}


def resolve(area: Area, streets: list[Street], readings: dict, person_names: dict, clients: Clients,
            progress: Progress, street_cities: dict[str, str | None] | None = None) -> tuple[dict, dict[str, Namesake]]:
    """Namesake evidence and entity facts for the streets (of one city, or a whole region at once)."""
    # Facts in the interface's languages too, so pages can show people in the visitor's language.
    return resolve_namesakes(clients.sparql, area, streets, person_names, progress=progress,
                             label_languages=INTERFACE_LANGUAGES, readings=readings, street_cities=street_cities)


@dataclass
class Shared:
    """What a region run works out once for all its towns, whose streets share most of their names:
    equal bases as the very same objects (``street_bases``), then their decisions and stored form
    (``app.classify.basis_signature``). Valid while the namesakes' facts do not change."""

    bases: dict = field(default_factory=dict)
    decided: dict = field(default_factory=dict)
    written: dict = field(default_factory=dict)


def street_bases(area: Area, streets: list[Street], readings: dict, evidence: dict,
                 shared: dict | None = None) -> list[StreetBasis]:
    """What each street's decision rests on: Wikidata's and OSM's evidence first, then what the name
    itself says (rules, titles, first names). Streets whose evidence is equal get the same evidence
    list, so that they are decided once (``app.classify.basis_signature``); ``shared``: that memo
    kept across calls (a region's towns)."""
    shared = {} if shared is None else shared
    said_of: dict[int, tuple] = {}  # by the reading's identity: hashing a reading costs more than the lookup
    bases = []
    for street in streets:
        reading = readings[street.key]
        said = said_of.get(id(reading))
        if said is None:
            said = said_of[id(reading)] = said_by_name(reading, area.country_code)
        remote = evidence.get(street.key, [])
        same = (id(reading), id(said), *map(_evidence_values, remote))
        known = shared.get(same)
        if known is None:  # the reading and the name's evidence kept alive with it: the key holds their ids
            known = shared[same] = (remote + list(said), reading, said)
        bases.append(StreetBasis(street.key, street.name, reading, known[0]))
    return bases


def _evidence_values(evidence: Evidence) -> tuple:
    return tuple(tuple(v) if isinstance(v, list) else v for v in vars(evidence).values())


@lru_cache(maxsize=1 << 15)
def said_by_name(reading: NameReading, country_code: str | None) -> tuple[Evidence, ...]:
    """What a name says on its own, worked out once per name and country: a region's towns share
    most of their names ("Calle Mayor"). Evidence is never changed in place (decisions copy it)."""
    return tuple(build_evidence_from_reading(reading, country_code))


def fetch_reviewed_namesakes(reviews: dict, namesakes: dict[str, Namesake], clients: Clients,
                             area: Area, store: Store | None) -> None:
    """Add to ``namesakes`` the facts of every namesake a review names that the analysis did not meet."""
    reviewed_qids = {q for review in reviews.values() for q in (review.qids or []) if q not in namesakes}
    if not reviewed_qids:
        return
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


def save_city(
    store: Store,
    area_id: int,
    area: Area,
    streets: list[Street],
    readings: dict,
    evidence: dict,
    entities: dict[str, Namesake],
    clients: Clients,
    progress: Progress,
    *,
    source: str,
    job_id: int | None = None,
    stored_qids: Collection[str] = (),
    shared: Shared | None = None,
) -> tuple[int, dict[str, Decision]]:
    """Decide every street of a city with its volunteers' reviews and store the run; (run id, decisions).

    ``stored_qids``: namesakes whose facts the store holds already (``save_run``). ``shared``: what
    a region's towns decide once for all (``Shared``), with ``entities`` the region's."""
    moved = follow_renamed_streets(store, area_id, streets)
    if moved:
        log.info("reviews moved to the new keys of edited streets: %s", moved)
    reviews = latest_reviews(store, area_id)
    progress("classifying", 0, len(streets))
    shared = Shared() if shared is None else shared
    known = len(entities)
    fetch_reviewed_namesakes(reviews, entities, clients, area, store)
    if len(entities) != known:  # facts a decision made before may have lacked
        shared.decided.clear()
    bases = street_bases(area, streets, readings, evidence, shared.bases)
    decisions, conflicts = decide_streets(bases, entities, {key: review_evidence(r) for key, r in reviews.items()},
                                          shared.decided)
    progress("saving", 0, len(streets))
    # Only this city's namesakes (a region resolves thousands at once for all its towns).
    own = _mentioned(streets, evidence, entities)
    own.update({q: entities[q] for d in decisions.values() for q in d.qids if q in entities})
    run_id = save_run(store, area_id, streets=streets, readings=readings, decisions=decisions,
                      namesakes=own, conflicts=conflicts, source=source, figures=headline, job_id=job_id,
                      stored_qids=stored_qids, bases=bases_to_json(bases, shared.written))
    # Reviews saved while this analysis ran went to the previous run's streets, now gone:
    # apply them to the new run, exactly as saving them would have.
    newest = max((review.id for review in reviews.values()), default=0)
    apply_reviews_since(store, area_id, newest)
    progress("preparing the map", 0, 0)
    prepare_map_data_for_area(store, area_id, {street.key: street.lines for street in streets})
    return run_id, decisions


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
    with collector_paused():  # see app.collector: the walks cost 40 % of an analysis
        return _analyze(store, area_id, clients, progress, pbf, job_id)


def _analyze(store: Store, area_id: int, clients: Clients, progress: Progress, pbf: Path | None,
             job_id: int | None) -> int:
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

    progress("reading street names", 0, len(streets))
    readings, person_names = read_names(streets, area.languages)
    evidence, entities = resolve(area, streets, readings, person_names, clients, progress)
    run_id, _decisions = save_city(store, area_id, area, streets, readings, evidence, entities, clients, progress,
                                   source="pbf" if pbf is not None else "overpass", job_id=job_id)
    return run_id


def analyze_region(
    store: Store,
    clients: Clients,
    progress: Progress,
    *,
    pbf: Path | None = None,
    region: Area | None = None,
    admin_level: int = 8,
    within: int | None = None,
    queue: Callable[[int], None] | None = None,
    lease_seconds: float = 60.0,
) -> int:
    """Analyse every municipality of a region; returns the region's id.

    From an extract (``pbf``, optionally ``within`` a boundary relation id), read once; or from
    Overpass for a small ``region`` (an Area), municipality by municipality. Then the same stages
    as a city (``read_names``, ``resolve``, ``save_city``), each name read and looked up once for
    the whole region (SPARQL batched across it), one run stored per municipality. A run that was
    cut short resumes: the municipalities it finished keep their runs and are not stored again.

    ``queue``: hand each municipality, with everything it needs, to the background workers
    (``analyze_member`` runs there) instead of storing it here; the last one to finish completes
    the region. With PostgreSQL and a Redis queue, several worker processes share them. A
    municipality a worker is storing under a live lease (``lease_seconds``) is left to it.
    """
    # What the region reads, reads names for and resolves lives to the end of the run and holds no
    # reference cycles: built with the collector paused, then frozen out of its sight (gc.freeze) so
    # that no collection walks it again. Each town's storing ends with one collection, over that
    # town's leftovers only, and what outlives it (the shared memos) is frozen in turn.
    try:
        with collector_paused(collect_after=False):
            region_id, members, found, source = _start_region(store, clients, progress, pbf, region,
                                                              admin_level, within, lease_seconds)
            gc.freeze()
        _run_region(store, clients, progress, region_id, members, found, source, queue)
    finally:
        gc.unfreeze()
    return region_id


def _start_region(store: Store, clients: Clients, progress: Progress, pbf: Path | None, region: Area | None,
                  admin_level: int, within: int | None, lease_seconds: float):
    """The region's municipalities with their streets, and its run started: (region id, members, found, source)."""
    # pyosmium, numpy and shapely load only for regions, not for every city analysis or CLI command.
    from app.osm.region import region_from_overpass, region_from_pbf

    if pbf is not None:
        progress("OpenStreetMap: reading the extract", 0, 0)
        found = region_from_pbf(pbf, admin_level=admin_level, within=within)
        source, fallback_name = "pbf", Path(pbf).name.split(".")[0]
    else:
        progress("OpenStreetMap: fetching the municipalities", 0, 0)
        found = region_from_overpass(clients.overpass, region, admin_level=admin_level, progress=progress)
        source, fallback_name = "overpass", region.name
    if not found.municipalities:
        where = f" inside {found.region.name}" if found.region else ""
        raise RuntimeError(f"no whole boundary of admin_level {admin_level}{where} in "
                           f"{'the extract' if pbf is not None else 'OpenStreetMap'}")
    for municipality in found.municipalities:
        with_languages(municipality.area)
    region_id, members = start_region_run(
        store, found.region, fallback_name, admin_level=admin_level, source=source,
        municipalities=[(m.area, outline_geojson(m.shape)) for m in found.municipalities],
        notes={"outside": found.outside, "skipped": found.skipped}, lease_seconds=lease_seconds, extract=pbf)
    return region_id, members, found, source


def _run_region(store: Store, clients: Clients, progress: Progress, region_id: int, members: dict, found,
                source: str, queue: Callable[[int], None] | None) -> None:
    """Read and resolve the names of the municipalities still to store, then store (or queue) each."""
    municipalities = found.municipalities
    region_stage = [""]

    def report(stage: str, done: int = 0, total: int = 0) -> None:
        progress(stage, done, total)
        if stage != region_stage[0]:  # the region's row counts municipalities; it shows the stage too
            region_stage[0] = stage
            set_region_stage(store, region_id, stage)

    try:
        with collector_paused(collect_after=False):
            _say_borders(municipalities, found.borders)
            # Only the municipalities still to store are read and resolved (all of them on a first run),
            # each distinct name once for all of them.
            todo = [m for m in municipalities if members[m.area.osm_id].status == "pending"]
            report("reading street names", 0, sum(len(m.streets) for m in todo))
            readings: dict = {}
            evidence: dict = {}
            entities: dict[str, Namesake] = {}
            for group_area, group in _language_groups(found.region, todo):
                streets = [s for m in group for s in m.streets]
                group_readings, group_names = read_names(streets, group_area.languages)
                readings.update(group_readings)
                cities = {s.key: m.area.wikidata for m in group for s in m.streets}
                group_evidence, group_entities = resolve(group_area, streets, group_readings, group_names, clients,
                                                         report, cities)
                evidence.update(group_evidence)
                entities.update(group_entities)
            # The namesakes once for the whole region (the towns share most of them): storing a town
            # then writes only its streets.
            stored_qids = store_namesakes(store, entities)
            gc.freeze()

        total, done = len(municipalities), len(municipalities) - len(todo)
        # Queued, the region's row counts what the workers stored; here only the terminal hears of queueing.
        say = progress if queue else report
        shared = Shared()
        for municipality in todo:
            say("municipalities queued" if queue else "municipalities", done, total)
            member = members[municipality.area.osm_id]
            area, streets = municipality.area, municipality.streets
            if not streets:
                finish_member(store, member.id, run_id=None, figures={})
            elif queue is not None:
                keys = {s.key for s in streets}
                if prepare_member(store, member.id, pickle.dumps(MemberWork(
                        area, streets, {k: readings[k] for k in keys}, {k: evidence[k] for k in keys},
                        _mentioned(streets, evidence, entities), source, stored_qids))):
                    queue(member.id)
            else:
                with collector_paused():
                    run_id, _ = save_city(store, member.area_id, area, streets, readings, evidence, entities,
                                          clients, lambda *_: None, source=source, stored_qids=stored_qids,
                                          shared=shared)
                    finish_member(store, member.id, run_id=run_id, figures=city_figures(store, member.area_id))
                gc.freeze()
            done += 1
        say("municipalities queued" if queue else "municipalities", done, total)
        finish_region_if_complete(store, region_id, headline)
    except Exception as exc:
        stop_region(store, region_id, "failed", public_reason(exc))
        raise
    except BaseException:
        stop_region(store, region_id, "interrupted", "interrupted before it finished")
        raise

@dataclass
class MemberWork:
    """What a worker needs to store one municipality of a region run (kept on its region_members row)."""

    area: Area
    streets: list[Street]
    readings: dict
    evidence: dict
    entities: dict[str, Namesake]
    source: str
    stored_qids: frozenset[str] = frozenset()  # namesakes the region run stored already


def _mentioned(streets: list[Street], evidence: dict, entities: dict[str, Namesake]) -> dict[str, Namesake]:
    """The facts of every namesake the streets' evidence names (alternatives too)."""
    qids = {q for s in streets for e in evidence.get(s.key, ()) for q in (*e.qids, *e.alternatives)}
    return {q: entities[q] for q in qids if q in entities}


def analyze_member(store: Store, member_id: int, clients: Clients, worker_id: str) -> None:
    """Store one municipality a region run queued, under ``worker_id``'s lease (a background worker's
    task; app.jobs.Leases renews the lease); the last one completes the region."""
    claimed = claim_member(store, member_id, worker_id)
    if claimed is None:
        return  # done already, or taken by another worker
    region_id, area_id, payload = claimed

    def fenced(stage: str, done: int = 0, total: int = 0) -> None:
        # A worker stalled past its lease, whose municipality another took over, stores nothing.
        if stage == "saving":
            check_member_lease(store, member_id, worker_id)

    try:
        # Our own pickle, written by the region run into our own store: never data from outside.
        work: MemberWork = pickle.loads(payload)
        run_id, _ = save_city(store, area_id, work.area, work.streets, work.readings, work.evidence, work.entities,
                              clients, fenced, source=work.source, stored_qids=work.stored_qids)
        finish_member(store, member_id, run_id=run_id, figures=city_figures(store, area_id))
    except MemberLeaseLost as exc:
        log.warning("%s; this worker stops it", exc)
        return
    except Exception as exc:
        log.exception("municipality %s of region %s failed", area_id, region_id)
        fail_member(store, member_id, public_reason(exc), worker_id)
        return
    finish_region_if_complete(store, region_id, headline)


def _language_groups(region: Area | None, municipalities: list) -> list[tuple[Area, list]]:
    """Municipalities that share languages and country are resolved together (usually all of them)."""
    groups: dict[tuple, list] = {}
    for m in municipalities:
        groups.setdefault((tuple(m.area.languages), m.area.country_code), []).append(m)
    return [
        (Area(osm_type="relation", osm_id=region.osm_id if region else 0,
              name=region.name if region else "region", country_code=country, languages=list(languages)), group)
        for (languages, country), group in groups.items()
    ]


def _say_borders(municipalities: list, borders: dict) -> None:
    """Name the municipalities on each border-crossing street (shown on its street page)."""
    by_id = {m.area.osm_id: m.area for m in municipalities}
    for municipality in municipalities:
        for street in municipality.streets:
            shares = borders.get(street.key)
            if shares:
                street.border_shares = [{"name": by_id[osm_id].name, "slug": by_id[osm_id].slug,
                                         "osm": by_id[osm_id].osm_ref, "share": share} for osm_id, share in shares]
