"""The presenter's pack (app/web/publish.py): the fixture city written as a static site, its links, the
safe replacement of the target folder, the CLI, the .zip download, the QR code and the offline background."""
from __future__ import annotations

import base64
import gzip
import io
import json
import os
import re
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from app.background import DEFAULT_BUDGET, background, budgeted
from app.mapdata import street_names
from app.cli import main
from app.web import publish
from app.web.publish import MARKER, PackOptions, PublishError, publish_city
from app.store.records import find_analysed_area
from app.web.qr import qr_svg
from tests.sample_city import AREA, ROWS, XSS_NAME, store_sample_city

SLUG = AREA.slug
LINK = re.compile(r'(?:href|src)="([^"]*)"')
OUTLINE = [[[-56.2, -34.92], [-56.11, -34.92], [-56.11, -34.88], [-56.2, -34.88], [-56.2, -34.92]]]


def data_of(script: Path) -> dict:
    """The JSON a pack's data script hands to static/js/data.js (gzip, base64)."""
    text = script.read_text(encoding="ascii")
    match = re.fullmatch(r'WhoseStreetsData\.receiveGzip\("([\w-]+)", "([A-Za-z0-9+/=]*)"\);\n', text)
    assert match, text[:100]
    return json.loads(gzip.decompress(base64.b64decode(match.group(2))))


def local_links(folder: Path) -> list[tuple[Path, str]]:
    """(page, link) for every link of every page that does not leave the pack."""
    found = []
    for page in folder.rglob("*.html"):
        for link in LINK.findall(page.read_text(encoding="utf-8")):
            link = link.replace("&amp;", "&")
            if urlsplit(link).scheme in ("http", "https") or link.startswith("#"):
                continue
            found.append((page, link))
    return found


@pytest.fixture
def pack(app, sample_city, tmp_path) -> Path:
    target = tmp_path / "pack"
    publish_city(app, SLUG, target, PackOptions(language="es", background=background(OUTLINE)))
    return target


def test_the_pack_holds_every_page_download_and_asset(pack):
    for name in ("index.html", "present.html", "women-without-article.html", "women-without-article.csv",
                 f"{SLUG}-streets.zip", "data/map.js", "data/keys.js", "data/background.js",
                 "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/leaflet/images/layers.png",
                 "static/js/data.js", "static/js/citymap.js", "static/js/present.js", "static/css/map.css", MARKER):
        assert (pack / name).is_file(), name
    streets = data_of(pack / "data" / "map.js")
    keys = data_of(pack / "data" / "keys.js")
    assert keys["run"] == streets["run"] and len(keys["keys"]) == len(street_names(streets)) == len(ROWS)
    facts = data_of(pack / "data" / "facts" / "0.js")  # the fixture city fits in one file of facts
    assert set(facts) == set(keys["keys"])
    assert facts["w101"]["namesakes"][0]["label"] == "Juana de Ibarbourou"
    assert data_of(pack / "data" / "background.js")["layers"][-1]["name"] == "outline"
    downloads = zipfile.ZipFile(pack / f"{SLUG}-streets.zip")
    assert sorted(downloads.namelist()) == [f"{SLUG}-streets.csv", f"{SLUG}-streets.geojson"]
    assert downloads.read(f"{SLUG}-streets.csv").startswith(b"\xef\xbb\xbf\"city\",\"street_id\"")
    assert json.loads(downloads.read(f"{SLUG}-streets.geojson"))["type"] == "FeatureCollection"


def test_every_link_inside_the_pack_is_relative_and_leads_to_a_file(pack):
    links = local_links(pack)
    assert len(links) > 15
    for page, link in links:
        assert not link.startswith("/") and "://" not in link, (page.name, link)
        path = unquote(urlsplit(link).path)
        assert (page.parent / path).resolve().is_file(), (page.name, link)
    index = (pack / "index.html").read_text(encoding="utf-8")
    assert 'href="present.html"' in index and 'href="women-without-article.html"' in index
    # Nothing that needs the service: no sign-in, no language switch, no .zip of itself.
    assert "/login" not in index and "/language/" not in index and "offline.zip" not in index


