"""Public pages through the Flask test client, on the fixture city stored by the real store code."""
from __future__ import annotations

import gzip
import json
import re

from app.mapdata import (
    FLAG_NO_ARTICLE,
    decode_lines,
    decode_streets,
    street_names,
    encode_lines,
    simplify_line,
    simplify_multiline,
    simplify_streets,
)
from tests.sample_city import ROWS, XSS_NAME

CDN_HINTS = ("https://cdn", "unpkg.com", "jsdelivr", "googleapis", "cdnjs", "bootstrapcdn", "code.jquery.com")


def asset_urls(html: str) -> list[str]:
    """Every URL the page would load by itself: scripts, stylesheets, images, fonts, iframes."""
    urls = re.findall(r"<script[^>]*\bsrc=[\"']?([^\"' >]+)", html)
    urls += re.findall(r"<link[^>]*\bhref=[\"']?([^\"' >]+)", html)
    urls += re.findall(r"<(?:img|iframe|source)[^>]*\bsrc=[\"']?([^\"' >]+)", html)
    urls += re.findall(r"url\(([^)]+)\)", html)
    return urls


def test_home_lists_the_city_with_its_figure(client, sample_city):
    html = client.get("/").get_data(as_text=True)
    assert "Villa Ejemplo" in html
    assert f'href="/cities/{sample_city}"' in html
    assert "44.4 %" in html  # 4 women among 9 person-named streets
    assert ">17<" in html  # streets counted
    assert 'id="analyse-form"' in html and "/static/js/home.js" in html


def test_home_without_cities_says_so(client):
    assert "No city has been analysed yet" in client.get("/").get_data(as_text=True)


