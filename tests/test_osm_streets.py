"""Street assembly: the fixture city through the stand-in, and the merging rules one by one."""
from __future__ import annotations

import json
import random

import pytest
from pyproj import Geod

from app.domain import Area
from app.osm.overpass import OverpassClient
from app.osm.elements import OsmRelation, OsmWay, elements_from_overpass, elements_from_overpy
from app.osm.geometry import line_length_m
from app.osm.streets import NEAR_M, assemble_streets, fetch_streets, streets_query
from app.remote import RetryPolicy
from tests.standins.overpass import FIXTURE_DIR

AREA = Area("relation", 1001, "Villa Ejemplo", admin_level=8, country_code="UY", wikidata="Q900100")
GEOD = Geod(ellps="WGS84")


def geod_length(lines) -> float:
    total = 0.0
    for line in lines:
        lons, lats = zip(*line)
        total += GEOD.line_length(lons, lats)
    return total


@pytest.fixture
def streets(overpass_server):
    client = OverpassClient([overpass_server.url], policy=RetryPolicy(attempts=2, base_delay=0.01, timeout=2))
    return fetch_streets(client, AREA)


def by_key(streets):
    return {s.key: s for s in streets}


def test_fixture_city_streets(streets):
    got = {(s.key, s.name, s.kind) for s in streets}
    assert got == {
        ("w101", "Calle Juana de Ibarbourou", "street"),
        ("w103", "Avenida José Artigas", "street"),
        ("w104", "Calle Delmira Agustini", "street"),
        ("w105", "Calle 18 de Julio", "street"),
        ("w106", "Rambla Hermanos Pérez", "street"),
        ("w107", "Calle María y Pedro", "street"),
        ("w108", "Calle Mercedes", "street"),
        ("w109", "Calle Alex Quiroga", "street"),
        ("w110", "Calle Ana Sin Datos", "street"),
        ("w111", "Plaza Independencia", "square"),
        ("w112", "Calle Flor de Ceibo", "street"),
        ("w113", "<img src=x onerror=alert(1)>", "street"),
        ("w114", "Calle Laura Ramírez", "street"),
        ("w115", "Avenida General Flores", "street"),
        ("w117", "Calle Rivera", "street"),
        ("w118", "Calle Rivera", "street"),
        ("w119", "Calle Clara Silva", "street"),
    }
    assert [s.key for s in streets] == sorted((s.key for s in streets), key=lambda k: int(k[1:]))


def test_lengths_agree_with_an_independent_geodesic(streets):
    for street in streets:
        assert street.length_m == pytest.approx(geod_length(street.lines), rel=5e-3, abs=0.2), street.name
    juana = by_key(streets)["w101"]
    # 0.008 degrees of longitude at 34.9 S: about 730 m.
    assert juana.length_m == pytest.approx(730, rel=0.01)


def test_tags(streets):
    s = by_key(streets)
    assert s["w101"].etymology_ids == ["Q900001"]
    assert s["w107"].etymology_ids == ["Q900005", "Q900006"]
    assert s["w109"].etymology_ids == ["Q900007"]
    assert s["w106"].wikidata == "Q900010" and s["w106"].etymology_ids == []
    assert s["w115"].wikidata == "Q900012"
    assert s["w103"].etymology_ids == [] and s["w103"].wikidata is None
    assert all(st.tag_conflicts == [] for st in streets)


def test_sidewalk_is_excluded(streets):
    assert all("way/116" not in s.osm_ids for s in streets)
    assert by_key(streets)["w101"].lines == [
        [(-56.185, -34.9), (-56.183, -34.9), (-56.181, -34.9)],
        [(-56.181, -34.9), (-56.179, -34.9), (-56.177, -34.9)],
    ]


def test_homonyms_far_apart_stay_two_streets(streets):
    rivera = [s for s in streets if s.name == "Calle Rivera"]
    assert [s.osm_ids for s in rivera] == [["way/117"], ["way/118"]]


def test_associated_street_members_are_counted_once(streets):
    juana = [s for s in streets if s.name == "Calle Juana de Ibarbourou"]
    assert len(juana) == 1
    assert juana[0].osm_ids == ["way/101", "way/102", "relation/2001"]
    assert juana[0].length_m == pytest.approx(geod_length(juana[0].lines), rel=5e-3)


def test_square_geometry_is_its_ring(streets):
    plaza = by_key(streets)["w111"]
    assert plaza.lines[0][0] == plaza.lines[0][-1] and len(plaza.lines[0]) == 5


def test_query_asks_for_the_area_and_geometry(overpass_server, streets):
    sent = overpass_server.requests[-1].query
    assert sent == streets_query(AREA)
    assert "area(3600001001)" in sent and "out body geom qt" in sent and "[out:json]" in sent


def test_overpy_path_gives_the_same_streets(overpass_server):
    client = OverpassClient([overpass_server.url], policy=RetryPolicy(attempts=2, base_delay=0.01, timeout=2))
    result = client.query(streets_query(AREA))
    raw = json.loads((FIXTURE_DIR / "streets_1001.json").read_text(encoding="utf-8"))
    assert assemble_streets(*elements_from_overpy(result)) == assemble_streets(*elements_from_overpass(raw))


# --- the rules one by one, on hand-made ways -----------------------------------------

LAT = -34.9
M = 1 / 91_300  # about one metre of longitude at this latitude, in degrees


