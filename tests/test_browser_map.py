"""The city map, presenter mode and downloads in headless Chromium, against the live app."""
from __future__ import annotations

import pytest

from tests.browser import poll_instead_of_eval
from tests.sample_city import AREA, ROWS, XSS_NAME, store_sample_city


@pytest.fixture
def city(live_app):  # noqa: F811
    # No tile layer: the only external requests the map could make are tiles, so with none the page
    # must not ask any host but the app for anything.
    live_app.config["MAP_TILES"] = None
    store_sample_city(live_app.extensions["store"])
    return AREA.slug


def open_city(page, live_server, slug, path=""):  # noqa: F811
    page.goto(f"{live_server.url}/cities/{slug}{path}")
    page.wait_for_function("window.wsStreetsDrawn === true", timeout=15000)


def popup_with_facts(page):
    """The open popup, once the street's facts (fetched when it opened) are in it."""
    page.locator(".leaflet-popup-content .ws-popup[data-facts=loaded]").wait_for(timeout=15000)
    return page.locator(".leaflet-popup-content")


def test_city_map_draws_every_street_and_only_asks_the_app(page, live_server, city):  # noqa: F811
    open_city(page, live_server, city)
    assert page.locator("path.leaflet-interactive").count() == len(ROWS)
    # Attribution on the map itself, even without tiles.
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    # The legend/layer control carries the counts.
    assert page.locator(".leaflet-control-layers-overlays label").count() == 6
    # On a wide screen the legend stays open, with no button to open it.
    assert page.locator(".leaflet-control-layers-list").is_visible()
    assert not page.locator(".ws-legend-toggle").is_visible()
    outside = [url for url in page.requests_seen if not url.startswith(live_server.url)]
    assert outside == []
    assert page.dialogs_seen == []


def test_search_opens_the_popup_of_the_right_person(page, live_server, city):  # noqa: F811
    open_city(page, live_server, city)
    page.fill("#street-search", "ibarbou")
    page.locator("#street-results button").first.click()
    popup = popup_with_facts(page)
    text = popup.inner_text()
    assert "Juana de Ibarbourou" in text
    assert "poeta uruguaya" in text and "1892" in text
    assert popup.locator("a[href='https://es.wikipedia.org/wiki/Juana_de_Ibarbourou']").count() == 1
    assert popup.locator("a[href='https://www.openstreetmap.org/way/101']").count() == 1
    assert popup.locator("a[href='https://www.openstreetmap.org/edit?editor=id&way=101']").count() == 1
    assert popup.locator(f"a[href='/cities/{city}/streets/w101']").count() == 1
    assert "name:etymology:wikidata" in text


def test_a_woman_without_article_gets_a_dashed_line_and_a_create_link(page, live_server, city):  # noqa: F811
    open_city(page, live_server, city)
    dashed = page.locator("path.leaflet-interactive[stroke-dasharray]")
    assert dashed.count() >= 1
    page.fill("#street-search", "Delmira")
    page.keyboard.press("Enter")
    popup = popup_with_facts(page)
    link = popup.locator("a.ws-create")
    assert "es.wikipedia.org/w/index.php?title=Delmira_Agustini&action=edit" in link.get_attribute("href")
    assert "No article in Spanish yet" in link.inner_text()


def test_clicking_a_street_opens_its_popup(page, live_server, city):  # noqa: F811
    open_city(page, live_server, city)
    # Clara Silva: a woman without a picture, so the popup asks no other host either.
    page.fill("#street-search", "Clara Silva")
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content").wait_for()
    page.evaluate("WhoseStreets.state.map.closePopup()")
    page.locator(".leaflet-popup-content").wait_for(state="detached")
    # Click a vertex of the line itself (the centre of a bent line's box may miss the stroke).
    x, y = page.evaluate("""async () => {
        const ws = WhoseStreets.state, layer = (await WhoseStreets.streetKeys())['w119'];
        const p = ws.map.latLngToContainerPoint(layer.getLatLngs()[0][1]);
        const box = ws.map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""")
    page.mouse.click(x, y)
    assert "Clara Silva" in popup_with_facts(page).inner_text()
    assert [u for u in page.requests_seen if not u.startswith(live_server.url)] == []


