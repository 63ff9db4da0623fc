"""Every gap list is one declared table answered as HTML, JSON and CSV: the three agree.

A city made for it holds hostile text in every list (a street called ``=HYPERLINK(…)``, a woman
whose label is ``<script>…``): HTML escapes it, CSV neutralises it, JSON gives it as it is. Under
every sort, direction and filter the three give the same rows in the same order; bad parameters
mean the default (or a clear 404 for an unknown list), never a 500.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest

from app.domain import LOW, MAN, MEDIUM, UNKNOWN, WOMAN, Decision, Evidence
from app.domain import Namesake, Street
from app.gaps import LISTS, TABLES
from app.stats import headline
from app.store.records import find_or_create_area, save_run
from app.tables import csv_cell
from tests.sample_city import AREA

FORMULA = '=HYPERLINK("http://evil.example","click")'
SCRIPT = "<script>alert(1)</script>"
AT_SUM = "@SUM(1+1);-2"


def woman(qid: str, label: str, sitelinks: int, articles: dict | None = None) -> Namesake:
    return Namesake(qid=qid, labels={"es": label}, descriptions={"es": SCRIPT}, gender=WOMAN,
                    gender_qids=["Q6581072"], gender_labels=["female"], sitelinks=sitelinks,
                    articles=articles or {"en": f"https://en.wikipedia.org/wiki/{qid}"})


def man(qid: str, label: str) -> Namesake:
    return Namesake(qid=qid, labels={"es": label}, gender=MAN, gender_qids=["Q6581097"], gender_labels=["male"])


NAMESAKES = {
    "Q1": woman("Q1", FORMULA, 9), "Q2": woman("Q2", SCRIPT, 4), "Q3": woman("Q3", "Ana Alba", 4),
    "Q4": woman("Q4", "Berta Bravo", 0, {}), "Q5": woman("Q5", "Carla Cruz", 7),
    "Q6": man("Q6", AT_SUM), "Q7": man("Q7", "Diego Díaz"), "Q8": man("Q8", SCRIPT),
}


def _street(number: int, name: str, length: float) -> Street:
    lon = -56.2 + number * 0.001
    return Street(key=f"w{number}", name=name, osm_ids=[f"way/{number}"], lines=[[(lon, -34.9), (lon, -34.899)]],
                  length_m=length)


def _close_call(qid: str, other: str) -> Decision:
    evidence = Evidence("family_name", [qid], confidence=LOW, detail=f"{SCRIPT} {FORMULA}", alternatives=[other],
                        needs_review=True)
    return Decision(MAN, "family_name", LOW, [qid], evidence=[evidence], needs_review=True)


# (way id, name, length, decision): women without an article (by name and street), streets to tag,
# unresolved names (some shared), first-name guesses and close calls, each with hostile text.
ROWS = [
    (1, f"Calle {FORMULA}", 120.0, Decision(WOMAN, "name_match", MEDIUM, ["Q1"])),
    (2, "Calle Ana Alba", 300.0, Decision(WOMAN, "wikidata_street", MEDIUM, ["Q3"])),
    (3, "Pasaje Ana Alba", 80.0, Decision(WOMAN, "name_match", MEDIUM, ["Q3"])),
    (4, SCRIPT, 210.0, Decision(WOMAN, "street_item", MEDIUM, ["Q2"])),
    (5, "Calle Berta Bravo", 210.0, Decision(WOMAN, "name_match", MEDIUM, ["Q4"])),
    (6, "Calle Carla Cruz", 55.5, Decision(WOMAN, "osm_tag", MEDIUM, ["Q5"])),
    (7, FORMULA, 400.0, Decision(UNKNOWN, None, LOW, [])),
    (8, FORMULA, 20.0, Decision(UNKNOWN, None, LOW, [])),
    (9, SCRIPT, 15.0, Decision(UNKNOWN, None, LOW, [])),
    (10, AT_SUM, 900.0, Decision(UNKNOWN, None, LOW, [])),
    (11, "Calle Mercedes", 60.0, Decision(UNKNOWN, "name_match", LOW, [])),
    (12, "Calle Álvarez", 70.0, Decision(UNKNOWN, None, LOW, [])),
    (13, f"Calle Laura {SCRIPT}", 130.0, Decision(WOMAN, "first_name", LOW, [])),
    (14, "Calle Laura Pérez", 140.0, Decision(WOMAN, "first_name", LOW, [])),
    (15, f"Avenida {AT_SUM}", 50.0, Decision(MAN, "first_name", LOW, [])),
    (16, f"Calle {SCRIPT} Díaz", 500.0, _close_call("Q7", "Q8")),
    (17, "Calle Díaz", 250.0, _close_call("Q7", "Q6")),
    (18, f"Calle {AT_SUM}", 600.0, _close_call("Q6", "Q7")),
    (19, "Calle Diego Díaz", 90.0, Decision(MAN, "name_match", MEDIUM, ["Q7"])),
]
#: The column that names a row in each list, and how an HTML row says it.
IDENTITY = {"articles": "wikidata_id", "tags": "street_id", "unknown": "street_name", "first_names": "street_id",
            "matches": "street_id"}


@pytest.fixture
def city(store):
    area = find_or_create_area(store, AREA)
    streets = [_street(n, name, length) for n, name, length, _ in ROWS]
    decisions = {f"w{n}": decision for n, _, _, decision in ROWS}
    save_run(store, area.id, figures=headline, streets=streets, readings={}, decisions=decisions, namesakes=NAMESAKES,
             conflicts={}, source="overpass")
    return area.slug


def get_json(client, slug, name, **params) -> dict:
    response = client.get(f"/cities/{slug}/gaps/{name}.json", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type == "application/json"
    return response.get_json()


def all_json_rows(client, slug, name, **params) -> list[dict]:
    """Every row of the list, page after page, following the JSON's own ``next`` links."""
    body = get_json(client, slug, name, size=2, **params)
    rows = list(body["rows"])
    while body["next"]:
        response = client.get(body["next"])
        assert response.status_code == 200
        body = response.get_json()
        rows += body["rows"]
    return rows


