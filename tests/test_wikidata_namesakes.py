"""Who each street of the fixture city is named after, through the real queries and the stand-in."""
from __future__ import annotations

import pytest

from app.domain import (
    HIGH,
    KIND_GROUP,
    KIND_THING,
    LOW,
    MAN,
    MEDIUM,
    NONBINARY,
    UNKNOWN,
    WOMAN,
    Area,
    Street,
)
from app.remote import MemoryCache, RemoteError, RetryPolicy
from app.wikidata import namesakes as namesakes_module
from app.wikidata.client import SparqlClient
from app.wikidata.namesakes import country_qid, match_name_parts, resolve_namesakes

WD = "@prefix wd: <http://www.wikidata.org/entity/> . @prefix wdt: <http://www.wikidata.org/prop/direct/> ."
RDFS = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix wikibase: <http://wikiba.se/ontology#> ."

VILLA_EJEMPLO = Area("relation", 1001, "Villa Ejemplo", 8, "UY", "Q900100", ["es"])


def street(key: str, name: str, **kw) -> Street:
    return Street(key=key, name=name, osm_ids=[f"way/{key[2:]}"], lines=[], length_m=100.0, **kw)


# The fixture city's streets as the OSM side assembles them, and the names the name reader finds.
STREETS = [
    street("w:101", "Calle Juana de Ibarbourou", etymology_ids=["Q900001"]),
    street("w:103", "Avenida José Artigas"),
    street("w:104", "Calle Delmira Agustini"),
    street("w:105", "Calle 18 de Julio"),
    street("w:106", "Rambla Hermanos Pérez", wikidata="Q900010"),
    street("w:107", "Calle María y Pedro", etymology_ids=["Q900005", "Q900006"]),
    street("w:108", "Calle Mercedes"),
    street("w:109", "Calle Alex Quiroga", etymology_ids=["Q900007"]),
    street("w:110", "Calle Ana Sin Datos", etymology_ids=["Q900008"]),
    street("w:111", "Plaza Independencia", kind="square"),
    street("w:112", "Calle Flor de Ceibo", etymology_ids=["Q900009"]),
    street("w:113", "<img src=x onerror=alert(1)>"),
    street("w:114", "Calle Laura Ramírez"),
    street("w:115", "Avenida General Flores", wikidata="Q900012"),
    street("w:117", "Calle Rivera"),
    street("w:118", "Calle Rivera"),
    street("w:119", "Calle Clara Silva"),
]
PERSON_NAMES = {
    "w:103": ["José Artigas"],
    "w:104": ["Delmira Agustini"],
    "w:108": ["Mercedes"],
    "w:113": ['<img src=x onerror=alert(1)>" } ?s ?p ?o {'],
    "w:114": ["Laura Ramírez"],
    "w:115": ["Flores"],
    "w:117": ["Rivera"],
    "w:118": ["Rivera"],
    "w:119": ["Clara Silva"],
}


def client_for(server, **kw) -> SparqlClient:
    return SparqlClient(server.url, policy=RetryPolicy(attempts=2, base_delay=0.01, timeout=5), **kw)


@pytest.fixture
def resolved(sparql_server):
    client = client_for(sparql_server, cache=MemoryCache())
    evidence, namesakes = resolve_namesakes(client, VILLA_EJEMPLO, STREETS, PERSON_NAMES)
    return evidence, namesakes, client


def only(evidence, key):
    assert len(evidence[key]) == 1, evidence[key]
    return evidence[key][0]


def test_every_street_has_an_entry(resolved):
    evidence, _, _ = resolved
    assert set(evidence) == {s.key for s in STREETS}


def test_osm_tag(resolved):
    evidence, namesakes, _ = resolved
    e = only(evidence, "w:101")
    assert (e.source, e.qids, e.confidence) == ("osm_tag", ["Q900001"], HIGH)
    assert namesakes["Q900001"].gender == WOMAN