def way(wid, name, x0_m, x1_m, nodes=None, y_m=0.0, **tags):
    coords = [(-56.18 + x0_m * M, LAT + y_m / 111_000), (-56.18 + x1_m * M, LAT + y_m / 111_000)]
    all_tags = {"highway": "residential", **({"name": name} if name else {}), **tags}
    return OsmWay(wid, {k.replace("__", ":"): v for k, v in all_tags.items()}, coords, nodes)


def test_segments_sharing_a_node_merge():
    streets = assemble_streets([way(5, "A", 0, 100, [1, 2]), way(3, "A", 100, 200, [2, 3])])
    assert [(s.key, s.osm_ids) for s in streets] == [("w3", ["way/3", "way/5"])]


@pytest.mark.parametrize("gap_m, count", [(NEAR_M - 30, 1), (NEAR_M + 60, 2)])
def test_near_threshold(gap_m, count):
    streets = assemble_streets([way(1, "A", 0, 100, [1, 2]), way(2, "A", 100 + gap_m, 300 + gap_m, [3, 4])])
    assert len(streets) == count


def test_dual_carriageway_merges():
    streets = assemble_streets([way(1, "A", 0, 500, [1, 2]), way(2, "A", 500, 0, [3, 4], y_m=25)])
    assert len(streets) == 1


def test_names_compare_normalised():
    streets = assemble_streets([way(1, "Calle José", 0, 100, [1, 2]), way(2, "calle  jose", 100, 200, [2, 3])])
    assert len(streets) == 1 and streets[0].name == "Calle José"


def test_segment_tag_conflict_is_recorded_and_majority_kept():
    ways = [
        way(1, "A", 0, 100, [1, 2], name__etymology__wikidata="Q1"),
        way(2, "A", 100, 400, [2, 3], name__etymology__wikidata="Q2"),
        way(3, "A", 400, 500, [3, 4]),
    ]
    [street] = assemble_streets(ways)
    assert street.etymology_ids == ["Q2"]  # 300 m say Q2, 100 m say Q1
    assert len(street.tag_conflicts) == 1
    note = street.tag_conflicts[0]
    assert "name:etymology:wikidata" in note and "Q1 on way/1" in note and "Q2 on way/2" in note and "kept Q2" in note


def test_same_ids_in_another_order_are_no_conflict():
    ways = [
        way(1, "A", 0, 100, [1, 2], name__etymology__wikidata="Q1;Q2"),
        way(2, "A", 100, 200, [2, 3], name__etymology__wikidata="Q2; Q1"),
    ]
    [street] = assemble_streets(ways)
    assert street.tag_conflicts == [] and street.etymology_ids == ["Q1", "Q2"]


def test_subject_wikidata_and_bad_ids():
    [street] = assemble_streets([way(1, "A", 0, 100, subject__wikidata="Q7", name__etymology__wikidata="Q5;junk")])
    assert street.etymology_ids == ["Q5", "Q7"]
    assert any("junk" in note for note in street.tag_conflicts)


def test_relation_tags_apply_to_members_and_unnamed_members_join():
    ways = [way(1, "A", 0, 100, [1, 2]), way(2, None, 100, 200, [2, 3]), way(3, "A", 5000, 5100, [7, 8])]
    rel = OsmRelation(9, {"type": "street", "name": "A", "name:etymology:wikidata": "Q42", "wikidata": "Q43"}, [1, 2, 3])
    [street] = assemble_streets(ways, [rel])
    # The relation ties even the far member to the street, and its tags reach all members.
    assert street.osm_ids == ["way/1", "way/2", "way/3", "relation/9"]
    assert street.etymology_ids == ["Q42"] and street.wikidata == "Q43"


def test_way_disagreeing_with_its_relation_is_noted():
    ways = [way(1, "A", 0, 100, name__etymology__wikidata="Q1")]
    rel = OsmRelation(9, {"type": "associatedStreet", "name": "A", "name:etymology:wikidata": "Q2"}, [1])
    [street] = assemble_streets(ways, [rel])
    assert street.etymology_ids == ["Q1"]
    assert "relation/9" in street.tag_conflicts[0]


def test_way_listed_twice_counts_once():
    w = way(1, "A", 0, 100, [1, 2])
    [street] = assemble_streets([w, w], [OsmRelation(9, {"type": "associatedStreet"}, [1, 1])])
    assert street.osm_ids == ["way/1", "relation/9"]
    assert street.length_m == pytest.approx(100, rel=0.02)


def test_excluded_ways_and_languages():
    ways = [
        way(1, "A", 0, 100, [1, 2], name__es="A", name__en="A street", name__etymology="poet", name__left="x"),
        way(2, "A", 0, 100, highway="platform"),
        way(3, "B", 0, 100, highway="service", service="parking_aisle"),
        way(4, "C", 0, 100, highway="service", service="alley"),
        way(5, "D", 0, 100, highway="construction"),
    ]
    streets = assemble_streets(ways)
    assert [s.name for s in streets] == ["A", "C"]
    assert streets[0].names == {"es": "A", "en": "A street"}
    assert streets[0].etymology_text == "poet"


def test_key_is_stable_whatever_the_input_order():
    raw = json.loads((FIXTURE_DIR / "streets_1001.json").read_text(encoding="utf-8"))
    ways, relations = elements_from_overpass(raw)
    reference = assemble_streets(ways, relations)
    random.Random(4).shuffle(ways)
    assert assemble_streets(ways, relations) == reference


def test_line_length_helper():
    assert line_length_m([(0.0, 0.0), (1.0, 0.0)]) == pytest.approx(111_195, rel=1e-4)
