"""Whole analyses of the fixture city through the real pipeline and both stand-in servers.

Overpass answers come from tests/standins/overpass.py (replayed fixtures), Wikidata facts from
tests/standins/sparql.py (pyoxigraph). Expected results are those of tests/FIXTURE_CITY.md.
"""
import gzip

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import create_app
from app.cli import main
from app.store.models import AreaRow, ReviewRow, StreetRow, UserRow

EXPECTED = {
    "Calle Juana de Ibarbourou": ("woman", "osm_tag", ["Q900001"]),
    "Avenida José Artigas": ("man", "name_match", ["Q900002"]),
    "Calle Delmira Agustini": ("woman", "name_match", ["Q900004"]),
    "Calle 18 de Julio": ("not_person", "rule", []),
    "Rambla Hermanos Pérez": ("several", "street_item", ["Q900011"]),
    "Calle María y Pedro": ("several", "osm_tag", ["Q900005", "Q900006"]),
    "Calle Alex Quiroga": ("nonbinary", "osm_tag", ["Q900007"]),
    "Calle Flor de Ceibo": ("not_person", "osm_tag", ["Q900009"]),
    "Calle Laura Ramírez": ("woman", "first_name", []),
    "Avenida General Flores": ("man", "title", []),
    "Calle Clara Silva": ("woman", "wikidata_street", ["Q900015"]),
}




def analyze(*args):
    return CliRunner().invoke(main, ["analyze", *args])


def streets_by_name(store):
    with store.session() as session:
        rows = session.scalars(select(StreetRow).options(selectinload(StreetRow.links))).all()
        return {row.name: row for row in rows}, [row.name for row in rows]


def open_store(env):
    app = create_app({"INSTANCE_PATH": env["INSTANCE_PATH"], "ENV": env}, start_workers=False)
    return app, app.extensions["store"]


def test_cli_analysis_gives_the_expected_streets(pipeline_env, overpass_server, sparql_server):
    result = analyze("relation/1001")
    assert result.exit_code == 0, result.output
    assert "villa-ejemplo-1001" in result.output
    _, store = open_store(pipeline_env)
    streets, names = streets_by_name(store)
    for name, (category, source, qids) in EXPECTED.items():
        row = streets[name]
        assert (row.category, row.source) == (category, source), name
        assert [link.qid for link in row.links] == qids, name
    assert streets["Calle Mercedes"].category != "woman"
    assert streets["Plaza Independencia"].category == "not_person"
    assert names.count("Calle Rivera") == 2  # homonyms 5 km apart stay two streets
    assert names.count("Calle Juana de Ibarbourou") == 1  # the sidewalk and the relation add nothing
    assert streets["Calle Juana de Ibarbourou"].osm_ids == ["way/101", "way/102"] or \
        {"way/101", "way/102"} <= set(streets["Calle Juana de Ibarbourou"].osm_ids)
    artigas = streets["Avenida José Artigas"].evidence
    assert any("Q900003" in e.get("alternatives", []) for e in artigas)
    # Every request said who we are.
    assert all("WhoseStreets/" in r.headers.get("User-Agent", "") for r in overpass_server.requests)
    assert all("WhoseStreets/" in r.headers.get("User-Agent", "") for r in sparql_server.requests)


def test_a_second_analysis_runs_offline_from_the_cache(pipeline_env, overpass_server, sparql_server):
    assert analyze("relation/1001").exit_code == 0
    sent = (len(overpass_server.requests), len(sparql_server.requests))
    again = analyze("relation/1001", "--offline")
    assert again.exit_code == 0, again.output
    assert (len(overpass_server.requests), len(sparql_server.requests)) == sent
    _, store = open_store(pipeline_env)
    streets, _ = streets_by_name(store)
    assert streets["Calle Juana de Ibarbourou"].category == "woman"


def test_the_map_data_is_ready_when_the_analysis_ends(pipeline_env, overpass_server, sparql_server):
    # The first visitor must not build it: the analysis stores it for its run, and the page serves that.
    from app.mapdata import FORMAT_VERSION
    from app.store.models import MapDataRow
    from app.store.records import find_analysed_area

    assert analyze("relation/1001").exit_code == 0
    app, store = open_store(pipeline_env)
    area = find_analysed_area(store, "villa-ejemplo-1001")
    with store.session() as session:
        row = session.get(MapDataRow, area.id)
        assert row is not None, "no map data stored by the analysis"
        assert (row.revision, row.format) == (area.revision, FORMAT_VERSION)
        built_at, body = row.built_at, row.body
    client = app.test_client()
    assert client.get("/cities/villa-ejemplo-1001").status_code == 200
    served = client.get("/cities/villa-ejemplo-1001/map.json", headers={"Accept-Encoding": "gzip"})
    assert served.status_code == 200
    assert gzip.decompress(served.get_data()) == gzip.decompress(body)
    with store.session() as session:
        assert session.get(MapDataRow, area.id).built_at == built_at  # not built again