def test_several_ids_on_the_tag(resolved):
    evidence, namesakes, _ = resolved
    e = only(evidence, "w:107")
    assert e.source == "osm_tag" and e.qids == ["Q900005", "Q900006"]
    assert {namesakes[q].gender for q in e.qids} == {WOMAN, MAN}


def test_homonyms_chosen_by_citizenship_with_the_alternative_recorded(resolved):
    evidence, namesakes, _ = resolved
    e = only(evidence, "w:103")
    assert e.source == "name_match"
    assert e.qids == ["Q900002"] and e.alternatives == ["Q900003"]
    assert e.confidence == MEDIUM and not e.needs_review
    assert "Q900003" in namesakes  # facts of alternatives too
    assert namesakes["Q900002"].gender == MAN


def test_article_missing_in_spanish_still_matches(resolved):
    evidence, namesakes, _ = resolved
    e = only(evidence, "w:104")
    assert e.source == "name_match" and e.qids == ["Q900004"]
    assert "es" not in namesakes["Q900004"].articles


def test_street_item_named_after_a_family(resolved):
    evidence, namesakes, _ = resolved
    e = only(evidence, "w:106")
    assert (e.source, e.qids, e.confidence) == ("street_item", ["Q900011"], HIGH)
    assert "Q900010" in e.detail and "P138" in e.detail
    assert namesakes["Q900011"].kind == KIND_GROUP


def test_ended_statement_on_the_street_item_is_skipped(resolved):
    evidence, namesakes, _ = resolved
    assert evidence["w:115"] == []  # "Flores" alone is no human's label either
    assert "Q900013" not in namesakes


def test_wikidata_street_of_the_city(resolved):
    evidence, namesakes, _ = resolved
    e = only(evidence, "w:119")
    assert (e.source, e.qids, e.confidence) == ("wikidata_street", ["Q900015"], HIGH)
    assert "Q900014" in e.detail
    assert namesakes["Q900015"].gender == WOMAN


def test_nonbinary_and_missing_gender_are_kept_raw(resolved):
    evidence, namesakes, _ = resolved
    assert only(evidence, "w:109").qids == ["Q900007"]
    assert namesakes["Q900007"].gender == NONBINARY and namesakes["Q900007"].gender_qids == ["Q48270"]
    assert only(evidence, "w:110").qids == ["Q900008"]
    assert namesakes["Q900008"].gender == UNKNOWN and namesakes["Q900008"].gender_qids == []


def test_a_plant_is_a_thing(resolved):
    evidence, namesakes, _ = resolved
    assert only(evidence, "w:112").qids == ["Q900009"]
    assert namesakes["Q900009"].kind == KIND_THING and namesakes["Q900009"].gender is None


def test_streets_without_wikidata_have_no_evidence(resolved):
    evidence, _, _ = resolved
    for key in ("w:105", "w:108", "w:111", "w:113", "w:114", "w:117", "w:118"):
        assert evidence[key] == [], key


def test_hostile_names_are_escaped(resolved, sparql_server):
    # The name with quotes and braces reached the server as one literal and matched nothing.
    assert any("onerror" in r.query for r in sparql_server.requests)
    assert all(r.fault is None for r in sparql_server.requests)


def test_requests_are_few_and_cached(resolved, sparql_server):
    evidence, namesakes, client = resolved
    # street items, city streets, names, country, facts + texts.
    assert client.requests_sent == 6
    again = client_for(sparql_server, cache=client.cache)
    assert resolve_namesakes(again, VILLA_EJEMPLO, STREETS, PERSON_NAMES) == (evidence, namesakes)
    assert again.requests_sent == 0


