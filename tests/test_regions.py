"""Whole regions: one read of an extract, every municipality stored as a city, the region compared.

The extract is written by tests/region_extract.py (three municipalities in a province, a street
crossing a municipal border, a municipality without named streets, one outside the province).
"""
from __future__ import annotations

import csv
import html
import io
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app import create_app
from app.analysis import analyze_region, make_clients
from app.cli import main
from app.store.models import AreaRow, RegionMemberRow, RegionRow, StreetRow
from tests.conftest import make_env, set_env
from tests.region_extract import (
    BORDER_STREET,
    BY_NAME,
    PROVINCE,
    region_turtle,
    write_region_pbf,
)

REGION_SLUG = f"provincia-de-ejemplo-{PROVINCE}"


@pytest.fixture
def region_sparql(empty_sparql_server):
    empty_sparql_server.load(region_turtle())
    return empty_sparql_server


@pytest.fixture
def extract(tmp_path):
    path = tmp_path / "provincia.osm.pbf"
    write_region_pbf(path)
    return path


@pytest.fixture
def region_env(tmp_path, monkeypatch, region_sparql):
    return set_env(monkeypatch, tmp_path, SPARQL_URL=region_sparql.url, REMOTE_ATTEMPTS="2",
                   REMOTE_BACKOFF="0.01", REMOTE_TIMEOUT="5")


def open_app(env):
    return create_app({"INSTANCE_PATH": env["INSTANCE_PATH"], "ENV": env, "TESTING": True}, start_workers=False)


def run_cli(*args):
    return CliRunner().invoke(main, ["analyze-region", *map(str, args)])


def members(store, slug=REGION_SLUG) -> dict[str, RegionMemberRow]:
    with store.session() as session:
        region = session.scalar(select(RegionRow).where(RegionRow.slug == slug))
        return {m.area.name: m for m in region.members}


def test_a_region_run_stores_every_municipality_as_a_city(region_env, extract):
    result = run_cli(extract, "--within", f"relation/{PROVINCE}")
    assert result.exit_code == 0, result.output
    assert "3/3 municipalities" in result.output
    assert "No named streets in: Yermo" in result.output
    store = open_app(region_env).extensions["store"]
    found = members(store)
    assert sorted(found) == ["Rosaleda", "Villaclara", "Yermo"]  # Fuera lies outside the province
    assert {name: m.status for name, m in found.items()} == {"Villaclara": "done", "Rosaleda": "done", "Yermo": "empty"}
    with store.session() as session:
        areas = {a.name: a for a in session.scalars(select(AreaRow))}
        region = session.scalar(select(RegionRow))
        names = {s.name for s in session.scalars(select(StreetRow))}
    assert "Calle de Fuera" not in names
    villaclara = areas["Villaclara"].stats
    # Twelve person-named streets, three honouring women; each a city of its own.
    assert (villaclara["person_streets"], villaclara["women_streets"], villaclara["women_share"]) == (12, 3, 0.25)
    assert areas["Villaclara"].parent == "Provincia de Ejemplo, España"
    assert areas["Rosaleda"].stats["women_streets"] == 1
    assert found["Villaclara"].figures == {"women_without_article": 1}  # Emilia Pardo Bazán
    # The region's own headline counts all its streets: 4 women of 14 person-named streets.
    assert (region.stats["person_streets"], region.stats["women_streets"]) == (14, 4)
    assert region.status == "done" and (region.done, region.total) == (3, 3)


def test_a_street_crossing_a_border_goes_to_the_municipality_holding_most_of_it(region_env, extract):
    assert run_cli(extract, "--within", f"relation/{PROVINCE}").exit_code == 0
    store = open_app(region_env).extensions["store"]
    with store.session() as session:
        rows = session.execute(select(StreetRow, AreaRow).join(AreaRow, AreaRow.id == StreetRow.area_id)
                               .where(StreetRow.name == BORDER_STREET)).all()
    assert len(rows) == 1
    street, area = rows[0]
    assert area.name == "Villaclara"
    assert [(b["name"], b["share"]) for b in street.tags["border"]] == [("Villaclara", 0.667), ("Rosaleda", 0.333)]


