"""The "Check these matches" gap list: name-alone matches too close to call, confirmed or corrected
by a volunteer in one click (a review), and the street page saying how the namesake was found."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from app.domain import LOW, MAN, MEDIUM, Decision, Evidence, Street
from app.store.models import ReviewRow, StreetRow
from app.stats import headline
from app.store.records import find_or_create_area, save_run
from tests.sample_city import AREA, ENTITIES
from tests.test_auth import add_user, sign_in

HOW = "found from the name 'Artigas': Q900002 scores 9 (family name 'Artigas' (+2)); runners-up: Q900003 8"


def street(key: str, name: str, length: float) -> Street:
    return Street(key=key, name=name, osm_ids=[f"way/{key[1:]}"], lines=[], length_m=length)


@pytest.fixture
def city(store):
    """Two close calls found from the name alone, one clear match, one close call by a title."""
    area = find_or_create_area(store, AREA)
    close = Evidence("family_name", ["Q900002"], confidence=LOW, detail=HOW, alternatives=["Q900003"],
                     needs_review=True)
    streets = [street("w1", "Calle Artigas", 300.0), street("w2", "Pasaje Artigas", 900.0),
               street("w3", "Avenida José Artigas", 500.0), street("w4", "Calle General Artigas", 100.0)]
    decisions = {
        "w1": Decision(MAN, "family_name", LOW, ["Q900002"], evidence=[close], needs_review=True),
        "w2": Decision(MAN, "family_name", LOW, ["Q900002"], evidence=[close], needs_review=True),
        "w3": Decision(MAN, "name_match", MEDIUM, ["Q900002"],
                       evidence=[Evidence("name_match", ["Q900002"], confidence=MEDIUM)]),
        "w4": Decision(MAN, "title", LOW, [], needs_review=True),
    }
    save_run(store, area.id, figures=headline, streets=streets, readings={}, decisions=decisions, namesakes=ENTITIES,
             conflicts={}, source="overpass")
    return area.slug


def matches_page(client, slug, **params):
    response = client.get(f"/cities/{slug}/gaps", query_string={"list": "matches", **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_close_calls_found_from_the_name_are_listed_longest_first(client, city):
    html = matches_page(client, city)
    assert "Check these matches" in html and "(2)" in html
    assert html.index("Pasaje Artigas") < html.index("Calle Artigas")
    assert "Avenida José Artigas" not in html  # a clear match
    assert "Calle General Artigas" not in html  # not a Wikidata match: nothing to confirm
    assert "Q900003" in html and "runners-up" in html
    assert "guessed from a family name in the street name" in html
    assert "Sign in to confirm or correct these matches." in html


def test_matches_download(client, city):
    response = client.get(f"/cities/{city}/gaps", query_string={"list": "matches", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["street_name"] for r in rows] == ["Pasaje Artigas", "Calle Artigas"]
    assert rows[0]["wikidata_ids"] == "Q900002" and rows[0]["other_candidates"] == "Q900003"
    assert rows[0]["confidence"] == "low" and rows[0]["how_found"].startswith("found from the name")


def one_click_forms(html: str) -> dict[str, dict[str, str]]:
    """qid -> the hidden fields of its one-click form."""
    forms = {}
    for action, form in re.findall(r'<form method="post" action="([^"]+)" class="one-click[^"]*">(.*?)</form>',
                                   html, re.S):
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
        forms[fields["qids"]] = {**fields, "_action": action}
    return forms


def test_a_volunteer_picks_the_runner_up_in_one_click(client, store, city):
    add_user(store)
    assert sign_in(client).status_code == 302
    html = matches_page(client, city)
    forms = one_click_forms(html)
    assert set(forms) == {"Q900002", "Q900003"}
    fields = {k: v.replace("&amp;", "&") for k, v in forms["Q900003"].items()}
    response = client.post(fields.pop("_action"), data=fields)
    assert response.status_code == 302 and "list=matches" in response.headers["Location"]
    with store.session() as session:
        [review] = session.scalars(select(ReviewRow)).all()
        assert review.qids == ["Q900003"]
        row = session.scalar(select(StreetRow).where(StreetRow.key == review.street_key))
        assert row.reviewed and row.source == "review"
    # The reviewed street leaves the list; the other one stays.
    assert "(1)" in matches_page(client, city)


def test_a_volunteer_confirms_the_choice(client, store, city):
    add_user(store)
    sign_in(client)
    html = matches_page(client, city)
    fields = {k: v.replace("&amp;", "&") for k, v in one_click_forms(html)["Q900002"].items()}
    fields.pop("_action")  # each row has its own; post this confirmation to the longest street's
    client.post(f"/cities/{city}/streets/w2/review", data=fields)
    with store.session() as session:
        row = session.scalar(select(StreetRow).where(StreetRow.key == "w2"))
        assert row.reviewed and [link.qid for link in row.links] == ["Q900002"]


def test_the_return_address_stays_on_this_city(client, store, city):
    add_user(store)
    sign_in(client)
    fields = one_click_forms(matches_page(client, city))["Q900002"]
    fields.pop("_action")
    fields = {**fields, "next": "https://evil.example/"}
    response = client.post(f"/cities/{city}/streets/w1/review", data=fields)
    assert response.headers["Location"].endswith(f"/cities/{city}/streets/w1")


def test_the_street_page_says_the_match_came_from_the_name_alone(client, city):
    html = client.get(f"/cities/{city}/streets/w1").get_data(as_text=True)
    assert "Found from the street name alone" in html
    assert "runners-up" in html
    clear = client.get(f"/cities/{city}/streets/w3").get_data(as_text=True)
    assert "Found from the street name alone" in clear  # an exact name match is a guess from the name too