def test_popup_facts_arrive_on_demand_over_a_slow_network(page, live_server, city):  # noqa: F811
    open_city(page, live_server, city)
    facts_requests = lambda: [u for u in page.requests_seen if "/streets/w101.json" in u]  # noqa: E731
    assert facts_requests() == []  # nothing asked before a popup opens
    # From now on every request to the app takes 1.5 s more, like conference Wi-Fi.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 1500,
                                                  "downloadThroughput": 50_000, "uploadThroughput": 20_000})
    page.evaluate("WhoseStreets.focusStreet('w101')")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    # At once: the street and its category from the map data, and a word that the rest is coming.
    assert "Calle Juana de Ibarbourou" in popup.inner_text()
    assert "Loading the street's facts" in popup.inner_text()
    assert "Juana de Ibarbourou (1892" not in popup.inner_text()
    text = popup_with_facts(page).inner_text()
    assert "Juana de Ibarbourou" in text and "poeta uruguaya" in text and "1892" in text
    assert "Loading" not in text
    assert popup.locator("a[href='https://es.wikipedia.org/wiki/Juana_de_Ibarbourou']").count() == 1
    assert len(facts_requests()) == 1
    # Opened again with the network gone: the facts fetched once are still there.
    page.evaluate("WhoseStreets.state.map.closePopup()")
    cdp.send("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                  "downloadThroughput": -1, "uploadThroughput": -1})
    page.evaluate("WhoseStreets.focusStreet('w101')")
    assert "poeta uruguaya" in popup_with_facts(page).inner_text()
    assert len(facts_requests()) == 1


def test_hostile_street_name_shows_as_text(page, live_server, city):  # noqa: F811
    open_city(page, live_server, city)
    page.fill("#street-search", "img src")
    results = page.locator("#street-results button")
    assert XSS_NAME in results.first.inner_text()
    results.first.click()
    popup = popup_with_facts(page)
    assert XSS_NAME in popup.inner_text()
    assert page.locator(".leaflet-popup-content img").count() == 0
    page.wait_for_timeout(200)
    assert page.dialogs_seen == []


def test_presenter_mode_shows_the_headline_and_toggles_without_the_network(page, live_server, city):  # noqa: F811
    open_city(page, live_server, city, "/present")
    assert "44.4" in page.locator(".present-figure").inner_text()
    total = page.locator("path.leaflet-interactive").count()
    assert total == len(ROWS)
    women = 4
    page.context.set_offline(True)
    seen = len(page.requests_seen)
    page.keyboard.press("1")  # hide women
    assert page.locator("path.leaflet-interactive").count() == total - women
    assert page.locator("#present-legend button[data-category=woman]").get_attribute("aria-pressed") == "false"
    page.keyboard.press("1")
    assert page.locator("path.leaflet-interactive").count() == total
    page.keyboard.press("?")
    assert page.locator("#present-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#present-help").is_visible()
    assert len(page.requests_seen) == seen
    page.context.set_offline(False)
    assert [u for u in page.requests_seen if not u.startswith(live_server.url)] == []


def test_csv_download_from_the_city_page(page, live_server, city):  # noqa: F811
    open_city(page, live_server, city)
    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename == f"{city}-streets.csv"
    data = open(download.path(), "rb").read()
    assert data.startswith('\ufeff"city","street_id"'.encode("utf-8"))
    assert "Calle Juana de Ibarbourou".encode() in data


def test_home_table_sorts_by_clicking_headers(page, live_server, live_app):  # noqa: F811
    from dataclasses import replace

    store = live_app.extensions["store"]
    store_sample_city(store)
    store_sample_city(store, replace(AREA, osm_id=1003, name="Aldea Otra", parent="Argentina"))
    page.goto(live_server.url + "/")
    names = lambda: page.locator("#cities tbody tr td:first-child").all_inner_texts()  # noqa: E731
    assert names() == ["Aldea Otra", "Villa Ejemplo"]
    page.click("#cities thead th:nth-child(1) button")
    assert names() == ["Aldea Otra", "Villa Ejemplo"]
    page.click("#cities thead th:nth-child(1) button")
    assert names() == ["Villa Ejemplo", "Aldea Otra"]
    assert page.locator("#cities thead th:nth-child(1)").get_attribute("aria-sort") == "descending"
    page.click("#cities thead th:nth-child(2) button")  # country: Argentina before Uruguay
    assert names() == ["Aldea Otra", "Villa Ejemplo"]


@pytest.fixture
def pipeline_server(tmp_path, overpass_server, sparql_server):
    """The whole service, as `whose-streets run` would serve it, against the two stand-in servers."""
    from app import create_app
    from tests.browser import LiveServer
    from tests.conftest import make_env

    env = make_env(tmp_path, OVERPASS_URL=overpass_server.url, SPARQL_URL=sparql_server.url,
                   REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01", REMOTE_TIMEOUT="5")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env, "MAP_TILES": None}, start_workers=True)
    server = LiveServer(app).start()
    yield server
    server.stop()
    app.extensions["jobs"].stop_workers()
    app.extensions["store"].dispose()


def test_home_analyses_a_city_from_candidates_to_the_city_page(page, pipeline_server):
    page.goto(pipeline_server.url + "/")
    page.fill("#analyse-query", "Villa Ejemplo")
    page.click("#analyse-form button[type=submit]")
    options = page.locator("#candidates li")
    options.first.wait_for()
    # Two boundaries carry the name: the visitor chooses, with the country to tell them apart.
    texts = [options.nth(i).inner_text() for i in range(options.count())]
    assert len(texts) == 2
    assert any("Uruguay" in t and "Q900100" in t for t in texts)
    assert any("Argentina" in t and "Q900101" in t for t in texts)
    uruguay = next(i for i, t in enumerate(texts) if "Uruguay" in t)
    options.nth(uruguay).locator("input").check()
    page.click("#candidates-form button[type=submit]")
    page.wait_for_url(f"{pipeline_server.url}/cities/villa-ejemplo-1001", timeout=60000)
    page.wait_for_function("window.wsStreetsDrawn === true", timeout=15000)
    assert page.locator("path.leaflet-interactive").count() == len(ROWS)
    assert page.dialogs_seen == []


def test_home_shows_why_an_analysis_failed(page, pipeline_server, overpass_server):
    from app.store.records import find_or_create_area
    from tests.standins.overpass import Fault

    # A city already known needs no lookup: the first request to Overpass is the streets query.
    find_or_create_area(pipeline_server.app.extensions["store"], AREA)
    overpass_server.faults.extend([Fault.http(504)] * 10)
    page.goto(pipeline_server.url + "/")
    page.fill("#analyse-query", "relation/1001")  # an id: no candidates step
    page.click("#analyse-form button[type=submit]")
    page.wait_for_function("document.getElementById('analyse-error').textContent.includes('504')",
                           timeout=60000)
    assert page.locator("#candidates li").count() == 0



def test_city_page_at_phone_size_keeps_headline_and_map_first(browser, live_server, city):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="en-GB")
    page = context.new_page()
    poll_instead_of_eval(page)
    try:
        open_city(page, live_server, city)
        width = 390
        # Nothing runs off the side of the screen, header links included.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        edges = page.locator(".site-header a, .site-header button, .city-actions a").evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })")
        assert edges and all(left >= 0 and right <= width for left, right in edges), edges
        # The headline, then the map, within the first screen.
        headline = page.locator("#headline").bounding_box()
        frame = page.locator(".map-frame").bounding_box()
        assert headline["y"] + headline["height"] <= frame["y"]
        assert frame["y"] < 844 / 2
        # The legend on the map is a button until opened, so it covers little of the map.
        toggle = page.locator(".ws-legend-toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator(".leaflet-control-layers-list").is_visible()
        control = page.locator(".leaflet-control-layers").bounding_box()
        assert control["width"] * control["height"] < 0.05 * frame["width"] * frame["height"]
        layers = page.locator(".leaflet-control-layers-list")
        toggle.tap()
        layers.wait_for(state="visible")
        assert toggle.get_attribute("aria-expanded") == "true"
        # The opened legend still switches categories.
        total = page.locator("path.leaflet-interactive").count()
        page.locator(".leaflet-control-layers-overlays input").first.click()
        page.wait_for_function(f"document.querySelectorAll('path.leaflet-interactive').length < {total}")
        toggle.tap()
        layers.wait_for(state="hidden")
    finally:
        context.close()