def test_offline_rerun_from_the_cache_and_offline_miss(resolved, sparql_server):
    evidence, namesakes, client = resolved
    offline = client_for(sparql_server, cache=client.cache, offline=True)
    assert resolve_namesakes(offline, VILLA_EJEMPLO, STREETS, PERSON_NAMES) == (evidence, namesakes)
    with pytest.raises(RemoteError, match="offline"):
        resolve_namesakes(offline, VILLA_EJEMPLO, STREETS, {**PERSON_NAMES, "w:114": ["Laura"]})


def test_progress_stages(sparql_server):
    calls = []
    resolve_namesakes(
        client_for(sparql_server), VILLA_EJEMPLO, STREETS, PERSON_NAMES, progress=lambda *a: calls.append(a)
    )
    stages = [c[0] for c in calls]
    assert stages == ["Wikidata street items", "Wikidata city streets", "Wikidata names", "Wikidata facts"]
    assert all(done <= total for _, done, total in calls)


def test_a_thing_labelled_like_the_name_is_not_a_match(sparql_server):
    # Mercedes is a city: the name match only ever returns humans.
    sparql_server.load(f'{WD} {RDFS} wd:Q900900 wdt:P31 wd:Q515 ; rdfs:label "Mercedes"@es .')
    found = match_name_parts(client_for(sparql_server), ["Mercedes"], ["es"], "UY")
    assert found == {"Mercedes": ([], {})}


def test_aliases_match_too(sparql_server):
    found = match_name_parts(client_for(sparql_server), ["Juana de América"], ["es"], "UY")
    [evidence], namesakes = found["Juana de América"]
    assert evidence.qids == ["Q900001"] and set(namesakes) == {"Q900001"}


def test_match_person_names_for_street_lists(sparql_server):
    found = match_name_parts(client_for(sparql_server), ["José Artigas", "Nadie"], ["es"], "UY")
    [artigas], namesakes = found["José Artigas"]
    assert artigas.qids == ["Q900002"] and artigas.alternatives == ["Q900003"]
    assert set(namesakes) == {"Q900002", "Q900003"}
    assert found["Nadie"] == ([], {})


def test_without_the_country_sitelinks_decide_but_flag_for_review(sparql_server):
    found = match_name_parts(client_for(sparql_server), ["José Artigas"], ["es"], None)
    [artigas], _ = found["José Artigas"]
    # No country: the local article still separates them.
    assert artigas.qids == ["Q900002"] and artigas.confidence == MEDIUM


def test_a_tie_between_homonyms_needs_review(sparql_server):
    sparql_server.load(
        f"{WD} {RDFS} "
        'wd:Q900801 wdt:P31 wd:Q5 ; wdt:P21 wd:Q6581072 ; rdfs:label "Ana Gemela"@es ; wikibase:sitelinks 3 . '
        'wd:Q900802 wdt:P31 wd:Q5 ; wdt:P21 wd:Q6581072 ; rdfs:label "Ana Gemela"@es ; wikibase:sitelinks 3 .'
    )
    [evidence], namesakes = match_name_parts(client_for(sparql_server), ["Ana Gemela"], ["es"], "UY")["Ana Gemela"]
    assert evidence.qids == ["Q900801"] and evidence.alternatives == ["Q900802"]
    assert evidence.needs_review and evidence.confidence == LOW


def test_two_street_items_of_the_same_name_need_review(sparql_server):
    sparql_server.load(
        f"{WD} {RDFS} @prefix p: <http://www.wikidata.org/prop/> . "
        "@prefix ps: <http://www.wikidata.org/prop/statement/> . "
        'wd:Q900820 wdt:P131 wd:Q900100 ; p:P138 [ ps:P138 wd:Q900004 ] ; rdfs:label "Calle Clara Silva"@es .'
    )
    evidence, _ = resolve_namesakes(
        client_for(sparql_server), VILLA_EJEMPLO, [street("w:119", "Calle Clara Silva")], {}
    )
    [e] = evidence["w:119"]
    assert e.source == "wikidata_street" and e.qids == ["Q900015"] and e.alternatives == ["Q900004"]
    assert e.confidence == MEDIUM and e.needs_review


