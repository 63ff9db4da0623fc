"""The four gap lists on the fixture city: contents, links, sorting, filtering, pagination, CSV."""
from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from app.domain import LOW, MAN, UNKNOWN, Decision, Street
from app.gaps import GapQuery, gap_page
from app.tables import csv_cell
from app.store.records import find_analysed_area
from app.links import josm_url, translation_url
from app.stats import headline
from app.store.records import find_or_create_area, save_run
from tests.sample_city import AREA, ENTITIES, XSS_NAME


def page_text(client, slug, **params):
    response = client.get(f"/cities/{slug}/gaps", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def csv_rows(client, slug, **params):
    response = client.get(f"/cities/{slug}/gaps", query_string={**params, "format": "csv"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for spreadsheets
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_women_without_an_article_in_the_city_language(client, sample_city):
    html = page_text(client, sample_city, list="articles")
    assert "Delmira Agustini" in html
    assert "Juana de Ibarbourou" not in html  # she has an es article
    assert "Clara Silva" not in html
    assert "https://es.wikipedia.org/w/index.php?title=Delmira+Agustini&amp;action=edit" in html
    rows = csv_rows(client, sample_city, list="articles")
    by_qid = {r["wikidata_id"]: r for r in rows}
    assert "Q900004" in by_qid and "Q900001" not in by_qid
    assert by_qid["Q900004"]["sitelinks"] == "2"
    assert by_qid["Q900004"]["street_name"] == "Calle Delmira Agustini"


def test_best_translation_candidates_come_first(client, sample_city):
    rows = csv_rows(client, sample_city, list="articles")
    sitelinks = [int(r["sitelinks"]) for r in rows]
    assert sitelinks == sorted(sitelinks, reverse=True)
    by_name = csv_rows(client, sample_city, list="articles", sort="name")
    assert [r["name"] for r in by_name] == sorted(r["name"] for r in by_name)


def test_translation_link_starts_from_the_richest_language():
    articles = {"fr": "https://fr.wikipedia.org/wiki/Delmira_Agustini",
                "en": "https://en.wikipedia.org/wiki/Delmira_Agustini"}
    url = translation_url("es", articles)
    assert url == ("https://es.wikipedia.org/wiki/Special:ContentTranslation?page=Delmira_Agustini"
                   "&from=en&to=es")
    assert "from=fr" in translation_url("es", {"fr": articles["fr"]})
    assert translation_url("es", {}) is None


def test_streets_missing_the_etymology_tag(client, sample_city):
    html = page_text(client, sample_city, list="tags")
    for name in ("Avenida José Artigas", "Calle Delmira Agustini", "Calle Clara Silva"):
        assert name in html
    for tagged in ("Calle Juana de Ibarbourou", "Calle María y Pedro", "Calle Alex Quiroga"):
        assert tagged not in html
    assert "https://www.openstreetmap.org/edit?editor=id&amp;way=103" in html
    rows = {r["street_name"]: r for r in csv_rows(client, sample_city, list="tags")}
    josm = urlsplit(rows["Avenida José Artigas"]["josm_url"])
    assert (josm.scheme, josm.netloc, josm.path) == ("http", "127.0.0.1:8111", "/load_object")
    assert parse_qs(josm.query) == {"objects": ["w103"], "addtags": ["name:etymology:wikidata=Q900002"]}
    assert rows["Avenida José Artigas"]["wikidata_ids"] == "Q900002"


def test_josm_link_loads_every_way_and_joins_several_ids():
    url = josm_url(["way/101", "way/102", "relation/7"], ["Q1", "Q2"])
    assert parse_qs(urlsplit(url).query) == {"objects": ["w101,w102,r7"],
                                             "addtags": ["name:etymology:wikidata=Q1;Q2"]}


def test_tags_list_filters_by_source(client, sample_city):
    rows = csv_rows(client, sample_city, list="tags", source="wikidata_street")
    assert [r["street_name"] for r in rows] == ["Calle Clara Silva"]


def test_unresolved_streets_most_used_names_first(client, sample_city):
    html = page_text(client, sample_city, list="unknown")
    assert "Calle Rivera" in html and "Calle Mercedes" in html
    assert XSS_NAME not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "/cities/villa-ejemplo-1001/streets/w117" in html  # the review action
    rows = csv_rows(client, sample_city, list="unknown")
    assert rows[0]["street_name"] == "Calle Rivera" and rows[0]["streets"] == "2"
    assert rows[0]["street_ids"] == "w117;w118"
    assert "Calle Juana de Ibarbourou" not in {r["street_name"] for r in rows}
    assert "Calle Mercedes" in {r["street_name"] for r in rows}


def test_people_known_only_by_first_name(client, sample_city):
    html = page_text(client, sample_city, list="first_names")
    assert "Calle Laura Ramírez" in html
    assert "https://www.wikidata.org/w/index.php?search=Laura+Ram%C3%ADrez" in html
    assert "Special:NewItem?label=Laura+Ram%C3%ADrez&amp;lang=es" in html
    rows = csv_rows(client, sample_city, list="first_names")
    assert [r["street_name"] for r in rows] == ["Calle Laura Ramírez"]
    assert rows[0]["person"] == "Laura Ramírez"


def test_text_filter(client, sample_city):
    rows = csv_rows(client, sample_city, list="unknown", q="rivera")
    assert [r["street_name"] for r in rows] == ["Calle Rivera"]
    html = page_text(client, sample_city, list="tags", q="delmira")
    assert "Calle Delmira Agustini" in html and "Avenida José Artigas" not in html
    assert csv_rows(client, sample_city, list="tags", q="100%_") == []  # LIKE wildcards are literal


def test_every_list_shows_its_count(client, sample_city):
    html = page_text(client, sample_city, list="unknown")
    assert "4 entries" in html  # Rivera (2 streets), Mercedes, Ana Sin Datos, the XSS name


def big_city(store, n=130):
    """A city with many unresolved streets and name matches, to page through."""
    area = find_or_create_area(store, AREA)
    streets, decisions, readings = [], {}, {}
    for i in range(n):
        key = f"w{5000 + i}"
        streets.append(Street(key=key, name=f"Calle Número {i:03d}", osm_ids=[f"way/{5000 + i}"], lines=[],
                              length_m=float(1000 - i)))
        decisions[key] = Decision(UNKNOWN, None, LOW) if i % 2 else Decision(MAN, "name_match", LOW, ["Q900002"])
    save_run(store, area.id, figures=headline, streets=streets, readings=readings, decisions=decisions, namesakes=ENTITIES,
             conflicts={}, source="overpass")
    return area.slug


def test_pagination_and_sorting(client, store):
    slug = big_city(store)
    area = find_analysed_area(store, slug)
    first = gap_page(store, area, GapQuery(list="unknown", sort="name"))
    second = gap_page(store, area, GapQuery(list="unknown", sort="name", page=2))
    assert first.total == 65 and first.pages == 2
    assert len(first.rows) == 50 and len(second.rows) == 15
    names = [r["name"] for r in first.rows + second.rows]
    assert names == sorted(names) and len(set(names)) == 65
    reverse = gap_page(store, area, GapQuery(list="unknown", sort="name", descending=True))
    assert reverse.rows[0]["name"] == names[-1]
    by_length = gap_page(store, area, GapQuery(list="tags", sort="length"))
    lengths = [r["length_m"] for r in by_length.rows]
    assert lengths == sorted(lengths, reverse=True) and by_length.total == 65
    html = page_text(client, slug, list="unknown", sort="name", page=2)
    assert "page 2 of 2" in html and names[-1] in html and names[0] not in html
    assert len(csv_rows(client, slug, list="unknown")) == 65  # the download is the whole list


def test_unknown_cities_and_odd_parameters(client, sample_city):
    assert client.get("/cities/nowhere-1/gaps").status_code == 404
    assert "Delmira Agustini" in page_text(client, sample_city, list="bogus", sort="bogus", page="x")


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM", "'@SUM"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Calle", "Calle"), (-3.5, "-3.5"), (None, ""), (["a", "b"], "a;b"),
])
def test_csv_cells_never_run_as_formulas(value, expected):
    assert csv_cell(value) == expected


def test_formula_like_street_names_are_neutralised_in_csv(client, store):
    area = find_or_create_area(store, AREA)
    street = Street(key="w1", name="=cmd|' /C calc'!A0", osm_ids=["way/1"], lines=[], length_m=5.0)
    save_run(store, area.id, figures=headline, streets=[street], readings={}, decisions={"w1": Decision(UNKNOWN, None, LOW)},
             namesakes={}, conflicts={}, source="overpass")
    rows = csv_rows(client, area.slug, list="unknown")
    assert rows[0]["street_name"].startswith("'=")


def test_the_name_filter_ignores_case_and_accents(client, sample_city):
    for typed in ("ramirez", "RAMÍREZ", "Ramírez"):
        page = client.get(f"/cities/{sample_city}/gaps", query_string={"list": "first_names", "q": typed})
        assert "Calle Laura Ramírez" in page.get_data(as_text=True), typed
    page = client.get(f"/cities/{sample_city}/gaps", query_string={"list": "first_names", "q": "gomez"})
    assert "Calle Laura Ramírez" not in page.get_data(as_text=True)