def csv_table(client, slug, name, **params) -> tuple[list[str], list[list[str]]]:
    response = client.get(f"/cities/{slug}/gaps", query_string={"list": name, "format": "csv", **params})
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    return header, rows


def html_identities(client, slug, name, **params) -> list[str]:
    response = client.get(f"/cities/{slug}/gaps", query_string={"list": name, **params})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if '<table class="gaps">' not in page:
        assert 'class="empty"' in page
        return []
    table = page[page.index('<table class="gaps">'):page.index("</table>")]
    if name == "unknown":
        return [html.unescape(cell) for cell in re.findall(r"<tr>\s*<td>(.*?)</td>", table, re.S)]
    attribute = "qid" if name == "articles" else "key"
    return re.findall(rf'<tr data-{attribute}="([^"]+)"', table)


def identity(name: str, record: dict) -> str:
    if name == "unknown":
        return record["street_name"]
    return record[IDENTITY[name]]


def html_identity(name: str, record: dict) -> str:
    # The unknown list's HTML row shows the name; the others carry their key (or the woman's id).
    return identity(name, record) if name == "unknown" else str(record[IDENTITY[name]])


def variants(name: str):
    table = TABLES[name]
    for sort in table.sorts:
        for direction in ("", "asc", "desc"):
            yield {"sort": sort, "dir": direction}
    yield {"q": "a"}
    yield {"q": "alvarez"}
    for source in table.filters.get("source", ()):
        yield {"source": source}


def test_every_list_has_rows_here(client, city):
    for name in LISTS:
        assert get_json(client, city, name)["total"] >= 3, name


