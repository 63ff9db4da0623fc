"""A region's figures, for its page, the JSON API, the CSV of its table and for publishing.

Pure store reading (no Flask): ``region_data`` gives everything the region page shows (the
region's headline, one row per municipality, the choropleth's classes and outlines), so any
other renderer (a published static site) calls the same function.

The choropleth colours municipalities by the share of person-named streets honouring women,
in fixed classes (so two regions' maps compare) on viridis, a sequential scale that stays
readable with every common colour-vision deficiency and in greyscale. A municipality with
fewer than ``MIN_PERSON_STREETS`` person-named streets is drawn apart (grey, dashed) and
its share is not classed: three streets say nothing about a town.
"""
from __future__ import annotations

import shapely
from shapely.geometry import mapping
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.gaps import GapQuery, gap_page
from app.store import Store
from app.store.records import find_analysed_area
from app.store.models import AreaRow, RegionMemberRow, RegionRow
from app.tables import Column, Table, columns, csv_text

#: Below this many person-named streets a municipality's share is not shown on the map's scale.
MIN_PERSON_STREETS = 10
#: Upper bounds of the share classes (the last class is everything from 25 % up).
SHARE_BREAKS = (0.05, 0.10, 0.15, 0.20, 0.25)
#: viridis, light (few women) to dark (more women): one colour per class.
SHARE_COLOURS = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
TOO_FEW_COLOUR = "#bdbdbd"
#: Simplification of the outlines drawn on the choropleth (degrees: about 50 m).
OUTLINE_TOLERANCE = 0.0005

#: The region table's columns, in the CSV and the JSON API (published: do not rename).
TABLE_COLUMNS = (
    "municipality", "slug", "osm", "wikidata", "status", "streets", "person_streets", "women_streets",
    "women_share", "women_share_by_length", "women_share_by_person", "women_without_article",
)
#: The region table as the CSV gives it: the region's slug first, then one municipality a row.
MUNICIPALITIES = Table("municipalities", (Column("region"), *columns(*TABLE_COLUMNS)))


class RegionNotFound(LookupError):
    """No region has this slug."""


def outline_geojson(shape, tolerance: float = OUTLINE_TOLERANCE) -> dict:
    """A boundary simplified for the choropleth, as a GeoJSON geometry with 5 decimals."""
    simple = shapely.simplify(shape, tolerance, preserve_topology=True)
    return mapping(shapely.set_precision(simple, 1e-5))


def city_figures(store: Store, area_id: int) -> dict:
    """What the region table shows of a city beyond its headline: women honoured without an article."""
    with store.session() as session:
        slug = session.get(AreaRow, area_id).slug
    area = find_analysed_area(store, slug)
    return {"women_without_article": gap_page(store, area, GapQuery(list="articles", page_size=1)).total}


def share_class(share: float | None, person_streets: int) -> int | None:
    """The choropleth class of a share (0 .. len(SHARE_BREAKS)); None when there is too little to say."""
    if share is None or person_streets < MIN_PERSON_STREETS:
        return None
    return sum(1 for bound in SHARE_BREAKS if share >= bound)


def legend() -> list[dict]:
    """The choropleth's classes: colour and share bounds (the last class has no upper bound)."""
    lows = (0.0, *SHARE_BREAKS)
    highs = (*SHARE_BREAKS, None)
    return [{"colour": c, "from": lo, "to": hi} for c, lo, hi in zip(SHARE_COLOURS, lows, highs)]


def region_summary(region: RegionRow) -> dict:
    return {
        "slug": region.slug,
        "name": region.name,
        "osm": f"{region.osm_type}/{region.osm_id}" if region.osm_id is not None else None,
        "wikidata": region.wikidata,
        "admin_level": region.admin_level,
        "country_code": region.country_code,
        "source": region.source,
        "status": region.status,
        "municipality_count": region.total,
        "done": region.done,
        "finished_at": region.finished_at.isoformat() + "Z" if region.finished_at else None,
        "stats": region.stats,
    }


def region_list(store: Store) -> list[dict]:
    """Every region, by name."""
    with store.session() as session:
        return [region_summary(r) for r in session.scalars(select(RegionRow).order_by(RegionRow.name))]


def member_row(member: RegionMemberRow) -> dict:
    area = member.area
    stats = (area.stats or {}) if member.status == "done" else {}
    person_streets = stats.get("person_streets") or 0
    return {
        "municipality": area.name,
        "slug": area.slug if area.current_run_id is not None else None,
        "osm": f"{area.osm_type}/{area.osm_id}",
        "wikidata": area.wikidata,
        "status": member.status,
        "streets": stats.get("streets") or 0,
        "person_streets": person_streets,
        "women_streets": stats.get("women_streets") or 0,
        "women_share": stats.get("women_share"),
        "women_share_by_length": stats.get("women_share_by_length"),
        "women_share_by_person": stats.get("women_share_by_person"),
        "women_without_article": (member.figures or {}).get("women_without_article"),
        "share_class": share_class(stats.get("women_share"), person_streets),
    }


def region_data(store: Store, slug: str) -> dict:
    """Everything the region page shows: the region, its headline, its table and its map's features."""
    with store.session() as session:
        region = session.scalar(
            select(RegionRow).where(RegionRow.slug == slug)
            .options(selectinload(RegionRow.members).selectinload(RegionMemberRow.area))
        )
        if region is None:
            raise RegionNotFound(f"no region {slug!r}")
        rows, features = [], []
        for member in sorted(region.members, key=lambda m: m.area.name):
            row = member_row(member)
            rows.append(row)
            if member.outline:
                features.append({"type": "Feature", "geometry": member.outline,
                                 "properties": {k: row[k] for k in ("municipality", "slug", "status", "women_share",
                                                                    "person_streets", "share_class")}})
        return {
            **region_summary(region),
            "notes": region.notes or {},
            "min_person_streets": MIN_PERSON_STREETS,
            "legend": legend(),
            "too_few_colour": TOO_FEW_COLOUR,
            "municipalities": rows,
            "map": {"type": "FeatureCollection", "features": features},
        }


def region_rows(data: dict) -> list[dict]:
    """The rows of the region table (``MUNICIPALITIES``): each municipality's, the region's slug first."""
    return [{"region": data["slug"], **row} for row in data["municipalities"]]


def region_csv(data: dict) -> str:
    """The region table as CSV, as the service serves it (for a published region)."""
    return csv_text(MUNICIPALITIES, region_rows(data))
