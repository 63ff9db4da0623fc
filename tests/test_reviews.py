"""Reviews: the street page, the check step, saving, applying at once, history, and surviving re-analyses."""
from __future__ import annotations

import csv
import io
import json
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app import create_app
from app.namesake_check import parse_qids
from app.reviews import ReviewError, save_review
from app.store.models import AreaRow, ReviewRow, StreetRow
from tests.test_auth import add_user, csrf_token, sign_in

STREET = "/cities/villa-ejemplo-1001/streets/{}"


def street_row(store, key):
    with store.session() as session:
        row = session.scalar(select(StreetRow).where(StreetRow.key == key))
        session.expunge_all()
        return row


def area_stats(store):
    with store.session() as session:
        return session.scalar(select(AreaRow.stats))


def review(client, key, **form):
    token = csrf_token(client, STREET.format(key))
    return client.post(STREET.format(key) + "/review", data={**form, "csrf_token": token})


def export_rows(store, slug):
    from app.exports import iter_export

    text = "".join(iter_export(store, slug, "csv"))
    return {r["street_id"]: r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}


@pytest.fixture
def volunteer(client, store, sample_city):
    add_user(store)
    assert sign_in(client).status_code == 302
    return client


def test_the_street_page_is_public_and_explains_the_classification(client, sample_city):
    html = client.get(STREET.format("w103")).get_data(as_text=True)
    assert "Avenida José Artigas" in html
    assert "https://www.openstreetmap.org/way/103" in html
    assert "a Wikidata person whose name matches the street name" in html  # evidence in words
    assert "Other candidates: Q900003" in html
    assert "José Artigas" in html and "Q900002" in html
    assert "Sign in to review this street" in html
    assert "Nobody has reviewed this street yet" in html
    assert client.get(STREET.format("w999")).status_code == 404


def test_anonymous_visitors_cannot_review(client, store, sample_city):
    token = csrf_token(client)  # a valid token from the sign-in form: still no account
    response = client.post(STREET.format("w108") + "/review",
                           data={"mode": "category", "category": "not_person", "csrf_token": token})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        # After signing in, the visitor lands back on the street page (not on a POST-only URL).
        back = client.get(STREET.format("w108") + "/review")
        assert back.status_code == 302 and back.headers["Location"].startswith(STREET.format("w108"))
    assert street_row(store, "w108").category == "unknown"
    with store.session() as session:
        assert session.scalar(select(ReviewRow)) is None


def test_a_forged_form_without_the_csrf_token_is_refused(volunteer, store):
    response = volunteer.post(STREET.format("w108") + "/review", data={"mode": "category", "category": "not_person"})
    assert response.status_code == 400
    assert street_row(store, "w108").category == "unknown"


def test_a_category_review_applies_at_once(volunteer, store, sample_city):
    before = area_stats(store)
    response = review(volunteer, "w108", mode="category", category="not_person", note="Mercedes is a city")
    assert response.status_code == 302
    row = street_row(store, "w108")
    assert (row.category, row.source, row.confidence, row.reviewed) == ("not_person", "review", "high", True)
    after = area_stats(store)
    assert after["by_street"]["not_person"] == before["by_street"]["not_person"] + 1
    assert after["by_street"]["unknown"] == before["by_street"]["unknown"] - 1
    exported = export_rows(store, sample_city)["w108"]
    assert (exported["category"], exported["source"], exported["reviewed"]) == ("not_person", "review", "yes")
    html = volunteer.get(STREET.format("w108")).get_data(as_text=True)
    assert "Review saved" in html
    assert "Mercedes is a city" in html and "ana" in html
    assert 'data-category="not_person"' in html
    # No longer in the unresolved list.
    assert "Calle Mercedes" not in volunteer.get(f"/cities/{sample_city}/gaps?list=unknown").get_data(as_text=True)


def test_a_namesake_review_is_checked_before_it_is_saved(volunteer, store, sample_city):
    # Step one: the ids are looked up (Wikidata is unreachable here: the store answers) and shown.
    checked = review(volunteer, "w103", mode="namesake", qids="q900003", note="the Spanish one", action="check")
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "Is this who the street honours?" in html and "José Artigas" in html and "man" in html
    assert 'name="checked" value="Q900003"' in html
    assert street_row(store, "w103").source == "name_match"  # nothing saved yet
    # Step two: save what was checked.
    saved = review(volunteer, "w103", mode="namesake", qids="Q900003", checked="Q900003", action="save",
                   note="the Spanish one")
    assert saved.status_code == 302
    row = street_row(store, "w103")
    with store.session() as session:
        links = [link.qid for link in session.get(StreetRow, row.id).links]
    assert links == ["Q900003"]
    assert (row.category, row.source, row.reviewed) == ("man", "review", True)
    assert row.review_conflict and "Q900002" in row.review_conflict  # name_match still says the other one
    assert export_rows(store, sample_city)["w103"]["wikidata_ids"] == "Q900003"
    html = volunteer.get(STREET.format("w103")).get_data(as_text=True)
    assert "disagree" in html