def test_city_page_uses_only_the_apps_own_assets(client, sample_city):
    response = client.get(f"/cities/{sample_city}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for hint in CDN_HINTS:
        assert hint not in html, hint
    urls = asset_urls(html)
    assert {"/vendor/leaflet/leaflet.js", "/static/js/data.js", "/static/js/citymap.js"} <= set(urls)
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    # The street data is fetched, not pasted into the page.
    assert "Juana de Ibarbourou" not in html
    assert f"/cities/{sample_city}/map.json?rev=" in html


def test_city_page_escapes_hostile_names(client, store, sample_city):
    from sqlalchemy import update

    from app.store.models import AreaRow

    # A hostile city name too: it is shown in the title, header and map script.
    with store.session() as session:
        session.execute(update(AreaRow).values(name=XSS_NAME, parent="<script>alert(2)</script>"))
    for path in ("", "/present"):
        html = client.get(f"/cities/{sample_city}{path}").get_data(as_text=True)
        assert XSS_NAME not in html
        assert "<script>alert(2)</script>" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    home = client.get("/").get_data(as_text=True)
    assert XSS_NAME not in home and "&lt;img src=x onerror=alert(1)&gt;" in home


def test_city_page_has_statistics_legend_and_downloads(client, sample_city):
    html = client.get(f"/cities/{sample_city}").get_data(as_text=True)
    assert "44.4 %" in html
    for words in ("By street", "By length", "By person", "Occupations", "Century of birth"):
        assert words in html
    assert "poeta" in html and "1800–1899" in html
    assert f"/cities/{sample_city}/streets.csv" in html and f"/cities/{sample_city}/streets.geojson" in html
    assert "#D55E00" in html  # the women's colour in the legend
    assert "no Wikipedia article in Spanish yet" in html
    assert "openstreetmap.org/copyright" in html


def test_presenter_page_shows_the_headline(client, sample_city):
    response = client.get(f"/cities/{sample_city}/present")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="present-figure">44.4 %<' in html
    assert "/static/js/present.js" in html
    assert 'class="site-header"' not in html  # no clutter
    for hint in CDN_HINTS:
        assert hint not in html


def street_columns(data: dict, keys: list[str]) -> dict:
    """The map data's columns as one dict per street name, with the street's key from map-keys.json."""
    columns = data["streets"]
    return {name: {key: columns[key][i] for key in ("category", "flags")} | {"index": i, "id": keys[i]}
            for i, name in enumerate(street_names(data))}


def test_map_data_has_every_street_with_category_flags_and_quantised_lines(client, sample_city):
    response = client.get(f"/cities/{sample_city}/map.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    keys = client.get(f"/cities/{sample_city}/map-keys.json").get_json()
    assert keys["run"] == data["run"] and len(keys["keys"]) == len(street_names(data)) == len(ROWS)
    assert len(decode_streets(data)) == len(ROWS)
    by_name = street_columns(data, keys["keys"])
    juana = by_name["Calle Juana de Ibarbourou"]
    assert data["categories"][juana["category"]] == "woman" and juana["id"] == "w101"
    assert not juana["flags"] & FLAG_NO_ARTICLE
    assert by_name["Calle Delmira Agustini"]["flags"] & FLAG_NO_ARTICLE
    # Popup facts are not in the map data: they are fetched when a popup opens.
    assert "Q900001" not in json.dumps(data) and "1892" not in json.dumps(data)
    # A namesake the street name does not mention is there for the map's search.
    laura = by_name["Calle Laura Ramírez"]
    assert str(laura["index"]) not in data["people"]
    for lines in decode_streets(data):
        for line in lines:
            assert len(line) >= 2
            for lon, lat in line:
                assert round(lon, 5) == lon and round(lat, 5) == lat
                assert -57 < lon < -55 and -35 < lat < -33  # lon/lat order kept (sample city: Uruguay)
    south, west = data["bounds"][0]
    north, east = data["bounds"][1]
    assert south < north and west < east


def test_encoded_lines_round_trip_at_the_map_precision():
    lines = [[[-56.16489, -34.90523], [-56.1643, -34.90601], [-56.16401, -34.9062]], [[0.0, 0.0], [0.00001, -0.00001]]]
    encoded, end = encode_lines(lines)
    assert all(isinstance(text, str) for text in encoded) and end == (0.00001, -0.00001)
    assert decode_lines(encoded) == (lines, end)
    # Chained on a start point: the first point costs a small difference, not its full value.
    chained, _ = encode_lines(lines[:1], start=(-56.1649, -34.9052))
    assert len(chained[0]) < len(encode_lines(lines[:1])[0][0]) - 4
    assert decode_lines(chained, start=(-56.1649, -34.9052))[0] == lines[:1]


def test_map_data_is_compressed_and_cached_by_revision(client, sample_city):
    # A city's revision is "<run id>.<newest review id>": run 1, no review yet.
    response = client.get(f"/cities/{sample_city}/map.json?rev=1.0", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(street_names(json.loads(gzip.decompress(response.get_data())))) == len(ROWS)
    assert response.cache_control.max_age == 86400
    etag = response.headers["ETag"]
    again = client.get(f"/cities/{sample_city}/map.json?rev=1.0",
                       headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    plain = client.get(f"/cities/{sample_city}/map.json", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.cache_control.max_age == 60
    assert json.loads(plain.get_data()) == json.loads(gzip.decompress(response.get_data()))


def test_street_facts_for_a_popup(client, sample_city):
    response = client.get(f"/cities/{sample_city}/streets/w101.json?rev=1.0")
    assert response.status_code == 200 and response.cache_control.max_age == 86400
    facts = response.get_json()
    assert facts["street_name"] == "Calle Juana de Ibarbourou" and facts["category"] == "woman"
    assert facts["osm_ids"] == ["way/101", "way/102"]
    juana = facts["namesakes"][0]
    assert juana["qid"] == "Q900001" and juana["label"] == "Juana de Ibarbourou"
    assert juana["article"] == "https://es.wikipedia.org/wiki/Juana_de_Ibarbourou" and juana["birth_year"] == 1892
    assert client.get(f"/cities/{sample_city}/streets/w101.json",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    laura = client.get(f"/cities/{sample_city}/streets/w114.json").get_json()
    assert laura["namesakes"] == [] and laura["persons"] == ["Laura Ramírez"]
    assert client.get(f"/cities/{sample_city}/streets/w999.json").status_code == 404


def test_simplify_line_drops_needless_points_and_rounds():
    straight = [(-56.0 + i * 1e-4, -34.0 + i * 1e-4) for i in range(50)]
    assert simplify_line(straight) == [[-56.0, -34.0], [-55.9951, -33.9951]]
    bent = [(0.0, 0.0), (0.001, 0.0), (0.001, 0.001)]
    assert simplify_line(bent) == [[0.0, 0.0], [0.001, 0.0], [0.001, 0.001]]
    assert simplify_line([(1.123456789, 2.0), (1.1234567, 2.0)]) == [[1.12346, 2.0], [1.12346, 2.0]]


def test_vendor_and_static_text_assets_go_out_compressed(client):
    for path in ("/vendor/leaflet/leaflet.js", "/static/js/citymap.js"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and response.headers.get("Content-Encoding") == "gzip", path


def test_unknown_city_is_404_everywhere(client, sample_city):
    for path in ("", "/present", "/map.json", "/streets/w101.json", "/streets.csv", "/streets.geojson"):
        assert client.get(f"/cities/no-such-city-1{path}").status_code == 404, path


def test_our_encoding_is_googles_encoded_polyline():
    import polyline  # the reference implementation (a test dependency)

    random_walk = [[-56.16489 + 0.00037 * ((i * 7919) % 23 - 11) * i, -34.90523 + 0.00011 * ((i * 104729) % 17 - 8)]
                   for i in range(60)]
    for line in ([[0.0, 0.0], [-179.99999, 89.99999], [179.99999, -89.99999]], random_walk):
        line = [[round(lon, 5), round(lat, 5)] for lon, lat in line]
        assert encode_lines([line])[0] == [polyline.encode(line, 5, geojson=True)]


def test_simplifying_a_whole_city_at_once_matches_street_by_street():
    wiggly = [(-56.0 + i * 1e-4, -34.0 + (i % 3) * 3e-5) for i in range(30)]
    straight = [(-56.0 + i * 1e-4, -34.0 + i * 1e-4) for i in range(50)]
    tiny = [(1.123456789, 2.0), (1.1234567, 2.0)]
    streets = [[wiggly, straight], [], [tiny, [(5.0, 5.0)]], [straight]]
    assert simplify_streets(streets) == [simplify_multiline(street) for street in streets]


def test_city_page_says_its_languages_and_the_share_without_religious_figures(client, store, sample_city):
    html = client.get(f"/cities/{sample_city}").get_data(as_text=True)
    assert "street names read in Spanish" in html
    assert 'id="headline-religious"' not in html  # no saint nor Virgin in the fixture city
    from app.store.models import AreaRow as _AreaRow

    with store.session() as session:
        area = session.query(_AreaRow).filter_by(slug=sample_city).one()
        area.stats = {**area.stats, "religious_streets": 2, "religious_women_streets": 1,
                      "women_share_without_religious": 0.375}
    html = client.get(f"/cities/{sample_city}").get_data(as_text=True)
    assert 'id="headline-religious"' in html and "37.5 %" in html and "without religious figures" in html
    present = client.get(f"/cities/{sample_city}/present").get_data(as_text=True)
    assert "37.5 %" in present