def test_pages_are_in_the_chosen_language_and_say_when_the_data_was_fetched(pack, app, tmp_path):
    index = (pack / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in index
    note = re.search(r'<p class="pack-note" id="pack-note">(.*?)</p>', index, re.S).group(1)
    assert re.search(r"\d{4}-\d\d-\d\d", note) and "OpenStreetMap" in note and "Wikidata" in note
    assert "ODbL" in index
    english = tmp_path / "en"
    publish_city(app, SLUG, english, PackOptions(language="en"))
    text = (english / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "Presenter mode" in text and "in English" in text
    assert not (english / "data" / "background.js").exists()


def test_osm_text_stays_escaped_in_the_pack(pack):
    for page in ("index.html", "women-without-article.html"):
        assert XSS_NAME not in (pack / page).read_text(encoding="utf-8")
    # In the data script the name is a JSON string, drawn by citymap.js through textContent.
    assert XSS_NAME in data_of(pack / "data" / "map.js")["streets"]["name"]


def test_the_women_list_is_whole_and_links_streets_to_the_map(pack):
    page = (pack / "women-without-article.html").read_text(encoding="utf-8")
    assert "Delmira Agustini" in page and "María Ejemplo" in page
    assert 'href="index.html#street=w104"' in page  # no public site given: the street on the map
    assert 'name="q"' not in page and "rel=\"next\"" not in page  # no filter form, no paging


def test_street_pages_point_to_the_public_site_when_there_is_one(app, sample_city, tmp_path):
    target = tmp_path / "public"
    publish_city(app, SLUG, target, PackOptions(language="es", public_url="https://calles.example.org"))
    page = (target / "women-without-article.html").read_text(encoding="utf-8")
    assert f'href="https://calles.example.org/cities/{SLUG}/streets/w104"' in page
    present = (target / "present.html").read_text(encoding="utf-8")
    assert f"https://calles.example.org/cities/{SLUG}" in present and "<svg" in present


def test_a_folder_with_other_files_is_refused_and_left_alone(app, sample_city, tmp_path):
    target = tmp_path / "documents"
    target.mkdir()
    (target / "thesis.odt").write_text("years of work")
    with pytest.raises(PublishError, match="not empty"):
        publish_city(app, SLUG, target, PackOptions())
    assert [p.name for p in target.iterdir()] == ["thesis.odt"]


def test_an_earlier_pack_is_replaced_only_when_the_new_one_is_complete(app, sample_city, tmp_path, monkeypatch):
    target = tmp_path / "pack"
    publish_city(app, SLUG, target, PackOptions(language="es"))
    (target / "index.html").write_text("the earlier pack")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "_copy_assets", broken)
    with pytest.raises(RuntimeError):
        publish_city(app, SLUG, target, PackOptions(language="en"))
    assert (target / "index.html").read_text() == "the earlier pack"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no half-written folder
    monkeypatch.undo()
    publish_city(app, SLUG, target, PackOptions(language="en"))
    assert "Presenter mode" in (target / "index.html").read_text(encoding="utf-8")


def test_unknown_city_and_language_are_clear_errors(app, sample_city, tmp_path):
    with pytest.raises(PublishError, match="no analysed city"):
        publish_city(app, "atlantis-1", tmp_path / "x", PackOptions())
    with pytest.raises(PublishError, match="language"):
        publish_city(app, SLUG, tmp_path / "x", PackOptions(language="fr"))
    assert not (tmp_path / "x").exists()


def test_city_page_offers_the_pack_as_a_zip_made_in_the_background(client, sample_city, app):
    client.get("/language/pt")
    page = client.get(f"/cities/{SLUG}").get_data(as_text=True)
    assert f'href="/cities/{SLUG}/offline.zip"' in page
    packs = app.extensions["packs"]
    # A working folder a stopped process left behind an hour ago goes; a fresh one may be another's build.
    stale, fresh = Path(app.instance_path) / "packs" / "tmpstale", Path(app.instance_path) / "packs" / "tmpfresh"
    stale.mkdir(parents=True)
    fresh.mkdir()
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    # The first ask makes nothing in the request: the pack is being prepared, the page asks again by itself.
    waiting = client.get(f"/cities/{SLUG}/offline.zip")
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] == "5"
    assert waiting.mimetype == "text/html" and '<meta http-equiv="refresh" content="5">' in waiting.text
    assert 'id="pack-status"' in waiting.text and "no-store" in waiting.headers["Cache-Control"]
    assert packs.wait_idle(60)
    response = client.get(f"/cities/{SLUG}/offline.zip")  # in the reader's language
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"{SLUG}-offline.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert f"{SLUG}-offline/index.html" in names and f"{SLUG}-offline/data/map.js" in names
    assert '<html lang="pt">' in archive.read(f"{SLUG}-offline/index.html").decode("utf-8")
    # The Overpass of the tests is down: the pack comes without an outline rather than not at all.
    assert f"{SLUG}-offline/data/background.js" not in names
    assert client.get("/cities/atlantis-1/offline.zip").status_code == 404
    # Kept per revision of the city and language; the ETag is the revision's, so a browser revalidates.
    with app.app_context():
        revision = find_analysed_area(app.extensions["store"], SLUG).revision
    assert response.headers["ETag"] == f'"pack-{revision}-pt"'
    assert client.get(f"/cities/{SLUG}/offline.zip", headers={"If-None-Match": response.headers["ETag"]}) \
        .status_code == 304
    kept = sorted(p.name for p in (Path(app.instance_path) / "packs").iterdir())
    assert kept == sorted([f"{SLUG}-{revision}-pt.zip", "tmpfresh"])
    assert client.get(f"/cities/{SLUG}/offline.zip").data == response.data


