"""What changed between two analyses: volunteers edit OSM and Wikidata between them, the next one sees it.

The fixture city is analysed through both stand-ins; then OpenStreetMap gets a name:etymology:wikidata tag on
"Calle Delmira Agustini" and on "Calle Mercedes" (which a volunteer had reviewed as not a person), a new
street and one street fewer; Wikidata gets a Spanish article for Delmira Agustini. The second analysis must
ask both services again and every view of the changes must say so.
"""
import csv
import html
import io
import json
import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from app import create_app
from app.cli import main
from app.reviews import save_review
from app.store.models import AreaRow, RemoteAnswerRow, StreetRow, UserRow, utcnow
from tests.standins.overpass import FIXTURE_DIR

SLUG = "villa-ejemplo-1001"
DELMIRA_ARTICLE = """
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix schema: <http://schema.org/> .
<https://es.wikipedia.org/wiki/Delmira_Agustini> schema:about wd:Q900004 ; schema:isPartOf <https://es.wikipedia.org/> .
"""


def analyze(*args):
    return CliRunner().invoke(main, ["analyze", *args])


def edited_streets() -> str:
    """The fixture city's streets after a day of volunteers' edits in OpenStreetMap."""
    data = json.loads((FIXTURE_DIR / "streets_1001.json").read_text(encoding="utf-8"))
    elements = []
    for element in data["elements"]:
        if element.get("type") == "way" and element["id"] == 113:
            continue  # deleted
        if element.get("type") == "way" and element["id"] == 104:
            element["tags"]["name:etymology:wikidata"] = "Q900004"
        if element.get("type") == "way" and element["id"] == 108:
            element["tags"]["name:etymology:wikidata"] = "Q900005"
        elements.append(element)
    new_way = {"type": "way", "id": 120, "nodes": [5090, 5091],
               "bounds": {"minlat": -34.91, "minlon": -56.19, "maxlat": -34.909, "maxlon": -56.189},
               "geometry": [{"lat": -34.91, "lon": -56.19}, {"lat": -34.909, "lon": -56.189}],
               "tags": {"highway": "residential", "name": "Calle 25 de Agosto"}}
    elements.append(new_way)
    return json.dumps({**data, "elements": elements})


def open_app(env):
    return create_app({"INSTANCE_PATH": env["INSTANCE_PATH"], "ENV": env}, start_workers=False)


def time_passes(store, minutes=30):
    """Every cached answer gets older than the freshness window."""
    with store.session() as session:
        session.execute(update(RemoteAnswerRow).values(fetched_at=utcnow() - timedelta(minutes=minutes)))


@pytest.fixture
def edited_city(pipeline_env, overpass_server, sparql_server):
    """Two analyses with volunteers' edits between them; returns (app, first CLI output, second CLI output)."""
    first = analyze("relation/1001")
    assert first.exit_code == 0, first.output
    app = open_app(pipeline_env)
    store = app.extensions["store"]
    with store.session() as session:
        area_id = session.scalar(select(AreaRow.id))
        user = UserRow(name="ana", password_hash="x")
        session.add(user)
        session.flush()
        user_id = user.id
    # "Mercedes is a city" (true until someone tags the street after a woman).
    save_review(store, area_id, "w108", user_id, category="not_person", note="a city in Uruguay")
    sent = (len(overpass_server.requests), len(sparql_server.requests))
    overpass_server.add_route(r"area\(3600001001\)", edited_streets())
    sparql_server.load(DELMIRA_ARTICLE)
    time_passes(store)
    second = analyze("relation/1001")
    assert second.exit_code == 0, second.output
    # The second analysis asked both services again.
    assert len(overpass_server.requests) > sent[0] and len(sparql_server.requests) > sent[1]
    return app, first.output, second.output


def test_the_changes_page_json_and_csv_say_what_volunteers_did(edited_city):
    app, first, second = edited_city
    client = app.test_client()
    data = client.get(f"/api/cities/{SLUG}/changes").get_json()
    by_kind = {}
    for row in data["changes"]:
        by_kind.setdefault(row["change"], []).append(row)
    assert [r["street_name"] for r in by_kind["newly_tagged"]] == ["Calle Delmira Agustini", "Calle Mercedes"]
    delmira = by_kind["newly_tagged"][0]
    assert (delmira["source_before"], delmira["source_after"], delmira["why"]) == ("name_match", "osm_tag",
                                                                                    "osm_tag_added")
    assert [r["street_name"] for r in by_kind["new_street"]] == ["Calle 25 de Agosto"]
    assert [r["street_id"] for r in by_kind["vanished_street"]] == ["w113"]
    assert [(r["wikidata_ids"], r["persons"]) for r in by_kind["new_article"]] == [(["Q900004"],
                                                                                    ["Delmira Agustini"])]
    assert data["counts"]["new_article"] == 1 and data["before"]["run"] < data["after"]["run"]
    assert data["before"]["unresolved"] is not None

    page = client.get(f"/cities/{SLUG}/changes").get_data(as_text=True)
    assert "Calle Delmira Agustini" in page and "Calle 25 de Agosto" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page  # the vanished street
    assert 'data-kind="new_article">1<' in page

    response = client.get(f"/cities/{SLUG}/changes.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {(r["change"], r["street_id"]) for r in rows} >= {("newly_tagged", "w104"), ("new_article", "w104"),
                                                            ("new_street", "w120"), ("vanished_street", "w113")}
    vanished = next(r for r in rows if r["change"] == "vanished_street")
    assert vanished["street_name"] == "<img src=x onerror=alert(1)>"
    # The CLI printed the same summary at the end of the second analysis, and none of it after the first.
    assert "new article: Calle Delmira Agustini (Delmira Agustini)" in second
    assert "newly tagged: Calle Mercedes" in second and "Changes since" not in first