@pytest.mark.parametrize("name", LISTS)
def test_html_json_and_csv_give_the_same_rows_in_the_same_order(client, city, name):
    table = TABLES[name]
    for params in variants(name):
        records = all_json_rows(client, city, name, **params)
        header, csv_rows = csv_table(client, city, name, **params)
        assert header == table.keys
        # The CSV is the JSON's rows, cell by cell, through the one CSV cell rule.
        assert csv_rows == [[csv_cell(r[c.key], numeric=c.numeric) for c in table.columns] for r in records], params
        assert len(records) == get_json(client, city, name, **params)["total"]
        # The HTML page shows the same rows as the JSON page of the same size.
        first = get_json(client, city, name, size=3, **params)
        assert html_identities(client, city, name, size=3, **params) == \
            [html_identity(name, r) for r in first["rows"]], params
        second = get_json(client, city, name, size=3, page=2, **params)
        assert html_identities(client, city, name, size=3, page=2, **params) == \
            [html_identity(name, r) for r in second["rows"]], params


def test_sorts_and_filters_change_the_rows(client, city):
    by_sitelinks = [r["wikidata_id"] for r in all_json_rows(client, city, "articles")]
    assert by_sitelinks[0] == "Q1" and by_sitelinks[-1] == "Q4"  # most articles elsewhere first
    assert [r["wikidata_id"] for r in all_json_rows(client, city, "articles", dir="asc")][0] == "Q4"
    names = [r["name"] for r in all_json_rows(client, city, "articles", sort="name")]
    assert names == sorted(names, key=str.casefold)
    assert [r["street_name"] for r in all_json_rows(client, city, "unknown", q="alvarez")] == ["Calle Álvarez"]
    lengths = [r["length_m"] for r in all_json_rows(client, city, "unknown", sort="length")]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] == 900.0
    only = all_json_rows(client, city, "tags", source="wikidata_street")
    assert [r["street_id"] for r in only] == ["w2"] and {r["source"] for r in only} == {"wikidata_street"}
    unresolved_by_name = all_json_rows(client, city, "unknown", source="name_match")
    assert [r["street_name"] for r in unresolved_by_name] == ["Calle Mercedes"]


def test_a_json_page_says_what_it_is(client, city):
    body = get_json(client, city, "unknown", size=2, sort="name", dir="desc", q="calle")
    assert body["list"] == "unknown" and body["city"] == city
    assert (body["sort"], body["dir"], body["q"], body["page"], body["page_size"]) == ("name", "desc", "calle", 1, 2)
    assert body["filters"] == {"source": None} and body["descending"] is True
    assert get_json(client, city, "unknown", sort="name")["descending"] is False  # names go A to Z
    assert get_json(client, city, "unknown", sort="length")["descending"] is True  # the longest first
    assert body["columns"] == TABLES["unknown"].keys
    assert body["total"] == 2 and body["pages"] == 1 and body["next"] is None
    assert body["csv"].startswith(f"/cities/{city}/gaps/unknown.csv?") and "page=" not in body["csv"]
    # The CSV link is the same list as the page's CSV download.
    assert client.get(body["csv"]).get_data() == \
        client.get(f"/cities/{city}/gaps", query_string={"list": "unknown", "format": "csv", "sort": "name",
                                                          "dir": "desc", "q": "calle"}).get_data()
    assert get_json(client, city, "unknown") == client.get(f"/cities/{city}/gaps?list=unknown&format=json").get_json()
    # The page links its JSON, with the page's parameters.
    page = client.get(f"/cities/{city}/gaps", query_string={"list": "tags", "sort": "length", "page": 2, "size": 2})
    link = html.unescape(re.search(r'<a class="json" href="([^"]+)"', page.get_data(as_text=True)).group(1))
    assert link.startswith(f"/cities/{city}/gaps/tags.json?")
    assert client.get(link).get_json()["rows"] == get_json(client, city, "tags", sort="length", page=2, size=2)["rows"]