def test_a_review_makes_the_pack_again_once_reviews_pause(client, sample_city, app):
    from app.reviews import save_review
    from tests.test_auth import add_user

    packs = app.extensions["packs"]
    packs.prepare_ahead, packs.review_delay = True, 0.3  # PREPARE_OFFLINE_PACKS, as outside tests
    client.get(f"/cities/{SLUG}/offline.zip")
    assert packs.wait_idle(60)
    store_ = app.extensions["store"]
    with app.app_context():
        before = find_analysed_area(store_, SLUG)
    user = add_user(store_)
    save_review(store_, before.id, "w108", user, category="not_person", note="a city")
    with app.app_context():
        after = find_analysed_area(store_, SLUG)
    assert after.revision != before.revision
    # The earlier pack is not the city any more: it is not served.
    assert client.get(f"/cities/{SLUG}/offline.zip").status_code == 202
    assert packs.wait_idle(60) and packs.path(SLUG, after.revision, "en").exists()
    # Reviewed through the page: made again in the city's language once reviews have paused, unasked.
    from tests.test_auth import csrf_token, sign_in

    sign_in(client)
    token = csrf_token(client, f"/cities/{SLUG}/streets/w108")
    answer = client.post(f"/cities/{SLUG}/streets/w108/review",
                         data={"mode": "category", "category": "unknown", "note": "", "csrf_token": token})
    assert answer.status_code == 302
    with app.app_context():
        reviewed = find_analysed_area(store_, SLUG)
    assert reviewed.revision != after.revision and not packs.path(SLUG, reviewed.revision, "es").exists()
    assert packs.wait_idle(60) and packs.path(SLUG, reviewed.revision, "es").exists()


def test_an_analysis_run_by_the_service_makes_its_pack_ahead(tmp_path):
    from app import create_app
    from tests.conftest import make_env

    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": make_env(tmp_path), "TESTING": True,
                      "PREPARE_OFFLINE_PACKS": True}, start_workers=False)
    store_ = app.extensions["store"]
    queue, packs = app.extensions["jobs"], app.extensions["packs"]
    try:
        store_sample_city(store_)
        queue.execute = lambda job, progress: None  # the city is stored already: the job only finishes
        queue.start_workers()
        started = app.test_client().post("/api/cities", json={"query": "relation/1001"})
        assert queue.wait(started.get_json()["job"]["id"]).status == "done"
        with app.app_context():
            revision = find_analysed_area(store_, SLUG).revision
        # In the city's language, before anyone asked for it (the hook runs just after the job is done).
        deadline = time.monotonic() + 60
        while not packs.path(SLUG, revision, "es").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert packs.path(SLUG, revision, "es").exists()
        assert app.test_client().get(f"/cities/{SLUG}/offline.zip", headers={"Accept-Language": "es"}).status_code == 200
    finally:
        queue.stop_workers()
        store_.dispose()


