"""Per-street downloads: CSV and GeoJSON, one row (feature) per street of a city's current run.

The columns are published (docs/csv-columns.md) and must stay stable. Both formats are produced
as generators of text chunks, reading the streets in batches, so a city of 100,000 streets never
sits in memory as one string. Values from OpenStreetMap and Wikidata are untrusted: the CSV is
written by the one table writer (app/tables.py), which neutralises cells a spreadsheet would run.
"""
from __future__ import annotations

import json
from typing import Iterator, TextIO

from sqlalchemy import select, tuple_
from sqlalchemy.orm import selectinload

from app.domain import PERSON_CATEGORIES, pick_text
from app.store import Store
from app.store.models import StreetNamesakeRow, StreetRow
from app.store.records import AnalysedArea, find_analysed_area
from app.tables import Table, columns, iter_csv

COLUMNS = (
    "city", "street_id", "street_name", "osm_ids", "length_m", "category", "persons", "wikidata_ids",
    "genders", "source", "confidence", "wikipedia_url", "sitelinks", "birth_year", "death_year", "reviewed",
    "religious",
)
#: Columns holding numbers (or ;-joined numbers) we produce ourselves: never treated as formulas.
NUMERIC_COLUMNS = frozenset({"length_m", "sitelinks", "birth_year", "death_year"})
#: Columns whose cells are lists, one entry per namesake (joined with ";" in the CSV).
LIST_COLUMNS = ("osm_ids", "persons", "wikidata_ids", "genders", "wikipedia_url", "sitelinks",
                "birth_year", "death_year")
#: The per-street table, as the one CSV writer (app/tables.py) writes it.
STREETS = Table("streets", columns(*COLUMNS, numeric=NUMERIC_COLUMNS))
FORMATS = ("csv", "geojson")
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright); facts about people from Wikidata, CC0"
BATCH = 1000


def iter_streets(store: Store, area: AnalysedArea, batch: int = BATCH) -> Iterator[StreetRow]:
    """The current run's streets with their namesakes, by name, read in batches (keyset paging)."""
    last: tuple[str, int] | None = None
    while True:
        with store.session() as session:
            stmt = (
                select(StreetRow)
                .where(StreetRow.run_id == area.run_id)
                .options(selectinload(StreetRow.links).selectinload(StreetNamesakeRow.namesake))
                .order_by(StreetRow.name, StreetRow.id)
                .limit(batch)
            )
            if last is not None:
                stmt = stmt.where(tuple_(StreetRow.name, StreetRow.id) > last)
            rows = list(session.scalars(stmt))
            session.expunge_all()
        if not rows:
            return
        yield from rows
        if len(rows) < batch:
            return
        last = (rows[-1].name, rows[-1].id)


def namesakes_of(street: StreetRow) -> list:
    return [link.namesake for link in street.links if link.namesake is not None]


def street_record(area: AnalysedArea, street: StreetRow) -> dict:
    """The facts of one street under the published column names; list columns hold Python lists.

    Per-namesake lists are aligned (the n-th entry of each belongs to the n-th person); a missing
    fact is an empty string (or None for numbers) at its place.
    """
    people = namesakes_of(street)
    lang = area.language
    if people:
        persons = [pick_text(p.labels, area.languages) or p.qid for p in people]
    elif street.category in PERSON_CATEGORIES and street.name_part:
        # Known only from the name (first name, title): the name as read, no Wikidata facts.
        persons = [street.name_part]
    else:
        persons = []
    return {
        "city": area.slug,
        "street_id": street.key,
        "street_name": street.name,
        "osm_ids": list(street.osm_ids or []),
        "length_m": round(street.length_m or 0.0, 1),
        "category": street.category,
        "persons": persons,
        "wikidata_ids": [p.qid for p in people],
        # Raw P21 labels; a person with several values gets them joined with "/".
        "genders": ["/".join(p.gender_labels or []) for p in people],
        "source": street.source or "",
        "confidence": street.confidence or "",
        "wikipedia_url": [(p.articles or {}).get(lang, "") if lang else "" for p in people],
        "sitelinks": [p.sitelinks or 0 for p in people],
        "birth_year": [p.birth_year for p in people],
        "death_year": [p.death_year for p in people],
        "reviewed": bool(street.reviewed),
        "religious": bool(street.religious),
    }


def _csv_chunks(store: Store, area: AnalysedArea) -> Iterator[str]:
    return iter_csv(STREETS, (street_record(area, street) for street in iter_streets(store, area)))


def geojson_properties(record: dict) -> dict:
    """GeoJSON properties: the CSV columns with the same names; lists stay JSON arrays."""
    return dict(record)


def _geojson_chunks(store: Store, area: AnalysedArea) -> Iterator[str]:
    head = {
        "type": "FeatureCollection",
        "name": f"{area.slug}-streets",
        "attribution": ATTRIBUTION,
        "license": "ODbL-1.0",
        "columns": list(COLUMNS),
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": ['
    yield opening
    for i, street in enumerate(iter_streets(store, area)):
        feature = {
            "type": "Feature",
            "id": street.key,
            "geometry": {"type": "MultiLineString", "coordinates": street.geometry or []},
            "properties": geojson_properties(street_record(area, street)),
        }
        yield ("," if i else "") + "\n" + json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
    yield "\n]}\n"


def iter_export(store: Store, slug: str, fmt: str) -> Iterator[str]:
    """Text chunks of the export. The city is looked up at once: AreaNotFound is raised by this call,
    not later while streaming."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (csv or geojson)")
    area = find_analysed_area(store, slug)
    return _csv_chunks(store, area) if fmt == "csv" else _geojson_chunks(store, area)


def write_export(store: Store, slug: str, fmt: str, stream: TextIO) -> None:
    """Write a city's per-street table to a text stream (open it with newline="" for the CSV's CRLF)."""
    for chunk in iter_export(store, slug, fmt):
        stream.write(chunk)


def export_filename(slug: str, fmt: str) -> str:
    return f"{slug}-streets.{fmt}"
