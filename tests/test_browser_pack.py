"""A published pack opened from file:// in headless Chromium, with every network request refused."""
from __future__ import annotations

import pytest

from app.background import background, context_lines, outline_lines
from app.web.publish import PackOptions, publish_city
from tests.sample_city import AREA, ROWS, store_sample_city
from tests.standins.overpass import FIXTURE_DIR


@pytest.fixture
def pack(app, tmp_path):
    """The fixture city published with its offline background (outline and context from the fixtures),
    and with the tile layer kept, as a presenter would publish it."""
    import json

    store_sample_city(app.extensions["store"])
    outline = outline_lines(json.loads((FIXTURE_DIR / "outline_1001.json").read_text()), 1001)
    context = context_lines(json.loads((FIXTURE_DIR / "context_1001.json").read_text()))
    target = tmp_path / "usb stick" / "villa"  # a space in the path, as on many USB sticks
    publish_city(app, AREA.slug, target, PackOptions(language="es", background=background(outline, context)))
    return target


@pytest.fixture
def offline_page(page, pack):
    """The browser page with the network gone: every request that is not a file of the pack fails."""
    inside = pack.as_uri() + "/"
    page.outside = []

    def refuse(route):
        page.outside.append(route.request.url)
        route.abort("internetdisconnected")

    page.context.route(lambda url: not url.startswith(inside), refuse)
    page.pack_uri = inside
    return page


def open_pack(page, name):
    page.goto(page.pack_uri + name)
    page.wait_for_function("window.wsStreetsDrawn === true", timeout=15000)


def requests_outside(page):
    """Every request the page attempted that was not for a file of the pack (tiles included)."""
    return [url for url in page.requests_seen if not url.startswith(page.pack_uri)]


def test_index_draws_the_streets_and_background_from_file_with_no_network(offline_page):
    page = offline_page
    open_pack(page, "index.html")
    assert page.locator("path.leaflet-interactive").count() == len(ROWS)
    # The background: the outline and five context layers (one path each), in their own pane under the
    # streets, and not clickable.
    page.wait_for_function("document.querySelectorAll('.leaflet-ws-background-pane path').length === 6")
    assert page.locator(".leaflet-ws-background-pane path.leaflet-interactive").count() == 0
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator("#pack-note").count() == 1
    # Only map tiles were asked for outside the folder (and refused): the streets need none of them.
    outside = requests_outside(page)
    assert all(url.startswith("https://tile.openstreetmap.org/") for url in outside), outside
    assert page.dialogs_seen == []


def test_the_popup_opens_with_the_person(offline_page):
    page = offline_page
    open_pack(page, "index.html")
    page.fill("#street-search", "ibarbou")
    page.locator("#street-results button").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.locator(".ws-popup[data-facts=loaded]").wait_for()  # the keys, then the facts, from the pack's files
    text = popup.inner_text()
    assert "Juana de Ibarbourou" in text and "poeta uruguaya" in text and "1892" in text
    assert popup.locator("a[href='https://es.wikipedia.org/wiki/Juana_de_Ibarbourou']").count() == 1
    # No public site was given, so there is no street page to link to.
    assert popup.locator("a.ws-street-page").count() == 0


def test_a_street_link_of_the_women_list_opens_it_on_the_map(offline_page):
    page = offline_page
    page.goto(page.pack_uri + "women-without-article.html")
    page.locator("a[href='index.html#street=w104']").click()
    page.wait_for_function("window.wsStreetsDrawn === true", timeout=15000)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Delmira Agustini" in popup.inner_text()


def test_presenter_keys_work_from_file(offline_page):
    page = offline_page
    open_pack(page, "present.html")
    women = page.locator("button[data-category=woman]")
    assert women.get_attribute("aria-pressed") == "true"
    page.keyboard.press("1")
    assert women.get_attribute("aria-pressed") == "false"
    assert page.evaluate("WhoseStreets.isVisible('woman')") is False
    page.keyboard.press("0")
    assert page.evaluate("WhoseStreets.isVisible('woman')") is True
    page.keyboard.press("p")
    assert "panel-hidden" in page.locator("body").get_attribute("class")
    page.keyboard.press("?")
    assert page.locator("#present-help").is_visible()
    page.keyboard.press("q")
    assert page.locator("#present-qr").is_visible() and not page.locator("#present-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#present-qr").is_visible()
    outside = requests_outside(page)
    assert all(url.startswith("https://tile.openstreetmap.org/") for url in outside), outside


def test_without_tiles_no_request_leaves_the_folder(app, page, tmp_path):
    store_sample_city(app.extensions["store"])
    target = tmp_path / "no-tiles"
    publish_city(app, AREA.slug, target, PackOptions(language="pt", tiles=False,
                                                      public_url="https://calles.example.org"))
    inside = target.as_uri() + "/"
    page.context.route(lambda url: not url.startswith(inside), lambda route: route.abort())
    for name in ("index.html", "present.html"):
        page.goto(inside + name)
        page.wait_for_function("window.wsStreetsDrawn === true", timeout=15000)
    page.keyboard.press("q")
    qr = page.locator("#present-qr")
    assert qr.is_visible() and qr.locator("svg").count() == 1
    assert f"https://calles.example.org/cities/{AREA.slug}" in qr.inner_text()
    assert [url for url in page.requests_seen if not url.startswith(inside)] == []


def test_take_this_map_offline_says_it_is_being_prepared_then_downloads_by_itself(live_server, page):
    store_sample_city(live_server.app.extensions["store"])
    page.goto(f"{live_server.url}/cities/{AREA.slug}")
    with page.expect_download(timeout=60000) as download:
        page.click("#take-offline")
        # Not made yet: a page that says so (and asks again by itself, with a meta refresh).
        assert "being prepared" in page.locator("#pack-status").inner_text()
    assert download.value.suggested_filename == f"{AREA.slug}-offline.zip"
    assert page.url == f"{live_server.url}/cities/{AREA.slug}/offline.zip"
