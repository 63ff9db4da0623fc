"""Finding the namesake from the street name alone: family names, same-named streets elsewhere,
homonyms, through the real queries against the SPARQL stand-in (tests/fixtures/wikidata/
namesakes_from_names.ttl on top of the fixture city)."""
from __future__ import annotations

import pytest

from app.classify import build_evidence_from_reading, decide
from app.domain import LOW, MAN, MEDIUM, UNKNOWN, Area, Street
from app.names import names_to_look_up, read_street_name
from app.remote import MemoryCache, RetryPolicy
from app.wikidata.client import SparqlClient
from app.wikidata.namematch import street_labels, surname_spellings, title_occupations
from app.wikidata.namesakes import resolve_namesakes
from tests.standins.sparql import FIXTURE_DIR

VILLA_EJEMPLO = Area("relation", 1001, "Villa Ejemplo", 8, "UY", "Q900100", ["es"])
NAMES = {
    "w:1": "Calle Zorrilla",
    "w:2": "Avenida General Rondeau",
    "w:3": "Pasaje Duguay Trouin",
    "w:4": "Calle Leandro Gómez",
    "w:5": "Calle Ferreira",
    "w:6": "Calle Berro",
    "w:7": "Calle Smithson",
    "w:8": "Calle Lavalleja",
    "w:9": "Calle Mercedes",
    "w:10": "Avenida José Artigas",
    "w:11": "Avenida Italia",
    "w:12": "Calle Brown",
    "w:13": "Calle St-Exupéry",
    "w:14": "Plaza Josefina",
}
STREETS = [Street(key=k, name=n, osm_ids=[f"way/{k[2:]}"], lines=[], length_m=50.0) for k, n in NAMES.items()]


@pytest.fixture
def resolved(sparql_server):
    sparql_server.load_file(FIXTURE_DIR / "namesakes_from_names.ttl")
    client = SparqlClient(sparql_server.url, cache=MemoryCache(), policy=RetryPolicy(attempts=2, timeout=10))
    readings = {s.key: read_street_name(s.name, ["es"]) for s in STREETS}
    name_parts = {k: names_to_look_up(r) for k, r in readings.items()}
    evidence, namesakes = resolve_namesakes(client, VILLA_EJEMPLO, STREETS, name_parts, readings=readings)
    decisions = {
        s.key: decide(s.name, readings[s.key],
                      evidence[s.key] + build_evidence_from_reading(readings[s.key], "UY"), namesakes)
        for s in STREETS
    }
    return evidence, namesakes, decisions, client, sparql_server


def found(evidence, key):
    [e] = evidence[key]
    return e


def test_surname_alone(resolved):
    evidence, _, decisions, _, _ = resolved
    e = found(evidence, "w:1")
    assert (e.source, e.qids, e.confidence) == ("family_name", ["Q900301"], MEDIUM)
    assert e.alternatives == ["Q900302"] and not e.needs_review
    assert "family name 'Zorrilla'" in e.detail and "citizen of the country" in e.detail
    assert decisions["w:1"].category == MAN and decisions["w:1"].source == "family_name"


def test_title_and_surname_prefers_the_occupation_the_title_names(resolved):
    evidence, _, _, _, _ = resolved
    e = found(evidence, "w:2")
    # The footballer has as many ties; "General" fits the officer's occupation only.
    assert e.qids == ["Q900311"] and e.alternatives == ["Q900312"]
    assert "the title fits its occupation" in e.detail


def test_spelling_variant_of_the_family_name(resolved):
    evidence, _, _, _, _ = resolved
    e = found(evidence, "w:3")
    assert (e.source, e.qids) == ("family_name", ["Q900321"])
    assert "spelling variant" in e.detail


def test_same_named_streets_in_other_cities_of_the_country(resolved):
    evidence, namesakes, decisions, _, _ = resolved
    e = found(evidence, "w:4")
    assert (e.source, e.qids, e.confidence) == ("same_name_streets", ["Q900331"], MEDIUM)
    # Both streets (another street type included), never the school of the same name.
    assert "2 street(s)" in e.detail and "Q900332" in e.detail and "Q900333" in e.detail
    assert "Q900334" not in e.detail and "Q900302" not in e.alternatives
    assert decisions["w:4"].category == MAN


def test_same_named_streets_that_disagree_are_weighed(resolved):
    evidence, _, _, _, _ = resolved
    e = found(evidence, "w:12")
    assert (e.source, e.qids) == ("same_name_streets", ["Q900381"])
    assert e.alternatives == ["Q900382"] and "2 street(s)" in e.detail and "1 street(s)" in e.detail


def test_a_saint_like_family_name_in_another_spelling(resolved):
    evidence, _, decisions, _, _ = resolved
    e = found(evidence, "w:13")
    assert (e.source, e.qids) == ("family_name", ["Q900391"])
    assert "'Saint-Exupéry' (spelling variant)" in e.detail
    assert decisions["w:13"].category == MAN


