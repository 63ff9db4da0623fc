"""A region's pack (app/web/publish.py publish_region): the fixture province of tests/region_extract.py,
analysed from its own extract, written as one static site: the region page at the top, each
municipality's city pages in cities/<slug>/, the assets once. Then opened from file:// in headless
Chromium with every network request refused."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from app import create_app
from app.analysis import analyze_region, make_clients
from app.cli import main
from app.web.publish import MARKER, PackOptions, PublishError, publish_region, region_backgrounds
from tests.browser import poll_instead_of_eval
from tests.conftest import make_env, set_env
from tests.region_extract import PROVINCE, region_turtle, write_region_pbf
from tests.test_publish import data_of, local_links

REGION = f"provincia-de-ejemplo-{PROVINCE}"
CITIES = ("villaclara-5101", "rosaleda-5102")  # Yermo has no named streets, so no city pages


@pytest.fixture
def region_app(tmp_path, empty_sparql_server):
    """An app whose store holds the fixture province, analysed as a region from its extract."""
    empty_sparql_server.load(region_turtle())
    extract = tmp_path / "provincia.osm.pbf"
    write_region_pbf(extract)
    env = make_env(tmp_path, SPARQL_URL=empty_sparql_server.url, REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env, "TESTING": True}, start_workers=False)
    store = app.extensions["store"]
    analyze_region(store, make_clients(app.config["SETTINGS"], store), lambda *_: None, pbf=extract, within=PROVINCE)
    app.extract = extract
    yield app
    store.dispose()


def publish(app, target: Path, **options) -> Path:
    from app.regions import region_data

    with app.app_context():
        region = region_data(app.extensions["store"], REGION)
    publish_region(app, REGION, target, PackOptions(**{"language": "es", **options}),
                   backgrounds=region_backgrounds(region))
    return target


@pytest.fixture
def region_pack(region_app, tmp_path) -> Path:
    return publish(region_app, tmp_path / "usb stick" / "provincia")


def test_the_region_pack_holds_the_region_page_and_every_municipalitys_city_pages(region_pack):
    for name in ("index.html", f"{REGION}-municipalities.csv", "data/region.js", MARKER,
                 "vendor/leaflet/leaflet.js", "static/js/data.js", "static/js/regionmap.js", "static/js/citymap.js",
                 "static/js/sortable.js"):
        assert (region_pack / name).is_file(), name
    for city in CITIES:
        for name in ("index.html", "present.html", "women-without-article.html", "women-without-article.csv",
                     f"{city}-streets.zip", "data/map.js", "data/facts/0.js", "data/background.js"):
            assert (region_pack / "cities" / city / name).is_file(), (city, name)
        # The assets are shared: one copy at the top, none inside a city's folder.
        assert not (region_pack / "cities" / city / "static").exists()
        assert not (region_pack / "cities" / city / "vendor").exists()
    assert sorted(p.name for p in (region_pack / "cities").iterdir()) == sorted(CITIES)
    outlines = data_of(region_pack / "data" / "region.js")
    assert len(outlines["features"]) == 3 and "OpenStreetMap" in outlines["attribution"]
    # Each city's background is its outline as the region run stored it (no query per municipality).
    layers = data_of(region_pack / "cities" / CITIES[0] / "data" / "background.js")["layers"]
    assert [layer["name"] for layer in layers] == ["outline"] and layers[0]["lines"]
    table = (region_pack / f"{REGION}-municipalities.csv").read_text(encoding="utf-8-sig").splitlines()
    assert table[0].startswith('"region","municipality"') and len(table) == 4


def test_every_link_of_the_region_pack_is_relative_and_leads_to_a_file(region_pack):
    links = local_links(region_pack)
    assert len(links) > 40
    for page, link in links:
        assert not link.startswith("/") and "://" not in link, (page, link)
        assert (page.parent / unquote(urlsplit(link).path)).resolve().is_file(), (page, link)
    index = (region_pack / "index.html").read_text(encoding="utf-8")
    assert f'href="cities/{CITIES[0]}/index.html"' in index and f'href="{REGION}-municipalities.csv"' in index
    assert "/login" not in index and "/language/" not in index
    city = (region_pack / "cities" / CITIES[0] / "index.html").read_text(encoding="utf-8")
    # A city page reaches the shared assets two folders up, and its "home" is the region page.
    assert 'src="../../vendor/leaflet/leaflet.js"' in city and 'href="../../index.html"' in city
    assert 'href="present.html"' in city and "offline.zip" not in city


def test_a_region_pack_replaces_only_an_earlier_pack(region_app, region_pack, tmp_path):
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.odt").write_text("years of work")
    with pytest.raises(PublishError, match="not empty"):
        publish(region_app, documents)
    assert [p.name for p in documents.iterdir()] == ["thesis.odt"]
    (region_pack / "index.html").write_text("the earlier pack")
    publish(region_app, region_pack, language="en")
    assert '<html lang="en">' in (region_pack / "index.html").read_text(encoding="utf-8")
    with pytest.raises(PublishError, match="no region"):
        publish_region(region_app, "nowhere", tmp_path / "x", PackOptions())
    assert not (tmp_path / "x").exists()


def test_publish_command_writes_a_region_and_reports_its_size(region_app, tmp_path, monkeypatch):
    set_env(monkeypatch, tmp_path)  # the store region_app analysed the province into
    target = tmp_path / "region"
    result = CliRunner().invoke(main, ["publish", REGION, "-o", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 municipalities" in result.output and "MB" in result.output
    assert '<html lang="es">' in (target / "index.html").read_text(encoding="utf-8")  # the towns' language
    assert (target / "cities" / CITIES[1] / "present.html").is_file()
    result = CliRunner().invoke(main, ["publish", "nowhere-1", "-o", str(tmp_path / "y")])
    assert result.exit_code != 0 and "no region" in result.output and not (tmp_path / "y").exists()


def test_a_towns_offline_zip_draws_the_outline_its_region_stored(region_app, tmp_path):
    import io
    import zipfile

    client = region_app.test_client()
    town = CITIES[1]
    assert client.get(f"/cities/{town}/offline.zip").status_code == 202
    assert region_app.extensions["packs"].wait_idle(60)
    response = client.get(f"/cities/{town}/offline.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    # Overpass is unreachable here: the outline is the one the region run stored.
    script = archive.read(f"{town}-offline/data/background.js").decode("ascii")
    path = tmp_path / "background.js"
    path.write_text(script, encoding="ascii")
    layers = data_of(path)["layers"]
    assert [layer["name"] for layer in layers] == ["outline"]
    assert {round(lon, 2) for lon, _lat in layers[0]["lines"][0]} == {-3.69, -3.68}


# --- the background's other ways from an extract --------------------------------------------------------------


def write_extract_with_context(path: Path) -> None:
    """The fixture province with ways a background draws: in Villaclara an unnamed road and a lake, in
    Rosaleda a river and a park, a railway across both; and ways no background draws (a footway, a disused
    railway, every named street, Yermo's track)."""
    from tests.region_extract import region_elements, write_pbf

    nodes, ways, relations = region_elements()

    def add(coords, tags):
        refs = []
        for lon, lat in coords:
            nid = 1 + max(nodes)
            nodes[nid] = (lon, lat)
            refs.append(nid)
        ways.append((1000 + len(ways), refs, tags))

    add([(-3.6990, 40.4010), (-3.6920, 40.4015)], {"highway": "residential"})
    lake = [(-3.698, 40.408), (-3.697, 40.408), (-3.697, 40.409), (-3.698, 40.409)]
    add(lake + lake[:1], {"natural": "water"})
    add([(-3.6990, 40.4030), (-3.6810, 40.4030)], {"railway": "rail"})
    add([(-3.6880, 40.4005), (-3.6820, 40.4095)], {"waterway": "river"})
    park = [(-3.686, 40.406), (-3.684, 40.406), (-3.684, 40.408), (-3.686, 40.408)]
    add(park + park[:1], {"leisure": "park"})
    add([(-3.6980, 40.4050), (-3.6930, 40.4050)], {"highway": "footway"})
    add([(-3.6980, 40.4060), (-3.6930, 40.4060)], {"railway": "abandoned"})
    write_pbf(path, nodes, ways, relations)


def layer_sizes(background: dict) -> dict[str, int]:
    return {layer["name"]: len(layer["lines"]) for layer in background["layers"]}


def test_a_regions_context_is_read_from_its_extract_in_one_pass(region_app, tmp_path, monkeypatch):
    from app.regions import region_data

    extract = tmp_path / "with-context.osm.pbf"
    write_extract_with_context(extract)
    with region_app.app_context():
        region = region_data(region_app.extensions["store"], REGION)
    backgrounds = region_backgrounds(region, extract)
    assert layer_sizes(backgrounds["villaclara-5101"]) == \
        {"parks": 0, "water": 1, "waterways": 0, "roads": 1, "railways": 1, "outline": 1}
    assert layer_sizes(backgrounds["rosaleda-5102"]) == \
        {"parks": 1, "water": 0, "waterways": 1, "roads": 0, "railways": 1, "outline": 1}
    # Through the command: --context for a region needs an extract (its own is gone), and then draws it.
    set_env(monkeypatch, tmp_path)
    region_app.extract.unlink()
    refused = CliRunner().invoke(main, ["publish", REGION, "-o", str(tmp_path / "r"), "--context"])
    assert refused.exit_code != 0 and "--context-from" in refused.output and not (tmp_path / "r").exists()
    result = CliRunner().invoke(main, ["publish", REGION, "-o", str(tmp_path / "r"), "--context",
                                       "--context-from", str(extract)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    drawn = data_of(tmp_path / "r" / "cities" / "rosaleda-5102" / "data" / "background.js")
    assert layer_sizes(drawn)["parks"] == 1 and layer_sizes(drawn)["waterways"] == 1


def test_a_regions_context_comes_from_the_extract_its_run_read_while_it_is_there(region_app, tmp_path, monkeypatch):
    extract = tmp_path / "kept" / "with-context.osm.pbf"
    extract.parent.mkdir()
    write_extract_with_context(extract)
    store = region_app.extensions["store"]
    analyze_region(store, make_clients(region_app.config["SETTINGS"], store), lambda *_: None, pbf=extract,
                   within=PROVINCE)
    set_env(monkeypatch, tmp_path)
    result = CliRunner().invoke(main, ["publish", REGION, "-o", str(tmp_path / "r"), "--context"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Background read from {extract.resolve()}" in result.output
    drawn = data_of(tmp_path / "r" / "cities" / "rosaleda-5102" / "data" / "background.js")
    assert layer_sizes(drawn)["parks"] == 1 and layer_sizes(drawn)["waterways"] == 1
    # Moved away: the command says where to give it.
    extract.rename(tmp_path / "moved.osm.pbf")
    refused = CliRunner().invoke(main, ["publish", REGION, "-o", str(tmp_path / "again"), "--context"])
    assert refused.exit_code != 0 and "--context-from" in refused.output


def test_a_city_analysed_from_an_extract_gets_its_background_from_it_with_no_network(
        tmp_path, monkeypatch, empty_sparql_server):
    empty_sparql_server.load(region_turtle())
    extract = tmp_path / "with-context.osm.pbf"
    write_extract_with_context(extract)
    # Overpass is unreachable (port 9): everything must come from the extract.
    set_env(monkeypatch, tmp_path, SPARQL_URL=empty_sparql_server.url, REMOTE_ATTEMPTS="1", REMOTE_TIMEOUT="2")
    analysed = CliRunner().invoke(main, ["analyze", "relation/5102", "--pbf", str(extract)])
    assert analysed.exit_code == 0, analysed.output
    target = tmp_path / "rosaleda"
    result = CliRunner().invoke(main, ["publish", "rosaleda-5102", "-o", str(target), "--context"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Background read from {extract}" in result.output
    background = data_of(target / "data" / "background.js")
    assert layer_sizes(background) == {"parks": 1, "water": 0, "waterways": 1, "roads": 0, "railways": 1,
                                       "outline": 1}
    outline = background["layers"][-1]["lines"][0]
    assert {round(lon, 2) for lon, _lat in outline} == {-3.69, -3.68}  # Rosaleda's own boundary
    # An extract that lacks the city is refused when named, and nothing is written.
    other = tmp_path / "other.osm.pbf"
    write_region_pbf(other, cut=5102)
    refused = CliRunner().invoke(main, ["publish", "rosaleda-5102", "-o", str(tmp_path / "x"), "--context",
                                        "--context-from", str(other)])
    assert refused.exit_code != 0 and "could not be read" in refused.output and not (tmp_path / "x").exists()


# --- from file:// in Chromium, with the network gone ----------------------------------------------------------


@pytest.fixture
def offline_page(browser, region_pack):
    """A page (made here, so it polls instead of eval under the CSP) refusing every request outside the pack."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    poll_instead_of_eval(page)
    inside = region_pack.as_uri() + "/"
    page.requests_seen, page.errors = [], []
    page.on("request", lambda request: page.requests_seen.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.context.route(lambda url: not url.startswith(inside), lambda route: route.abort("internetdisconnected"))
    page.pack_uri = inside
    yield page
    context.close()
    assert page.errors == []


def test_the_region_pack_works_from_file_with_no_network(offline_page):
    page = offline_page
    page.goto(page.pack_uri + "index.html")
    page.wait_for_function("window.wsRegionDrawn === true", timeout=15000)
    assert page.locator("path.ws-municipality").count() == 3
    assert page.locator("path.ws-too-few").count() == 2
    # A municipality on the choropleth opens its city page, from the pack.
    page.locator("path.ws-municipality:not(.ws-too-few)").first.click()
    page.wait_for_url(page.pack_uri + f"cities/{CITIES[0]}/index.html")
    page.wait_for_function("window.wsStreetsDrawn === true", timeout=15000)
    assert page.locator("path.leaflet-interactive").count() >= 10
    page.fill("#street-search", "campoamor")
    page.locator("#street-results button").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    # Its facts come from the town's data/facts script, loaded when the popup opens: the namesake's item.
    popup.locator("a[href*='Q910001']").first.wait_for(timeout=15000)
    assert "Clara Campoamor" in popup.inner_text()
    # Back to the region, and through the table's link to the other town's presenter mode.
    page.goto(page.pack_uri + "index.html")
    page.locator(f"#region-table a[href='cities/{CITIES[1]}/index.html']").click()
    page.wait_for_function("window.wsStreetsDrawn === true", timeout=15000)
    page.goto(page.pack_uri + f"cities/{CITIES[1]}/present.html")
    page.wait_for_function("window.wsStreetsDrawn === true", timeout=15000)
    women = page.locator("button[data-category=woman]")
    assert women.get_attribute("aria-pressed") == "true"
    page.keyboard.press("1")
    assert women.get_attribute("aria-pressed") == "false"
    page.keyboard.press("0")
    assert page.evaluate("WhoseStreets.isVisible('woman')") is True
    page.keyboard.press("?")
    assert page.locator("#present-help").is_visible()
    outside = [url for url in page.requests_seen if not url.startswith(page.pack_uri)]
    assert all(url.startswith("https://tile.openstreetmap.org/") for url in outside), outside


def test_a_data_file_without_its_data_shows_the_map_error_instead_of_waiting(offline_page, region_pack):
    # A script that runs but hands over nothing (a damaged copy) must fail the load, not leave it pending.
    (region_pack / "data" / "region.js").write_text("// emptied by a careless copy\n", encoding="ascii")
    page = offline_page
    page.goto(page.pack_uri + "index.html")
    error = page.locator("#region-map-error")
    error.wait_for(state="visible", timeout=15000)
    assert error.inner_text().strip()
    assert page.evaluate("window.wsRegionDrawn === true") is False


def test_without_tiles_no_request_leaves_the_region_folder(region_app, browser, tmp_path):
    target = publish(region_app, tmp_path / "no-tiles", tiles=False)
    context = browser.new_context()
    page = context.new_page()
    poll_instead_of_eval(page)
    inside = target.as_uri() + "/"
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    context.route(lambda url: not url.startswith(inside), lambda route: route.abort())
    try:
        page.goto(inside + "index.html")
        page.wait_for_function("window.wsRegionDrawn === true", timeout=15000)
        page.goto(inside + f"cities/{CITIES[0]}/index.html")
        page.wait_for_function("window.wsStreetsDrawn === true", timeout=15000)
        assert [url for url in seen if not url.startswith(inside)] == []
    finally:
        context.close()