def test_changing_the_ids_after_the_check_checks_again(volunteer, store):
    response = review(volunteer, "w103", mode="namesake", qids="Q900004", checked="Q900003", action="save")
    assert response.status_code == 200 and "Is this who the street honours?" in response.get_data(as_text=True)
    assert street_row(store, "w103").source == "name_match"


def test_unknown_and_invalid_ids_are_not_saved(volunteer, store):
    response = review(volunteer, "w108", mode="namesake", qids="Q123456789", action="check")
    assert "not found in Wikidata" in response.get_data(as_text=True)
    assert 'name="checked"' in response.get_data(as_text=True) and 'value="Save review"' not in response.get_data(as_text=True)
    forced = review(volunteer, "w108", mode="namesake", qids="Q123456789", checked="Q123456789", action="save")
    assert forced.status_code == 400 and "check it first" in forced.get_data(as_text=True)
    bad = review(volunteer, "w108", mode="namesake", qids="Robert'); DROP TABLE", action="check")
    assert bad.status_code == 400 and "Not a Wikidata id" in bad.get_data(as_text=True)
    wrong_category = review(volunteer, "w108", mode="category", category="several")
    assert wrong_category.status_code == 400
    with store.session() as session:
        assert session.scalar(select(ReviewRow)) is None


def test_the_latest_review_wins_and_history_is_kept(volunteer, store):
    review(volunteer, "w117", mode="category", category="man", note="first")
    add_user(store, "bea")
    other = volunteer.application.test_client()
    assert sign_in(other, "bea").status_code == 302
    review(other, "w117", mode="category", category="not_person", note="second: the river")
    assert street_row(store, "w117").category == "not_person"
    html = other.get(STREET.format("w117")).get_data(as_text=True)
    history = html[html.index("History of reviews"):]
    assert history.index("second: the river") < history.index("first")
    assert "bea" in history and "ana" in history
    assert street_row(store, "w118").category == "unknown"  # the homonym far away is another street


def test_a_woman_without_a_wikidata_item_can_be_set(volunteer, store):
    review(volunteer, "w108", mode="category", category="woman", note="Mercedes Pinto? local teacher")
    row = street_row(store, "w108")
    assert (row.category, row.source) == ("woman", "review")
    assert area_stats(store)["by_street"]["woman"] >= 1


def test_map_data_changes_after_a_review(volunteer, store, sample_city):
    from app.store.models import MapDataRow

    before = json.loads(volunteer.get(f"/cities/{sample_city}/map.json").get_data(as_text=True))
    review(volunteer, "w108", mode="category", category="not_person")
    # Rebuilt with the review, before anyone asks for it.
    with store.session() as session:
        assert session.scalar(select(MapDataRow.revision)) != before["revision"]
    after = json.loads(volunteer.get(f"/cities/{sample_city}/map.json").get_data(as_text=True))
    assert after["revision"] != before["revision"]
    keys = volunteer.get(f"/cities/{sample_city}/map-keys.json").get_json()["keys"]
    mercedes = keys.index("w108")
    assert after["categories"][after["streets"]["category"][mercedes]] == "not_person"
    facts = volunteer.get(f"/cities/{sample_city}/streets/w108.json").get_json()
    assert facts["category"] == "not_person" and facts["reviewed"] is True


def test_review_values_are_validated():
    assert parse_qids("Q1, q2 https://www.wikidata.org/wiki/Q3 Q1") == ["Q1", "Q2", "Q3"]
    for bad in ("Q0", "x", "Q12a", "javascript:Q1"):
        with pytest.raises(ReviewError):
            parse_qids(bad)


def test_reviews_survive_a_new_run_through_the_store(store, sample_city):
    from tests.sample_city import store_sample_city

    user = add_user(store)
    with store.session() as session:
        area_id = session.scalar(select(AreaRow.id))
    save_review(store, area_id, "w108", user, category="not_person", note="a city")
    with pytest.raises(ReviewError):
        save_review(store, area_id, "w108", user, qids=["Q42"])  # unknown to the store: check first
    store_sample_city(store)  # a new run of the same city, written without looking at reviews
    from app.reviews import apply_reviews_since
    from app.store.records import latest_reviews

    assert latest_reviews(store, area_id)["w108"].category == "not_person"
    assert street_row(store, "w108").reviewed is False  # "reviewed" says a review decides the street
    # What an analysis does with reviews saved while it ran: apply them to the new run.
    assert apply_reviews_since(store, area_id, 0) == 1
    row = street_row(store, "w108")
    assert (row.category, row.source, row.reviewed) == ("not_person", "review", True)


# --- through the real pipeline and the stand-in servers ---------------------------------------




def analyze(*args):
    from app.cli import main

    result = CliRunner().invoke(main, ["analyze", *args])
    assert result.exit_code == 0, result.output