def test_street_item_matched_through_a_district_and_name_tags(sparql_server):
    sparql_server.load(
        f"{WD} {RDFS} @prefix p: <http://www.wikidata.org/prop/> . "
        "@prefix ps: <http://www.wikidata.org/prop/statement/> . "
        "wd:Q900830 wdt:P131 wd:Q900100 . "
        'wd:Q900831 wdt:P131 wd:Q900830 ; p:P138 [ ps:P138 wd:Q900004 ] ; rdfs:label "calle  DELMIRA agustini"@es .'
    )
    evidence, _ = resolve_namesakes(
        client_for(sparql_server),
        VILLA_EJEMPLO,
        [street("w:104", "Avenue Delmira", names={"es": "Calle Delmira Agustini"})],
        {"w:104": ["Delmira Agustini"]},
    )
    [e] = evidence["w:104"]
    assert e.source == "wikidata_street" and e.qids == ["Q900004"]


def test_deprecated_statements_are_skipped(sparql_server):
    sparql_server.load(
        f"{WD} {RDFS} @prefix p: <http://www.wikidata.org/prop/> . "
        "@prefix ps: <http://www.wikidata.org/prop/statement/> . "
        "wd:Q900840 p:P138 [ ps:P138 wd:Q900004 ; wikibase:rank wikibase:DeprecatedRank ] , "
        "[ ps:P138 wd:Q900001 ; wikibase:rank wikibase:NormalRank ] ."
    )
    evidence, _ = resolve_namesakes(
        client_for(sparql_server), VILLA_EJEMPLO, [street("w:1", "Calle X", wikidata="Q900840")], {}
    )
    assert [e.qids for e in evidence["w:1"]] == [["Q900001"]]


def test_commemorates_and_dedicated_to(sparql_server):
    sparql_server.load(
        f"{WD} {RDFS} @prefix p: <http://www.wikidata.org/prop/> . "
        "@prefix ps: <http://www.wikidata.org/prop/statement/> . "
        "wd:Q900850 p:P547 [ ps:P547 wd:Q900004 ] ; p:P825 [ ps:P825 wd:Q900001 ] ."
    )
    evidence, _ = resolve_namesakes(
        client_for(sparql_server), VILLA_EJEMPLO, [street("w:1", "Calle X", wikidata="Q900850")], {}
    )
    [e] = evidence["w:1"]
    assert e.source == "street_item" and sorted(e.qids) == ["Q900001", "Q900004"]


def test_tag_and_street_item_both_kept_in_order(sparql_server):
    evidence, _ = resolve_namesakes(
        client_for(sparql_server),
        VILLA_EJEMPLO,
        [street("w:1", "Rambla", etymology_ids=["Q900001", "nonsense"], wikidata="Q900010")],
        {"w:1": ["Juana de Ibarbourou"]},
    )
    assert [(e.source, e.qids) for e in evidence["w:1"]] == [("osm_tag", ["Q900001"]), ("street_item", ["Q900011"])]
    assert "nonsense" in evidence["w:1"][0].detail


def test_country_lookup(sparql_server):
    client = client_for(sparql_server)
    assert country_qid(client, "uy") == "Q77"
    assert country_qid(client, "XX") is None
    assert country_qid(client, 'U"') is None  # never reaches a query
    assert client.requests_sent == 2


def test_names_are_batched(sparql_server, monkeypatch):
    monkeypatch.setattr(namesakes_module, "NAME_BATCH_SIZE", 100)
    names = [f"Persona {n}" for n in range(250)] + ["José Artigas"]
    client = client_for(sparql_server)
    found = match_name_parts(client, names, ["es"], None, country="Q77")
    assert found["José Artigas"][0][0].qids == ["Q900002"]
    name_queries = [r for r in sparql_server.requests if "skos:altLabel ?literal" in r.query]
    assert len(name_queries) == 3