def test_a_pack_that_cannot_be_made_says_so_and_is_tried_again_later(client, sample_city, app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "zip_folder", broken)
    packs = app.extensions["packs"]
    assert client.get(f"/cities/{SLUG}/offline.zip").status_code == 202
    assert packs.wait_idle(60)
    failed = client.get(f"/cities/{SLUG}/offline.zip")
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "60"
    assert "could not be prepared" in failed.text and "refresh" not in failed.text
    assert [p for p in (Path(app.instance_path) / "packs").iterdir()] == []  # nothing half-written is kept


def test_presenter_mode_has_a_qr_code_of_the_public_address(app, client, sample_city):
    # Without PUBLIC_URL: the address the page was asked on.
    assert f'<p class="qr-url">http://localhost/cities/{SLUG}</p>' in client.get(f"/cities/{SLUG}/present").text
    app.config["SETTINGS"].public_url = "https://calles.example.org"
    page = client.get(f"/cities/{SLUG}/present").get_data(as_text=True)
    assert 'id="present-qr"' in page and "<svg" in page
    assert f'<p class="qr-url">https://calles.example.org/cities/{SLUG}</p>' in page
    assert str(qr_svg(f"https://calles.example.org/cities/{SLUG}")) in page
    assert qr_svg("https://a.example/1") != qr_svg("https://a.example/2")


def test_publish_command_fetches_the_background_and_reports_the_size(pipeline_env, tmp_path, overpass_server):
    from tests.test_cli import cli_store

    store_sample_city(cli_store(pipeline_env))
    target = tmp_path / "usb"
    result = CliRunner().invoke(main, ["publish", SLUG, "-o", str(target), "--context"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "MB" in result.output and "index.html" in result.output
    layers = {layer["name"]: layer for layer in data_of(target / "data" / "background.js")["layers"]}
    assert set(layers) == {"parks", "water", "waterways", "roads", "railways", "outline"}
    assert len(layers["outline"]["lines"]) == 2 and len(layers["roads"]["lines"]) == 2
    assert layers["parks"]["area"] is True and layers["railways"]["area"] is False
    assert '<html lang="es">' in (target / "index.html").read_text(encoding="utf-8")  # the city's language
    fixtures = [r.fixture for r in overpass_server.requests]
    assert "outline_1001.json" in fixtures and "context_1001.json" in fixtures


def test_publish_command_errors_leave_nothing_behind(cli_env, tmp_path):
    from tests.test_cli import cli_store

    result = CliRunner().invoke(main, ["publish", "atlantis-1", "-o", str(tmp_path / "x")])
    assert result.exit_code != 0 and "no analysed city" in result.output
    store_sample_city(cli_store(cli_env))
    # Overpass is unreachable in cli_env: --context cannot be honoured, so nothing is written.
    result = CliRunner().invoke(main, ["publish", SLUG, "-o", str(tmp_path / "x"), "--context"])
    assert result.exit_code != 0 and "background" in result.output
    assert not (tmp_path / "x").exists()
    result = CliRunner().invoke(main, ["publish", SLUG, "-o", str(tmp_path / "x"), "--public-url", "calles.org"])
    assert result.exit_code != 0 and "--public-url" in result.output


def test_the_background_fits_its_budget_keeping_railways_and_water():
    # A grid of 4,000 wiggly unnamed roads of 40 points each: far more than the budget at full detail.
    roads = [[[-56.2 + 0.0003 * i + 0.002 * (k % 2), -34.9 + 0.00025 * k] for k in range(40)] for i in range(4000)]
    context = {"roads": roads, "railways": [OUTLINE[0]], "waterways": [OUTLINE[0]], "water": [], "parks": []}
    assert len(json.dumps(context)) > 3 * DEFAULT_BUDGET
    layers, how = budgeted({**context, "outline": OUTLINE}, budget=200_000)
    assert len(json.dumps(layers, separators=(",", ":"))) <= 200_000
    assert layers["railways"] and layers["waterways"] and layers["outline"]
    assert how["dropped_roads"] > 0 and 0 < len(layers["roads"]) < 4000
    small, how = budgeted({"outline": OUTLINE}, budget=200_000)
    assert how == {"tolerance": 1e-5, "decimals": 5, "dropped_roads": 0} and small["outline"] == OUTLINE