@contextmanager
def signed_in_after_analysis(pipeline_env):
    """The fixture city analysed through the stand-ins, and a volunteer signed in on a fresh app."""
    analyze("relation/1001")
    app = create_app({"INSTANCE_PATH": pipeline_env["INSTANCE_PATH"], "ENV": pipeline_env}, start_workers=False)
    try:
        store = app.extensions["store"]
        add_user(store)
        client = app.test_client()
        assert sign_in(client).status_code == 302
        yield store, client
    finally:
        app.extensions["store"].dispose()


def test_a_web_review_survives_a_real_reanalysis(pipeline_env, sparql_server):
    with signed_in_after_analysis(pipeline_env) as (store, client):
        # The check asks the SPARQL stand-in (Wikidata) for the id's facts.
        asked = len(sparql_server.requests)
        checked = review(client, "w103", mode="namesake", qids="Q900003", action="check")
        assert "José Artigas" in checked.get_data(as_text=True)
        assert len(sparql_server.requests) > asked
        assert review(client, "w103", mode="namesake", qids="Q900003", checked="Q900003",
                      action="save").status_code == 302
        assert review(client, "w108", mode="category", category="not_person", note="a city").status_code == 302
        assert street_row(store, "w103").source == "review"

        analyze("relation/1001", "--offline")
        artigas, mercedes = street_row(store, "w103"), street_row(store, "w108")
        with store.session() as session:
            links = [link.qid for link in session.get(StreetRow, artigas.id).links]
        assert (artigas.category, artigas.source, artigas.reviewed, links) == ("man", "review", True, ["Q900003"])
        assert artigas.review_conflict and "Q900002" in artigas.review_conflict
        assert (mercedes.category, mercedes.source, mercedes.reviewed) == ("not_person", "review", True)


def decided_streets(store) -> dict:
    """Everything a decision sets on each street of the current run, its namesake links included."""
    with store.session() as session:
        run_id = session.scalar(select(AreaRow.current_run_id))
        return {
            row.key: (row.category, row.mix, row.source, row.confidence, row.needs_review, row.reviewed,
                      row.review_conflict, row.religious, row.evidence, row.basis,
                      [(link.qid, link.position, link.source, link.confidence) for link in row.links])
            for row in session.scalars(select(StreetRow).where(StreetRow.run_id == run_id))
        }


def test_a_review_saved_on_the_page_decides_as_the_next_analysis(pipeline_env, sparql_server):
    """Saving a review and analysing again give the same streets, from the same evidence (decide_streets)."""
    with signed_in_after_analysis(pipeline_env) as (store, client):
        before = decided_streets(store)
        assert all(values[9] is not None for values in before.values())  # the analysis kept every basis
        saved = [
            ("w103", {"mode": "namesake", "qids": "Q900003", "checked": "Q900003"}),  # against the name match
            ("w101", {"mode": "category", "category": "not_person"}),  # against the OSM tag
            ("w110", {"mode": "category", "category": "woman"}),  # a person Wikidata gives no gender
            ("w114", {"mode": "category", "category": "man", "note": "a man named Laura"}),  # first name
            ("w117", {"mode": "category", "category": "woman"}),  # one of two homonyms ("Calle Rivera")
        ]
        for key, form in saved:
            assert review(client, key, action="save", **form).status_code == 302
        reviewed = decided_streets(store)
        stats = area_stats(store)
        changed = {key for key in before if before[key] != reviewed[key]}
        assert changed == {key for key, _ in saved}
        assert reviewed["w101"][:3] == ("not_person", None, "review") and "osm_tag now says" in reviewed["w101"][6]
        assert reviewed["w114"][0] == "man" and reviewed["w118"] == before["w118"]

        analyze("relation/1001", "--offline")
        assert decided_streets(store) == reviewed
        assert area_stats(store) == stats


def test_the_entity_endpoint(pipeline_env, sparql_server):
    app = create_app({"INSTANCE_PATH": pipeline_env["INSTANCE_PATH"], "ENV": pipeline_env}, start_workers=False)
    try:
        add_user(app.extensions["store"])
        client = app.test_client()
        anonymous = client.get("/api/entities?ids=Q900004").get_json()["entities"][0]
        assert anonymous["found"] is False  # visitors get only what the store knows: nothing yet
        assert sign_in(client).status_code == 302
        answer = client.get("/api/entities?ids=Q900004,Q900007").get_json()
        by_qid = {e["qid"]: e for e in answer["entities"]}
        assert by_qid["Q900004"]["label"] == "Delmira Agustini" and by_qid["Q900004"]["gender"] == "woman"
        assert by_qid["Q900007"]["gender"] == "nonbinary" and by_qid["Q900004"]["origin"] == "wikidata"
        assert client.get("/api/entities?ids=Q1;DROP").status_code == 400
        assert client.get("/api/entities").status_code == 400
    finally:
        app.extensions["store"].dispose()


def test_the_entity_endpoint_falls_back_to_the_store(client, sample_city):
    answer = client.get("/api/entities?ids=Q900004,Q77777").get_json()
    by_qid = {e["qid"]: e for e in answer["entities"]}
    assert by_qid["Q900004"]["found"] and by_qid["Q900004"]["origin"] == "store"
    assert by_qid["Q77777"]["found"] is False