def test_the_changes_page_shows_the_rows_of_the_csv(edited_city):
    app, _, _ = edited_city
    client = app.test_client()
    page = client.get(f"/cities/{SLUG}/changes").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/cities/{SLUG}/changes.csv").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    kinds = {row["change"] for row in rows}
    assert len(kinds) >= 3
    for kind in kinds:
        start = page.index(f'<section id="{kind}"')
        section = page[start:page.index("</section>", start)]
        shown = [html.unescape(name) for name in
                 re.findall(r"<tr>\s*<td>(?:<a href=\"[^\"]*\">)?([^<]*)", section)]
        assert shown == [row["street_name"] for row in rows if row["change"] == kind], kind


def test_the_streets_and_gap_lists_change(edited_city):
    app, _, _ = edited_city
    store = app.extensions["store"]
    with store.session() as session:
        streets = {row.key: row for row in session.scalars(select(StreetRow))}
    assert (streets["w104"].category, streets["w104"].source) == ("woman", "osm_tag")
    assert "w120" in streets and "w113" not in streets
    client = app.test_client()
    articles = client.get(f"/cities/{SLUG}/gaps?list=articles&format=csv").get_data(as_text=True)
    tags = client.get(f"/cities/{SLUG}/gaps?list=tags&format=csv").get_data(as_text=True)
    assert "Delmira Agustini" not in articles and "Calle Delmira Agustini" not in tags


def test_a_review_that_osm_now_contradicts_is_flagged(edited_city):
    app, _, _ = edited_city
    store = app.extensions["store"]
    with store.session() as session:
        mercedes = session.scalar(select(StreetRow).where(StreetRow.key == "w108"))
    assert (mercedes.category, mercedes.source) == ("not_person", "review")
    assert mercedes.review_conflict and "Q900005" in mercedes.review_conflict
    client = app.test_client()
    page = client.get(f"/cities/{SLUG}/streets/w108").get_data(as_text=True)
    assert "review-conflict" in page and "Q900005" in page
    # The Changes page lists it for volunteers to look at again.
    data = client.get(f"/api/cities/{SLUG}/changes").get_json()
    [contradicted] = [row for row in data["changes"] if row["change"] == "review_contradicted"]
    assert contradicted["street_id"] == "w108" and "Q900005" in contradicted["why"]
    page = client.get(f"/cities/{SLUG}/changes").get_data(as_text=True)
    assert "Reviews that OpenStreetMap or Wikidata now contradict" in page


def test_an_offline_reanalysis_sends_nothing(edited_city, overpass_server, sparql_server):
    sent = (len(overpass_server.requests), len(sparql_server.requests))
    time_passes(edited_city[0].extensions["store"], minutes=600)
    result = analyze("relation/1001", "--offline")
    assert result.exit_code == 0, result.output
    assert (len(overpass_server.requests), len(sparql_server.requests)) == sent
    assert "newly tagged: 0" in result.output  # nothing new since the second analysis


def test_the_city_page_draws_its_progress(edited_city):
    app, _, _ = edited_city
    page = app.test_client().get(f"/cities/{SLUG}").get_data(as_text=True)
    section = page[page.index('id="progress"'):]
    section = section[:section.index("</section>")]  # the legend's swatches are SVG too
    assert section.count("<svg") == 2 and section.count("<circle") == 4  # two runs, two charts
    assert "<polyline" in section


def test_any_earlier_run_can_be_chosen_and_bad_choices_are_refused(edited_city):
    app, _, _ = edited_city
    client = app.test_client()
    data = client.get(f"/api/cities/{SLUG}/changes").get_json()
    before = data["before"]["run"]
    assert client.get(f"/api/cities/{SLUG}/changes?since={before}").get_json()["counts"] == data["counts"]
    page = client.get(f"/cities/{SLUG}/changes").get_data(as_text=True)
    assert f'<option value="{before}"' in page
    assert client.get(f"/api/cities/{SLUG}/changes?since=abc").status_code == 400
    assert client.get(f"/api/cities/{SLUG}/changes?since=99999").status_code == 404
    assert client.get(f"/api/cities/{SLUG}/changes?since={'9' * 30}").status_code == 400
    assert client.get(f"/api/cities/{SLUG}/changes?since=%C2%B2").get_json()["error"].startswith("since must")
    assert client.get(f"/api/cities/{SLUG}/changes?since=event").status_code == 404  # no event started
    assert client.get("/api/cities/nowhere-1/changes").status_code == 404