def test_names_are_looked_up_once_for_the_whole_region(region_env, extract, region_sparql):
    assert run_cli(extract, "--within", f"relation/{PROVINCE}").exit_code == 0
    queries = [r.query for r in region_sparql.query_requests]
    # "Benito Pérez Galdós" names a street in two towns: each kind of lookup asks for it once.
    kinds = [q.splitlines()[0] for q in queries if BY_NAME[0] in q]
    assert kinds and len(kinds) == len(set(kinds))
    assert sum("wdt:P31 wd:Q5" in q for q in queries if BY_NAME[0] in q) == 1
    # The street items of every town are asked for in one request.
    city_queries = [q for q in queries if "wdt:P131 ?city" in q]
    assert len(city_queries) == 1 and "wd:Q910101" in city_queries[0] and "wd:Q910102" in city_queries[0]
    store = open_app(region_env).extensions["store"]
    with store.session() as session:
        galdos = session.scalars(select(StreetRow).where(StreetRow.name == f"Calle de {BY_NAME[0]}")).all()
    assert len(galdos) == 2 and all(s.category == "man" and s.source == "name_match" for s in galdos)


def test_an_interrupted_region_run_resumes_where_it_stopped(tmp_path, region_sparql, extract):
    env = make_env(tmp_path, SPARQL_URL=region_sparql.url, REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env, "TESTING": True}, start_workers=False)
    store = app.extensions["store"]
    clients = make_clients(app.config["SETTINGS"], store)

    def stop_after_the_first(stage, done=0, total=0):
        if stage == "municipalities" and done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        analyze_region(store, clients, stop_after_the_first, pbf=extract, within=PROVINCE)
    first = members(store)
    with store.session() as session:
        region = session.scalar(select(RegionRow))
        assert (region.status, region.done, region.total) == ("interrupted", 1, 3)
    assert first["Villaclara"].status == "done" and first["Rosaleda"].status == "pending"
    villaclara_run = first["Villaclara"].run_id

    analyze_region(store, clients, lambda *_: None, pbf=extract, within=PROVINCE)
    second = members(store)
    assert second["Villaclara"].run_id == villaclara_run  # not analysed again
    assert second["Rosaleda"].status == "done" and second["Yermo"].status == "empty"
    with store.session() as session:
        region = session.scalar(select(RegionRow))
        assert (region.status, region.done) == ("done", 3)
        # The headline still counts the municipality finished before the interruption.
        assert region.stats["person_streets"] == 14

    # A finished region analysed again starts afresh: every municipality gets a new run.
    analyze_region(store, clients, lambda *_: None, pbf=extract, within=PROVINCE)
    assert members(store)["Villaclara"].run_id != villaclara_run
    app.extensions["store"].dispose()


def test_without_within_every_municipality_of_the_extract_counts(region_env, extract):
    result = run_cli(extract, "--admin-level", "8")
    assert result.exit_code == 0, result.output
    store = open_app(region_env).extensions["store"]
    assert sorted(members(store, "provincia")) == ["Fuera", "Rosaleda", "Villaclara", "Yermo"]


def test_a_region_boundary_the_extract_cuts_still_names_the_region(region_env, tmp_path):
    extract = tmp_path / "cut.osm.pbf"
    write_region_pbf(extract, cut=PROVINCE)
    result = run_cli(extract, "--within", f"relation/{PROVINCE}")
    assert result.exit_code == 0, result.output
    assert "Provincia de Ejemplo" in result.output and "every whole boundary of admin_level 8" in result.output
    store = open_app(region_env).extensions["store"]
    assert sorted(members(store)) == ["Fuera", "Rosaleda", "Villaclara", "Yermo"]


def test_bad_region_input_is_refused_clearly(region_env, extract):
    result = run_cli(extract, "--within", "Madrid")
    assert result.exit_code != 0 and "relation/ID" in result.output
    result = run_cli(extract, "--within", "relation/999")
    assert result.exit_code != 0 and "relation 999 is not in" in result.output
    result = run_cli(extract, "--admin-level", "9")
    assert result.exit_code != 0 and "no whole boundary of admin_level 9" in result.output


# --- pages, API, CSV ---------------------------------------------------------------------------------