@pytest.mark.parametrize("params", [
    {"sort": "bogus"}, {"dir": "sideways"}, {"page": "x"}, {"page": "-1"}, {"page": "0"}, {"page": "²"},
    {"page": "99999999999999999999999"}, {"page": "2147483647"}, {"size": "0"}, {"size": "-5"}, {"size": "abc"},
    {"size": "99999999"}, {"source": "bogus"}, {"source": "none"}, {"q": "x" * 5000}, {"q": "100%_\\"},
    {"q": "'; DROP TABLE streets; --"}, {"list": "bogus"},
])
def test_bad_parameters_mean_the_default_never_an_error(client, city, params):
    for name in LISTS:
        for fmt in ("", "csv", "json"):
            query = {"list": name, **params, **({"format": fmt} if fmt else {})}
            response = client.get(f"/cities/{city}/gaps", query_string=query)
            assert response.status_code == 200, (name, fmt, params)
        response = client.get(f"/cities/{city}/gaps/{name}.json", query_string=params)
        assert response.status_code == 200, (name, params)
        body = response.get_json()
        assert body["sort"] in TABLES[name].sorts and 1 <= body["page_size"] <= 1000 and body["page"] >= 1
        if params.get("sort") == "bogus":
            assert body["sort"] == TABLES[name].sorts[0]


def test_a_page_past_the_end_is_empty_not_an_error(client, city):
    body = get_json(client, city, "unknown", page=50)
    assert body["rows"] == [] and body["next"] is None and body["total"] > 0


def test_unknown_lists_and_cities_are_clear_404s(client, city):
    response = client.get(f"/cities/{city}/gaps/bogus.json")
    assert response.status_code == 404 and response.content_type == "application/json"
    assert "articles" in response.get_json()["error"]
    assert client.get(f"/cities/{city}/gaps/bogus.csv").status_code == 404
    response = client.get("/cities/nowhere-1/gaps/articles.json")
    assert response.status_code == 404 and response.content_type == "application/json"
    assert client.get("/cities/nowhere-1/gaps/articles.csv").status_code == 404


def test_hostile_text_is_escaped_in_html_neutralised_in_csv_and_plain_in_json(client, city):
    for name in LISTS:
        page = client.get(f"/cities/{city}/gaps", query_string={"list": name}).get_data(as_text=True)
        assert SCRIPT not in page and "alert(1)</" not in page, name
        records = all_json_rows(client, city, name)
        text = json.dumps(records, ensure_ascii=False)
        _, rows = csv_table(client, city, name)
        cells = [cell for row in rows for cell in row]
        for cell in cells:
            for part in cell.split(";"):
                assert not part.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
        assert FORMULA in text or AT_SUM in text or SCRIPT in text, name  # JSON is plain
    articles = {r["wikidata_id"]: r for r in all_json_rows(client, city, "articles")}
    assert articles["Q1"]["name"] == FORMULA and articles["Q2"]["name"] == SCRIPT
    assert html.escape(SCRIPT, quote=False) in client.get(f"/cities/{city}/gaps?list=articles").get_data(as_text=True)
    _, rows = csv_table(client, city, "articles")
    assert ["'" + FORMULA] == [row[2] for row in rows if row[1] == "Q1"]
    unknown = {r["street_name"]: r for r in all_json_rows(client, city, "unknown")}
    assert unknown[FORMULA]["street_ids"] == ["w7", "w8"] and unknown[AT_SUM]["streets"] == 1
    _, rows = csv_table(client, city, "unknown")
    assert "'@SUM(1+1);'-2" in [row[1] for row in rows]
    matches = {r["street_id"]: r for r in all_json_rows(client, city, "matches")}
    assert matches["w16"]["how_found"] == f"{SCRIPT} {FORMULA}"
    _, rows = csv_table(client, city, "matches")
    assert [row[-1] for row in rows if row[1] == "w16"] == [f"{SCRIPT} {FORMULA}"]  # "=" inside, not first
