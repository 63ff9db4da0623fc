"""The .pbf path gives the same streets as the Overpass path for the fixture city.

The extract is written here with osmium.SimpleWriter from the very fixtures the
Overpass stand-in replays (plus the two boundaries and one street outside the
city, which the boundary filter must drop).
"""
from __future__ import annotations

import json

import osmium
import pytest
import shapely

from app.domain import Area
from app.osm.pbf import BoundaryIncomplete, boundary_from_pbf, bbox_polygon, read_area_from_pbf, streets_from_pbf
from app.osm.overpass import OverpassClient
from app.osm.streets import fetch_streets
from app.remote import RetryPolicy
from tests.standins.overpass import FIXTURE_DIR

OUTSIDE_WAY = 120  # "Calle Afuera", west of the city boundary


def _load(name: str) -> dict:
    return json.loads((FIXTURE_DIR / name).read_text(encoding="utf-8"))


def write_fixture_pbf(path, *, drop_boundary_way: int | None = None) -> None:
    streets = _load("streets_1001.json")["elements"]
    boundaries = _load("boundaries_1001_1002.json")["elements"]
    nodes: dict[int, tuple[float, float]] = {}
    ways: list[tuple[int, list[int], dict]] = []
    relations: list[tuple[int, list[tuple[str, int, str]], dict]] = []
    by_coord: dict[tuple[float, float], int] = {}

    def node_for(lon: float, lat: float) -> int:
        # Boundary rings share their corner nodes, as in OSM.
        if (lon, lat) not in by_coord:
            by_coord[(lon, lat)] = 800_000 + len(by_coord)
            nodes[by_coord[(lon, lat)]] = (lon, lat)
        return by_coord[(lon, lat)]

    for el in streets:
        if el["type"] == "way":
            for n, p in zip(el["nodes"], el["geometry"]):
                nodes[n] = (p["lon"], p["lat"])
            ways.append((el["id"], el["nodes"], el["tags"]))
        else:
            relations.append((el["id"], [("w", m["ref"], m["role"]) for m in el["members"]], el["tags"]))
    for el in boundaries:
        members = []
        for m in el["members"]:
            if m["ref"] != drop_boundary_way:
                ways.append((m["ref"], [node_for(p["lon"], p["lat"]) for p in m["geometry"]], {"boundary": "administrative"}))
            members.append(("w", m["ref"], m["role"]))
        relations.append((el["id"], members, el["tags"]))
    outside = [node_for(-56.30, -34.90), node_for(-56.29, -34.90)]
    ways.append((OUTSIDE_WAY, outside, {"highway": "residential", "name": "Calle Afuera"}))

    with osmium.SimpleWriter(str(path)) as writer:
        for nid in sorted(nodes):
            writer.add_node(osmium.osm.mutable.Node(id=nid, location=nodes[nid], version=1))
        for wid, refs, tags in sorted(ways, key=lambda w: w[0]):
            writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
        for rid, members, tags in sorted(relations, key=lambda r: r[0]):
            writer.add_relation(osmium.osm.mutable.Relation(id=rid, members=members, tags=tags, version=1))


@pytest.fixture
def fixture_pbf(tmp_path):
    path = tmp_path / "villa_ejemplo.osm.pbf"
    write_fixture_pbf(path)
    return path


def test_area_from_pbf_has_tags_and_country(fixture_pbf):
    area = read_area_from_pbf(fixture_pbf, 1001)
    assert (area.osm_id, area.name, area.admin_level, area.wikidata) == (1001, "Villa Ejemplo", 8, "Q900100")
    assert area.country_code == "UY"
    assert area.parent == "Uruguay"
    assert area.languages == []


def test_pbf_streets_match_the_overpass_path(fixture_pbf, overpass_server):
    area = read_area_from_pbf(fixture_pbf, 1001)
    from_pbf = streets_from_pbf(fixture_pbf, area)
    client = OverpassClient([overpass_server.url], policy=RetryPolicy(attempts=2, base_delay=0.01, timeout=2))
    from_overpass = fetch_streets(client, area)
    assert len(from_overpass) == 17
    assert [s.key for s in from_pbf] == [s.key for s in from_overpass]
    assert "Calle Afuera" not in {s.name for s in from_pbf}
    for a, b in zip(from_pbf, from_overpass):
        assert (a.name, a.kind, a.osm_ids, a.etymology_ids, a.wikidata) == (b.name, b.kind, b.osm_ids, b.etymology_ids, b.wikidata)
        assert a.length_m == pytest.approx(b.length_m, rel=1e-6)


def test_boundary_polygon_is_the_relation_ring(fixture_pbf):
    polygon = boundary_from_pbf(fixture_pbf, 1001)
    assert polygon.equals(shapely.box(-56.20, -34.92, -56.11, -34.88))


def test_cut_boundary_is_reported_and_a_bbox_can_stand_in(tmp_path):
    path = tmp_path / "cut.osm.pbf"
    write_fixture_pbf(path, drop_boundary_way=9002)
    area = Area("relation", 1001, "Villa Ejemplo")
    with pytest.raises(BoundaryIncomplete, match="missing from the extract"):
        streets_from_pbf(path, area)
    streets = streets_from_pbf(path, area, boundary=bbox_polygon(-56.20, -34.92, -56.11, -34.88))
    assert len(streets) == 17


def test_missing_relation_is_a_lookup_error(fixture_pbf):
    with pytest.raises(LookupError):
        read_area_from_pbf(fixture_pbf, 424242)