@pytest.fixture
def region_app(tmp_path, region_sparql, extract):
    """An app whose store holds the province analysed as a region."""
    env = make_env(tmp_path, SPARQL_URL=region_sparql.url, REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env, "TESTING": True}, start_workers=False)
    app.config["MAP_TILES"] = None
    store = app.extensions["store"]
    analyze_region(store, make_clients(app.config["SETTINGS"], store), lambda *_: None, pbf=extract, within=PROVINCE)
    yield app
    store.dispose()


def test_the_region_page_names_every_municipality_and_links_their_cities(region_app):
    client = region_app.test_client()
    page = client.get(f"/regions/{REGION_SLUG}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in ("Villaclara", "Rosaleda", "Yermo"):
        assert name in html
    assert "Fuera" not in html
    assert 'href="/cities/villaclara-5101"' in html and 'href="/cities/rosaleda-5102"' in html
    assert "no named streets" in html  # Yermo has no page of its own
    assert "25.0 %" in html  # Villaclara's share, and the region's 4 of 14
    assert "28.6 %" in html
    assert "cdn" not in html.lower() and "unpkg" not in html
    assert client.get("/regions/nowhere").status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert f'href="/regions/{REGION_SLUG}"' in home and "3 municipalities" in home


def test_the_street_page_says_a_street_crosses_a_border(region_app):
    client = region_app.test_client()
    store = region_app.extensions["store"]
    with store.session() as session:
        key = session.scalar(select(StreetRow.key).where(StreetRow.name == BORDER_STREET))
    html = client.get(f"/cities/villaclara-5101/streets/{key}").get_data(as_text=True)
    assert "crosses a municipal border" in html
    assert 'href="/cities/rosaleda-5102"' in html and "33.3 %" in html and "66.7 %" in html


def test_the_region_api_and_csv_give_the_table(region_app):
    client = region_app.test_client()
    listing = client.get("/api/regions").get_json()["regions"]
    assert [(r["slug"], r["municipality_count"], r["status"]) for r in listing] == [(REGION_SLUG, 3, "done")]
    data = client.get(f"/api/regions/{REGION_SLUG}").get_json()
    rows = {r["municipality"]: r for r in data["municipalities"]}
    assert rows["Villaclara"]["women_share"] == 0.25 and rows["Villaclara"]["share_class"] == 5
    assert rows["Rosaleda"]["share_class"] is None  # two person-named streets: too few to say
    assert rows["Yermo"]["status"] == "empty" and rows["Yermo"]["slug"] is None
    assert data["stats"]["women_streets"] == 4 and "map" not in data
    assert client.get("/api/regions/nowhere").status_code == 404
    csv_response = client.get(f"/regions/{REGION_SLUG}/municipalities.csv")
    assert csv_response.headers["Content-Disposition"].endswith('-municipalities.csv"')
    lines = csv_response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith('"region","municipality"')
    assert len(lines) == 4 and any('"Villaclara"' in line and '"0.25"' in line for line in lines)
    outlines = client.get(f"/regions/{REGION_SLUG}/map.geojson").get_json()
    assert len(outlines["features"]) == 3 and "OpenStreetMap" in outlines["attribution"]


def test_the_region_table_is_the_same_in_html_csv_and_json(region_app):
    client = region_app.test_client()
    page = client.get(f"/regions/{REGION_SLUG}").get_data(as_text=True)
    start = page.index('id="region-table"')
    table = page[start:page.index("</table>", start)]
    shown = [(html.unescape(name), status) for status, name in
             re.findall(r'<tr class="municipality" data-status="([^"]+)">\s*<td data-value="([^"]*)"', table)]
    text = client.get(f"/regions/{REGION_SLUG}/municipalities.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(shown) >= 3 and shown == [(r["municipality"], r["status"]) for r in rows]
    listed = client.get(f"/api/regions/{REGION_SLUG}").get_json()["municipalities"]
    assert [(m["municipality"], m["status"]) for m in listed] == shown
    # Every header of the page sorts in the browser, on each cell's data-value.
    assert table.count("<button type=\"button\">") == 7 and table.count('data-sort="number"') == 6


def test_the_region_page_draws_the_choropleth_in_chromium(region_app, page):
    from tests.browser import LiveServer

    server = LiveServer(region_app).start()
    try:
        page.goto(f"{server.url}/regions/{REGION_SLUG}")
        page.wait_for_function("window.wsRegionDrawn === true", timeout=15000)
        assert page.locator("path.ws-municipality").count() == 3
        assert page.locator("path.ws-too-few").count() == 2  # Rosaleda (too few) and Yermo (none)
        table = page.locator("#region-table").inner_text()
        for name in ("Villaclara", "Rosaleda", "Yermo"):
            assert name in table
        assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
        assert [u for u in page.requests_seen if not u.startswith(server.url)] == []
        # The table sorts by share (Yermo has none, Villaclara 25 %, Rosaleda 1 of 2)...
        page.locator("#region-table th:nth-child(4) button").click()
        first_cells = page.locator("#region-table tbody tr td:first-child")
        assert [first_cells.nth(i).inner_text().split(" (")[0].strip() for i in range(3)] == \
            ["Yermo", "Villaclara", "Rosaleda"]
        # ...and clicking a municipality on the map opens its city page.
        page.locator("path.ws-municipality:not(.ws-too-few)").first.click()
        page.wait_for_url(f"{server.url}/cities/villaclara-5101")
    finally:
        server.stop()


# --- a small region through Overpass ------------------------------------------------------------------------


@pytest.fixture
def region_overpass(overpass_server):
    from tests.region_extract import overpass_routes

    for pattern, answer in reversed(overpass_routes()):
        overpass_server.add_route(pattern, answer)
    return overpass_server


def test_a_small_region_comes_from_overpass_municipality_by_municipality(tmp_path, monkeypatch, region_sparql,
                                                                          region_overpass):
    env = set_env(monkeypatch, tmp_path, SPARQL_URL=region_sparql.url, OVERPASS_URL=region_overpass.url,
                  REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01", REMOTE_TIMEOUT="5")
    result = run_cli(f"relation/{PROVINCE}")
    assert result.exit_code == 0, result.output
    queries = [r.query for r in region_overpass.requests if r.query]
    # One request for the boundaries, then one per municipality, one after the other.
    assert sum("highway" in q for q in queries) == 3 and len(queries) == 5  # + the area lookup
    store = open_app(env).extensions["store"]
    found = members(store)
    assert {name: m.status for name, m in found.items()} == {"Villaclara": "done", "Rosaleda": "done", "Yermo": "empty"}
    with store.session() as session:
        region = session.scalar(select(RegionRow))
        assert region.source == "overpass" and region.stats["women_streets"] == 4
        # The border street came with both municipalities' answers: stored once, in Villaclara.
        rows = session.execute(select(AreaRow.name).join(StreetRow, StreetRow.area_id == AreaRow.id)
                               .where(StreetRow.name == BORDER_STREET)).scalars().all()
    assert rows == ["Villaclara"]


def test_overpass_regions_too_large_or_whole_countries_are_refused(region_overpass):
    from app.domain import Area
    from app.osm.overpass import OverpassClient
    from app.osm.region import RegionTooLarge, region_from_overpass

    client = OverpassClient([region_overpass.url], contact="tests@example.invalid")
    province = Area("relation", PROVINCE, "Provincia de Ejemplo", admin_level=6, country_code="ES")
    with pytest.raises(RegionTooLarge, match="3 boundaries of admin_level 8: more than 2 is too many"):
        region_from_overpass(client, province, max_municipalities=2)
    with pytest.raises(RegionTooLarge, match="whole country"):
        region_from_overpass(client, Area("relation", 5001, "España", admin_level=2))
    # Only the boundaries were asked for: no street request was sent.
    assert not any("highway" in (r.query or "") for r in region_overpass.requests)


# --- municipalities stored by background workers ----------------------------------------------------------


def test_queued_municipalities_are_stored_by_the_workers(tmp_path, monkeypatch, region_sparql, extract):
    env = set_env(monkeypatch, tmp_path, SPARQL_URL=region_sparql.url, REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01",
                  JOB_MODE="external", JOB_WORKERS="2")
    result = run_cli(extract, "--within", f"relation/{PROVINCE}", "--queue")
    assert result.exit_code == 0, result.output
    assert "2 of 3 municipalities queued for the workers" in result.output  # Yermo has nothing to store
    app = open_app(env)
    store = app.extensions["store"]
    queued = members(store)
    assert queued["Villaclara"].status == "pending" and queued["Villaclara"].payload
    with store.session() as session:
        assert session.scalar(select(RegionRow.status)) == "running"

    # Two worker threads, as `whose-streets worker` runs them (several processes with Redis and PostgreSQL).
    app.extensions["jobs"].start_workers()
    try:
        import time

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with store.session() as session:
                if session.scalar(select(RegionRow.status)) != "running":
                    break
            time.sleep(0.1)
    finally:
        app.extensions["jobs"].stop_workers()
    stored = members(store)
    assert {name: m.status for name, m in stored.items()} == {"Villaclara": "done", "Rosaleda": "done", "Yermo": "empty"}
    assert all(m.payload is None for m in stored.values())
    with store.session() as session:
        region = session.scalar(select(RegionRow))
        assert (region.status, region.done, region.stats["person_streets"], region.stats["women_streets"]) == \
            ("done", 3, 14, 4)
        areas = {a.name: a for a in session.scalars(select(AreaRow))}
    assert areas["Villaclara"].stats["women_share"] == 0.25
    assert stored["Villaclara"].run_id == areas["Villaclara"].current_run_id


# --- one read of the extract, one lookup per name -------------------------------------------------------


class CountingFileProcessor:
    """Counts the passes over extracts: every osmium.FileProcessor made (a real one: it does the reading)."""

    def __init__(self, monkeypatch):
        import osmium

        passes = self.passes = []
        real = osmium.FileProcessor

        class Counted(real):
            def __init__(self, path, *args, **kwargs):
                passes.append(str(path))
                super().__init__(path, *args, **kwargs)

        monkeypatch.setattr(osmium, "FileProcessor", Counted)


def name_requests(sparql, since: int) -> int:
    """How many SPARQL requests since ``since`` asked about the name two towns share."""
    return sum(BY_NAME[0] in (r.query or "") for r in sparql.query_requests[since:])


def test_a_region_run_reads_the_extract_once_and_asks_for_a_shared_name_once(tmp_path, monkeypatch, region_sparql,
                                                                            extract):
    from app.analysis import analyze
    from app.areas import with_languages
    from app.osm.pbf import read_area_from_pbf
    from app.store.records import find_or_create_area
    from tests.region_extract import ROSALEDA, VILLACLARA

    reads = CountingFileProcessor(monkeypatch)

    def fresh_store(name):
        env = make_env(tmp_path / name, SPARQL_URL=region_sparql.url, REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01")
        app = create_app({"INSTANCE_PATH": tmp_path / name / "instance", "ENV": env, "TESTING": True},
                         start_workers=False)
        return app, app.extensions["store"]

    # The region: one scan of the extract (its two passes: relations, then nodes and ways).
    app, store = fresh_store("region")
    before = len(region_sparql.query_requests)
    analyze_region(store, make_clients(app.config["SETTINGS"], store), lambda *_: None, pbf=extract, within=PROVINCE)
    region_requests = len(region_sparql.query_requests) - before
    region_asks = name_requests(region_sparql, before)
    assert reads.passes == [str(extract)] * 2
    assert region_asks > 0
    store.dispose()

    # The two towns that share "Calle de Benito Pérez Galdós", each analysed alone into a store of its own
    # (no cached answers), as `whose-streets analyze relation/ID --pbf` does: each reads the extract twice
    # over (its boundary, then its streets) and asks about the name as often as the whole region did.
    one_by_one_requests = one_by_one_asks = 0
    for town in (VILLACLARA, ROSALEDA):
        app, store = fresh_store(f"town-{town}")
        reads.passes.clear()
        before = len(region_sparql.query_requests)
        area = find_or_create_area(store, with_languages(read_area_from_pbf(extract, town)))
        analyze(store, area.id, make_clients(app.config["SETTINGS"], store), lambda *_: None, pbf=extract)
        assert reads.passes == [str(extract)] * 4
        assert name_requests(region_sparql, before) == region_asks
        one_by_one_requests += len(region_sparql.query_requests) - before
        one_by_one_asks += name_requests(region_sparql, before)
        store.dispose()
    assert one_by_one_asks == 2 * region_asks
    assert region_requests < one_by_one_requests