def test_a_first_analysis_has_nothing_to_compare(client, sample_city):
    page = client.get(f"/cities/{sample_city}/changes")
    assert page.status_code == 200 and "Nothing to compare yet" in page.get_data(as_text=True)
    assert client.get(f"/cities/{sample_city}/changes.csv").status_code == 404


def test_an_edit_a_thon_counts_from_its_start_and_volunteers_can_reanalyse(pipeline_env, overpass_server,
                                                                           sparql_server):
    from app.extensions import limiter
    from tests.test_auth import add_user, csrf_token, sign_in

    assert analyze("relation/1001").exit_code == 0
    app = create_app({"INSTANCE_PATH": pipeline_env["INSTANCE_PATH"], "ENV": pipeline_env}, start_workers=True)
    limiter.reset()
    try:
        client = app.test_client()
        store = app.extensions["store"]
        # Visitors see no controls and cannot use them.
        assert "Analyse again now" not in client.get(f"/cities/{SLUG}").get_data(as_text=True)
        token = csrf_token(client)
        assert client.post(f"/cities/{SLUG}/reanalyze", data={"csrf_token": token}).status_code == 302
        with store.session() as session:
            assert session.scalar(select(AreaRow.event_started_at)) is None
        add_user(store)
        assert sign_in(client).status_code == 302
        token = csrf_token(client, f"/cities/{SLUG}")
        assert client.post(f"/cities/{SLUG}/event", data={"action": "start"}).status_code == 400  # no CSRF token
        started = client.post(f"/cities/{SLUG}/event", data={"action": "start", "csrf_token": token})
        assert started.status_code == 302 and "since=event" in started.location

        overpass_server.add_route(r"area\(3600001001\)", edited_streets())
        sparql_server.load(DELMIRA_ARTICLE)
        time_passes(store)
        sent = (len(overpass_server.requests), len(sparql_server.requests))
        response = client.post(f"/cities/{SLUG}/reanalyze", data={"csrf_token": token})
        assert response.status_code == 302
        job_id = int(response.location.rsplit("job=", 1)[1])
        assert app.extensions["jobs"].wait(job_id, timeout=60).status == "done"
        assert len(overpass_server.requests) > sent[0] and len(sparql_server.requests) > sent[1]

        counts = client.get(f"/api/cities/{SLUG}/changes?since=event").get_json()["counts"]
        assert (counts["newly_tagged"], counts["new_article"]) == (2, 1)
        present = client.get(f"/cities/{SLUG}/present").get_data(as_text=True)
        assert 'id="present-event"' in present
        event_block = present[present.index('id="present-event"'):]
        assert "<strong>2</strong> new OpenStreetMap tags" in event_block
        assert "<strong>1</strong> new articles" in event_block
        assert "Since the start of the event" in client.get(f"/cities/{SLUG}/changes?since=event").get_data(
            as_text=True)

        # A double submit within the freshness window: a new run, nothing new asked.
        sent = (len(overpass_server.requests), len(sparql_server.requests))
        again = client.post(f"/cities/{SLUG}/reanalyze", data={"csrf_token": token})
        job_id = int(again.location.rsplit("job=", 1)[1])
        assert app.extensions["jobs"].wait(job_id, timeout=60).status == "done"
        assert (len(overpass_server.requests), len(sparql_server.requests)) == sent
        # Rate-limited per city.
        assert client.post(f"/cities/{SLUG}/reanalyze", data={"csrf_token": token}).status_code == 429
        # The event's figures still count from its start, across both runs.
        assert client.get(f"/api/cities/{SLUG}/changes?since=event").get_json()["counts"]["new_article"] == 1

        ended = client.post(f"/cities/{SLUG}/event", data={"action": "end", "csrf_token": token})
        assert ended.status_code == 302
        assert 'id="present-event"' not in client.get(f"/cities/{SLUG}/present").get_data(as_text=True)
    finally:
        app.extensions["jobs"].stop_workers()


def test_the_city_page_says_when_a_new_analysis_runs_or_failed(app, client, store, sample_city):
    from app.extensions import limiter
    from app.jobs import _mark_failed
    from app.store.models import JobRow
    from tests.test_auth import add_user, csrf_token, sign_in

    limiter.reset()  # the per-city limit of other tests' re-analyses of this city
    add_user(store)
    assert sign_in(client).status_code == 302
    token = csrf_token(client, f"/cities/{sample_city}")
    response = client.post(f"/cities/{sample_city}/reanalyze", data={"csrf_token": token})
    assert response.status_code == 302  # queued; this app runs no workers
    page = client.get(response.location).get_data(as_text=True)
    assert "A new analysis is running" in page
    with store.session() as session:
        job_id = session.scalar(select(JobRow.id))
    _mark_failed(store, job_id, "Overpass: HTTP 504 <b>")
    page = client.get(f"/cities/{sample_city}").get_data(as_text=True)
    assert "The latest analysis failed: Overpass: HTTP 504 &lt;b&gt;" in page