def test_an_ambiguous_name_lists_the_candidates_and_fails(pipeline_env):
    result = analyze("Villa Ejemplo")
    assert result.exit_code != 0
    assert "relation/1001" in result.output and "relation/1003" in result.output


def test_a_failing_overpass_fails_the_analysis_with_the_reason(pipeline_env, overpass_server):
    from tests.standins.overpass import Fault

    overpass_server.faults.extend([Fault.http(504)] * 10)
    result = analyze("relation/1001")
    assert result.exit_code != 0
    assert "504" in result.output


def test_reviews_survive_a_reanalysis_and_are_flagged_when_osm_disagrees(pipeline_env):
    assert analyze("relation/1001").exit_code == 0
    _, store = open_store(pipeline_env)
    with store.session() as session:
        area = session.scalar(select(AreaRow))
        user = UserRow(name="ana", password_hash="x")
        session.add(user)
        session.flush()
        # Juana's street is tagged in OSM; a volunteer says otherwise (to see the flag).
        session.add(ReviewRow(area_id=area.id, street_key="w101", street_name="Calle Juana de Ibarbourou",
                              user_id=user.id, category="not_person", note="test"))
        session.add(ReviewRow(area_id=area.id, street_key="w108", street_name="Calle Mercedes",
                              user_id=user.id, category="not_person", note="a city in Uruguay"))
    assert analyze("relation/1001", "--offline").exit_code == 0
    streets, _ = streets_by_name(store)
    juana, mercedes = streets["Calle Juana de Ibarbourou"], streets["Calle Mercedes"]
    assert (juana.category, juana.source, juana.reviewed) == ("not_person", "review", True)
    assert juana.review_conflict and "Q900001" in juana.review_conflict
    assert (mercedes.category, mercedes.source, mercedes.review_conflict) == ("not_person", "review", None)


def test_the_api_runs_an_analysis_in_the_background(pipeline_env):
    app = create_app({"INSTANCE_PATH": pipeline_env["INSTANCE_PATH"], "ENV": pipeline_env}, start_workers=True)
    try:
        client = app.test_client()
        ambiguous = client.post("/api/cities", json={"query": "Villa Ejemplo"})
        assert ambiguous.status_code == 409
        assert {c["query"] for c in ambiguous.get_json()["candidates"]} == {"relation/1001", "relation/1003"}
        started = client.post("/api/cities", json={"query": "relation/1001"})
        assert started.status_code == 202
        job = app.extensions["jobs"].wait(started.get_json()["job"]["id"], timeout=60)
        assert job.status == "done", job.error
        [city] = client.get("/api/cities").get_json()["cities"]
        assert city["slug"] == "villa-ejemplo-1001" and city["stats"]["by_street"]["woman"] >= 4
    finally:
        app.extensions["jobs"].stop_workers()


def test_cli_analysis_from_a_pbf_extract_needs_no_overpass(pipeline_env, tmp_path, overpass_server, sparql_server):
    from tests.test_osm_pbf import write_fixture_pbf

    extract = tmp_path / "villa.osm.pbf"
    write_fixture_pbf(extract)
    result = analyze("relation/1001", "--pbf", str(extract))
    assert result.exit_code == 0, result.output
    assert overpass_server.requests == []
    _, store = open_store(pipeline_env)
    streets, names = streets_by_name(store)
    assert streets["Calle Juana de Ibarbourou"].category == "woman"
    assert names.count("Calle Rivera") == 2
    for name, (category, source, _) in EXPECTED.items():
        assert (streets[name].category, streets[name].source) == (category, source), name


def test_pbf_needs_a_relation_id(pipeline_env, tmp_path):
    from tests.test_osm_pbf import write_fixture_pbf

    extract = tmp_path / "villa.osm.pbf"
    write_fixture_pbf(extract)
    result = analyze("Villa Ejemplo", "--pbf", str(extract))
    assert result.exit_code != 0 and "relation/ID" in result.output


def test_people_are_described_in_the_visitors_language(pipeline_env):
    assert analyze("relation/1001").exit_code == 0
    app, _ = open_store(pipeline_env)
    client = app.test_client()
    page = client.get("/cities/villa-ejemplo-1001/streets/w101?lang=pt").get_data(as_text=True)
    assert "poetisa uruguaia" in page  # the Portuguese description, fetched for a Spanish-speaking city
    page = client.get("/cities/villa-ejemplo-1001/streets/w101?lang=es").get_data(as_text=True)
    assert "poeta uruguaya" in page
