"""From what a user typed to an Area: the store first (no network for known cities), then Overpass.

The Overpass and SPARQL clients and the language tables are imported where a lookup needs them: a city
already in the store is found without loading overpy, SPARQLWrapper or the CLDR/ISO tables.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from app.config import Settings
from app.domain import Area
from app.store import Store, StoreCache
from app.store.models import AreaRow
from app.store.records import area_by_slug, area_from_row

log = logging.getLogger(__name__)


#: Boundaries rarely change: what visitors type is answered from the cache for a day.
AREA_LOOKUP_MAX_AGE = 24 * 3600.0


class AreaLookupError(Exception):
    """Nothing matches what the user typed."""


class AmbiguousAreaError(Exception):
    """Several boundaries match a name: the user must choose one (``candidates``)."""

    def __init__(self, query: str, candidates: list[Area]):
        self.candidates = candidates
        super().__init__(f"{len(candidates)} places are called {query!r}: choose one")


def overpass_client(settings: Settings, store: Store, *, offline: bool = False, interactive: bool = False):
    """The Overpass client; ``interactive`` for lookups a web request waits on: two quick tries at most,
    answered from the cache for longer (AREA_LOOKUP_MAX_AGE)."""
    # The remote clients (overpy, SPARQLWrapper), the name rules and the area parser are imported in the
    # functions that use them: a page or CLI command about a city already stored never loads them.
    from app.osm.overpass import OverpassClient

    policy = settings.retry_policy()
    max_age = settings.cache_max_age
    if interactive:
        max_age = max(max_age, AREA_LOOKUP_MAX_AGE)
        policy.attempts = min(policy.attempts, 2)
        policy.timeout = min(policy.timeout, 30.0)
        policy.max_delay = min(policy.max_delay, 5.0)
    return OverpassClient(
        settings.overpass_urls,
        contact=settings.contact,
        cache=StoreCache.for_settings(store, settings),
        policy=policy,
        offline=offline or settings.offline,
        max_age=max_age,
    )


def with_languages(area: Area, sparql=None) -> Area:
    """Fill the city's languages from where it is, when they are not known yet.

    Wikidata's official languages (P37) of the city, its region and its country come
    first when ``sparql`` is given and answers; the region table and the country's
    CLDR languages otherwise (see ``app.names.languages``).
    """
    if area.languages:
        return area
    from app.names import languages_for_place

    official: list[list[str]] = []
    if sparql is not None and area.wikidata:
        from app.remote import RemoteError
        from app.wikidata.languages import official_languages

        try:
            official = official_languages(sparql, [area.wikidata, area.region_wikidata, area.country_wikidata])
        except RemoteError as exc:
            log.info("official languages of %s not from Wikidata: %s", area.name, exc)
    area.languages = languages_for_place(area.country_code, area.region, official)
    return area


def languages_client(settings: Settings, store: Store, *, offline: bool = False):
    """A SPARQL client for the languages of a place being looked up: quick, its answer is optional."""
    from app.wikidata.client import SparqlClient

    policy = settings.retry_policy()
    policy.attempts = min(policy.attempts, 2)
    policy.timeout = min(policy.timeout, 20.0)
    policy.max_delay = min(policy.max_delay, 2.0)
    policy.base_delay = min(policy.base_delay, 0.5)
    return SparqlClient(settings.sparql_urls, contact=settings.contact, cache=StoreCache.for_settings(store, settings),
                        policy=policy, offline=offline or settings.offline,
                        max_age=max(settings.cache_max_age, AREA_LOOKUP_MAX_AGE))


def known_area(store: Store, query: str) -> Area | None:
    from app.osm.area import parse_area_query

    parsed = parse_area_query(query)
    with store.session() as session:
        if parsed.kind == "relation":
            row = session.scalars(select(AreaRow).where(AreaRow.osm_type == "relation",
                                                        AreaRow.osm_id == parsed.osm_id)).first()
        elif parsed.kind == "wikidata":
            row = session.scalars(select(AreaRow).where(AreaRow.wikidata == parsed.qid)).first()
        else:
            row = area_by_slug(session, query, analysed=False)
        return area_from_row(row) if row else None


def lookup_area(settings: Settings, store: Store, query: str, *, offline: bool = False,
                interactive: bool = False) -> Area:
    """An Area for an id, a known slug or an unambiguous name; AmbiguousAreaError otherwise."""
    from app.osm.area import AmbiguousArea, resolve_area

    area = known_area(store, query)
    if area is not None:
        return with_languages(area)
    try:
        area = resolve_area(overpass_client(settings, store, offline=offline, interactive=interactive), query)
    except AmbiguousArea as exc:
        raise AmbiguousAreaError(query, list(exc.candidates)) from None
    if area is None:
        raise AreaLookupError(f"no administrative boundary matches {query!r}")
    return with_languages(area, languages_client(settings, store, offline=offline))


def search_areas(settings: Settings, store: Store, query: str) -> list[Area]:
    from app.osm.area import find_areas

    return find_areas(overpass_client(settings, store, interactive=True), query)