def test_a_given_name_alone_finds_a_royal_of_the_country(resolved):
    evidence, _, decisions, _, server = resolved
    e = found(evidence, "w:14")
    assert (e.source, e.qids) == ("name_match", ["Q900395"])
    assert "'Josefina de Uruguay'" in e.detail and decisions["w:14"].category == "woman"


def test_two_candidates_too_close_are_low_and_need_review(resolved):
    evidence, _, decisions, _, _ = resolved
    e = found(evidence, "w:5")
    assert e.confidence == LOW and e.needs_review
    assert {*e.qids, *e.alternatives} == {"Q900341", "Q900342"}
    assert "too close to call" in e.detail
    assert decisions["w:5"].confidence == LOW and decisions["w:5"].needs_review


def test_a_homonym_from_another_country_loses_to_the_local_one(resolved):
    evidence, _, _, _, _ = resolved
    e = found(evidence, "w:6")
    assert e.qids == ["Q900351"] and "Q900352" in e.alternatives
    assert "born, died or worked in the region" in e.detail
    # Alone, a little-known foreign homonym is no answer at all.
    assert evidence["w:7"] == []


def test_a_street_item_in_another_country_does_not_count(resolved):
    evidence, _, _, _, _ = resolved
    e = found(evidence, "w:8")
    assert (e.source, e.qids) == ("family_name", ["Q900362"])
    assert "Q900361" not in e.alternatives and "Q900363" not in e.detail


def test_a_given_name_alone_is_not_read_as_a_surname(resolved):
    evidence, _, decisions, _, _ = resolved
    assert evidence["w:9"] == [] and decisions["w:9"].category == UNKNOWN


def test_exact_label_match_still_wins(resolved):
    evidence, _, _, _, _ = resolved
    e = found(evidence, "w:10")
    assert (e.source, e.qids) == ("name_match", ["Q900002"])


def test_lookups_are_batched(resolved):
    _, _, _, client, server = resolved
    texts = [r.query for r in server.query_requests]
    assert sum("wdt:P734" in q for q in texts) == 1
    assert sum("wdt:P17" in q for q in texts) == 1
    # country, its labels (for royals), city streets, names, same-named streets, family names,
    # facts + texts (no street has its own item here, so no street-item query)
    assert client.requests_sent == 8


def test_surname_spellings():
    assert surname_spellings("Cervantès") == ["Cervantès", "Cervantes"]
    assert surname_spellings("Duguay Trouin")[:2] == ["Duguay Trouin", "Duguay-Trouin"]
    assert {"de Cock", "Decock"} <= set(surname_spellings("De Cock"))
    assert "Cock" not in surname_spellings("De Cock")  # a Flemish particle is part of the name
    assert {"Van der Bruggen", "Vander Bruggen"} <= set(surname_spellings("Vander Bruggen"))
    assert "Gaulle" in surname_spellings("de Gaulle")
    assert surname_spellings("  ") == []


def test_street_labels_use_the_city_types_and_languages():
    types = {("fr", True): ["Rue", "Avenue"], ("nl", False): ["straat", "laan"]}
    labels = street_labels("Avenue Chanzy - Chanzylaan", ["fr", "nl"], types)
    assert labels["fr"] == ["Avenue Chanzy", "Rue Chanzy"]
    assert labels["nl"] == ["Chanzylaan", "Chanzystraat"]
    assert street_labels("Rue du Général Leclerc", ["fr"], types)["fr"][1] == "Avenue du Général Leclerc"


def test_title_occupations_table():
    table = title_occupations()
    assert "Q189290" in table["general"] and "P410" in table["generaal"]
    assert "Q39631" in table["docteur"]


def test_close_calls_reach_the_check_these_matches_list(resolved, store):
    from app.gaps import GapQuery, gap_page
    from app.stats import headline
    from app.store.records import find_analysed_area, find_or_create_area, save_run

    _, entities, decisions, _, _ = resolved
    readings = {s.key: read_street_name(s.name, ["es"]) for s in STREETS}
    area = find_or_create_area(store, VILLA_EJEMPLO)
    save_run(store, area.id, figures=headline, streets=STREETS, readings=readings, decisions=decisions, namesakes=entities,
             conflicts={}, source="overpass")
    page = gap_page(store, find_analysed_area(store, area.slug), GapQuery(list="matches"))
    listed = {row["name"]: row for row in page.rows}
    assert "Calle Ferreira" in listed and "Calle Zorrilla" not in listed  # too close / clear
    ferreira = listed["Calle Ferreira"]
    assert {*ferreira["qids"], *(a["qid"] for a in ferreira["alternatives"])} == {"Q900341", "Q900342"}
    assert {a["labels"].get("es") for a in ferreira["alternatives"]} <= {"Carlos Ferreira", "Rosa Ferreira"}
    assert "too close to call" in ferreira["how_found"]
