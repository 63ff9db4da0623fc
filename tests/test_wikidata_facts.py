"""Namesake facts through the real queries, against the stand-in loaded with the fixture city."""
from __future__ import annotations

import re

import pytest

from app.domain import KIND_GROUP, KIND_HUMAN, KIND_THING, NONBINARY, UNKNOWN, WOMAN
from app.remote import MemoryCache, RetryPolicy
from app.wikidata import facts as facts_module
from app.wikidata.client import SparqlClient
from app.wikidata.facts import commons_file, fetch_namesakes, year_of


def client_for(server, **kw) -> SparqlClient:
    return SparqlClient(server.url, policy=RetryPolicy(attempts=2, base_delay=0.01, timeout=5), **kw)


def test_all_facts_of_a_poet(sparql_server):
    found = fetch_namesakes(client_for(sparql_server), ["Q900001"], ["es"])
    juana = found["Q900001"]
    assert juana.kind == KIND_HUMAN and juana.instance_of == ["Q5"]
    assert juana.gender == WOMAN
    assert juana.gender_qids == ["Q6581072"] and juana.gender_labels == ["female"]
    assert (juana.birth_year, juana.death_year) == (1892, 1979)
    assert juana.image == "Juana de Ibarbourou.jpg"
    assert juana.occupations == ["poeta"]  # the city's language first
    assert juana.citizenships == ["Q77"]
    assert juana.labels == {"es": "Juana de Ibarbourou", "en": "Juana de Ibarbourou"}
    assert juana.descriptions["es"] == "poeta uruguaya"
    assert juana.articles == {
        "es": "https://es.wikipedia.org/wiki/Juana_de_Ibarbourou",
        "en": "https://en.wikipedia.org/wiki/Juana_de_Ibarbourou",
    }
    assert juana.sitelinks == 2


def test_kinds_and_raw_genders(sparql_server):
    found = fetch_namesakes(client_for(sparql_server), ["Q900007", "Q900008", "Q900009", "Q900011"], ["es"])
    assert found["Q900007"].gender == NONBINARY and found["Q900007"].gender_qids == ["Q48270"]
    assert found["Q900007"].gender_labels == ["non-binary"]
    # A human without P21 is kept, with gender unknown.
    assert found["Q900008"].kind == KIND_HUMAN and found["Q900008"].gender == UNKNOWN
    assert found["Q900009"].kind == KIND_THING and found["Q900009"].gender is None  # a plant
    assert found["Q900011"].kind == KIND_GROUP and found["Q900011"].gender is None  # a family


def test_article_missing_in_the_city_language(sparql_server):
    delmira = fetch_namesakes(client_for(sparql_server), ["Q900004"], ["es"])["Q900004"]
    assert "es" not in delmira.articles
    assert set(delmira.articles) == {"en"}  # fr is not one of the languages asked for
    assert delmira.labels["es"] == "Delmira Agustini"


def test_city_languages_choose_labels_articles_and_occupations(sparql_server):
    juana = fetch_namesakes(client_for(sparql_server), ["Q900001"], ["en"])["Q900001"]
    assert juana.occupations == ["poet"]
    assert set(juana.articles) == {"en"}


def test_invalid_and_unknown_ids_never_reach_a_query(sparql_server):
    client = client_for(sparql_server)
    found = fetch_namesakes(client, ["Q900002", "x} . ?s ?p ?o {", "Q0", "", "Q999999999"], ["es"])
    assert set(found) == {"Q900002"}  # Q999999999 does not exist: left out
    for request in sparql_server.requests:
        assert "?s ?p ?o" not in request.query
        assert not re.search(r"wd:Q0\b", request.query)


def test_no_ids_no_request(sparql_server):
    client = client_for(sparql_server)
    assert fetch_namesakes(client, [], ["es"]) == {}
    assert client.requests_sent == 0


@pytest.mark.parametrize("batch_size, expected_requests", [(400, 2), (50, 8), (200, 2), (199, 4)])
def test_batching(empty_sparql_server, monkeypatch, batch_size, expected_requests):
    """200 QIDs cost 2 requests (facts + texts) per batch of BATCH_SIZE."""
    monkeypatch.setattr(facts_module, "BATCH_SIZE", batch_size)
    lines = [
        f"<http://www.wikidata.org/entity/Q{n}> <http://www.wikidata.org/prop/direct/P31> "
        f"<http://www.wikidata.org/entity/Q5> .\n"
        for n in range(1000, 1200)
    ]
    empty_sparql_server.load_ntriples("".join(lines))
    client = client_for(empty_sparql_server)
    found = fetch_namesakes(client, [f"Q{n}" for n in range(1000, 1200)], ["es"])
    assert len(found) == 200
    assert client.requests_sent == expected_requests


def test_second_fetch_comes_from_the_cache(sparql_server):
    cache = MemoryCache()
    first = fetch_namesakes(client_for(sparql_server, cache=cache), ["Q900001", "Q900002"], ["es"])
    again = client_for(sparql_server, cache=cache, offline=True)
    assert fetch_namesakes(again, ["Q900002", "Q900001"], ["es"]) == first
    assert again.requests_sent == 0 and again.cache_hits == 2


def test_progress_is_reported(sparql_server):
    calls = []
    fetch_namesakes(client_for(sparql_server), ["Q900001", "Q900002"], ["es"], progress=lambda *a: calls.append(a))
    assert calls == [("Wikidata facts", 2, 2)]


@pytest.mark.parametrize(
    "value, year",
    [("1892-03-08T00:00:00Z", 1892), ("-0500-01-01T00:00:00Z", -500), ("0033-01-01T00:00:00Z", 33), ("", None)],
)
def test_years(value, year):
    assert year_of(value) == year


def test_commons_file_names():
    assert commons_file("http://commons.wikimedia.org/wiki/Special:FilePath/Jos%C3%A9%20Artigas.jpg") == "José Artigas.jpg"
