"""Finding the area: parsing what people type, escaping it, candidates with their country."""
from __future__ import annotations

import pytest

from app.domain import Area
from app.osm.area import (
    AmbiguousArea,
    AreaQuery,
    area_query_text,
    areas_from_answer,
    country_code_from_tags,
    find_areas,
    parse_area_query,
    resolve_area,
    sort_areas,
)
from app.osm.overpass import OverpassClient
from app.remote import RetryPolicy


@pytest.fixture
def client(overpass_server):
    return OverpassClient([overpass_server.url], policy=RetryPolicy(attempts=2, base_delay=0.01, timeout=1))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("relation/1001", AreaQuery("relation", osm_id=1001)),
        ("r1001", AreaQuery("relation", osm_id=1001)),
        ("R 1001", AreaQuery("relation", osm_id=1001)),
        ("https://www.openstreetmap.org/relation/1001", AreaQuery("relation", osm_id=1001)),
        ("osm.org/relation/1001#map=12/-34.9/-56.2", AreaQuery("relation", osm_id=1001)),
        ("Q900100", AreaQuery("wikidata", qid="Q900100")),
        ("q900100", AreaQuery("wikidata", qid="Q900100")),
        ("https://www.wikidata.org/wiki/Q900100", AreaQuery("wikidata", qid="Q900100")),
        ("http://wikidata.org/entity/Q900100", AreaQuery("wikidata", qid="Q900100")),
        ("  Villa   Ejemplo ", AreaQuery("name", name="Villa Ejemplo")),
        ("Rome", AreaQuery("name", name="Rome")),  # starts with R but is a name
        ("Québec", AreaQuery("name", name="Québec")),
        ("می‌دان", AreaQuery("name", name="می‌دان")),  # ZWNJ is part of Persian spelling
    ],
)
def test_parse_area_query(text, expected):
    assert parse_area_query(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "type a place"),
        ("   ", "type a place"),
        ("x" * 201, "too long"),
        ("Villa\x00Ejemplo", "control characters"),
        ("Villa\nEjemplo", "control characters"),
        ("Villa\u202eEjemplo", "control characters"),
        ("https://example.com/relation/1", "links must be"),
        ("12345", "needs letters"),
        ("relation/0", "relation id"),
        ("r1234567890123", "relation id"),
        ("Q0", "Wikidata id"),
    ],
)
def test_invalid_area_queries(text, message):
    with pytest.raises(ValueError, match=message):
        parse_area_query(text)


def _ql_literal_after(text: str, prefix: str) -> tuple[str, str]:
    """Read the Overpass string literal right after ``prefix`` as Overpass would: (value, rest)."""
    start = text.index(prefix) + len(prefix)
    assert text[start] == '"'
    value, i = [], start + 1
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\"}
    while text[i] != '"':
        if text[i] == "\\":
            value.append(escapes[text[i + 1]])
            i += 2
        else:
            value.append(text[i])
            i += 1
    return "".join(value), text[i + 1 :]


@pytest.mark.parametrize(
    "name",
    ['Foo"];out;rel(1);(" Bar', "Back\\slash\\", 'a\\"b', "it's", 'end"', "x\\\\\"];"],
)
def test_names_cannot_break_out_of_the_ql_string(name):
    ql = area_query_text(parse_area_query(name))
    value, rest = _ql_literal_after(ql, '["name"=')
    assert value == name
    assert rest.startswith("];")
    value_en, _ = _ql_literal_after(ql, '["name:en"=')
    assert value_en == name
    # Nothing typed ends up as a statement: the query has exactly the template's statements.
    template_ql = area_query_text(parse_area_query("Plain"))
    assert ql.count(";") - 2 * name.count(";") == template_ql.count(";")


def test_user_text_reaches_the_server_escaped(overpass_server, client):
    assert find_areas(client, 'Villa "Ejemplo"') == []  # nothing of that name: an empty answer
    sent = overpass_server.requests[-1].query
    assert '["name"="Villa \\"Ejemplo\\""]' in sent


def test_ambiguous_name_returns_both_candidates_with_country(client):
    areas = find_areas(client, "Villa Ejemplo")
    assert {(a.osm_id, a.country_code, a.parent) for a in areas} == {
        (1001, "UY", "Uruguay"),
        (1003, "AR", "Argentina"),
    }
    assert all(a.admin_level == 8 and a.languages == [] for a in areas)
    with pytest.raises(AmbiguousArea) as info:
        resolve_area(client, "Villa Ejemplo")
    assert {a.osm_id for a in info.value.candidates} == {1001, 1003}
    assert "Uruguay" in str(info.value) and "Argentina" in str(info.value)


@pytest.mark.parametrize("text", ["relation/1001", "r1001", "Q900100", "https://www.wikidata.org/wiki/Q900100"])
def test_resolve_by_id(client, text):
    area = resolve_area(client, text)
    assert area == Area("relation", 1001, "Villa Ejemplo", admin_level=8, country_code="UY",
                        wikidata="Q900100", parent="Uruguay", country_wikidata="Q77")


def test_nothing_found_is_none(client):
    assert resolve_area(client, "Nowhere At All") is None
    assert resolve_area(client, "relation/424242") is None


def test_country_code_from_own_tags():
    assert country_code_from_tags({"ISO3166-1": "uy"}) == "UY"
    assert country_code_from_tags({"ISO3166-1:alpha2": "BE"}) == "BE"
    assert country_code_from_tags({"ISO3166-2": "UY-MO"}) == "UY"
    assert country_code_from_tags({"ISO3166-2": "bogus value"}) is None
    assert country_code_from_tags({}) is None


def test_answer_reading_prefers_admin_centre_and_own_tags():
    uy = {"type": "area", "id": 3600001002, "tags": {"admin_level": "2", "name": "Uruguay", "ISO3166-1": "UY"}}
    br = {"type": "area", "id": 3600059470, "tags": {"admin_level": "2", "name": "Brasil", "ISO3166-1": "BR"}}
    state = {"type": "area", "id": 3600000100, "tags": {"admin_level": "4", "name": "Rivera"}}
    marker = {"type": "marker", "id": 1, "tags": {"probe": "boundary"}}
    border_town = {"type": "relation", "id": 7, "tags": {"name": "Rivera", "admin_level": "8"}}
    tagged = {"type": "relation", "id": 8, "tags": {"name": "Santana", "admin_level": "8", "ISO3166-2": "BR-RS"}}
    areas = areas_from_answer({"elements": [
        border_town, uy, state, marker, br, uy,  # the admin centre says Uruguay; boundary touches both
        tagged, marker, uy, br,  # no admin centre; own tags pick Brazil among the two
    ]})
    assert [(a.osm_id, a.country_code, a.parent) for a in areas] == [(7, "UY", "Rivera, Uruguay"), (8, "BR", "Brasil")]


def test_cities_sort_first():
    areas = [Area("relation", i, "X", admin_level=level) for i, level in enumerate([2, 4, 10, 8, 6], start=1)]
    assert [a.admin_level for a in sort_areas(areas)] == [8, 6, 4, 10, 2]


def test_area_answers_are_read_through_overpy_in_their_order(client):
    """The small area answers go through overpy (the big street answers skip it for speed)."""
    import overpy

    elements = client.elements(area_query_text(parse_area_query("Villa Ejemplo")))
    kinds = [type(e).__name__ if not isinstance(e, dict) else e["type"] for e in elements]
    assert kinds[0] == "Relation" and "Area" in kinds and "marker" in kinds
    assert isinstance(elements[0], overpy.Relation) and elements[0].tags["name"] == "Villa Ejemplo"
    # The answer's order is its meaning (a country follows its candidate): kept, unlike overpy.Result's.
    relations = [e.id for e in elements if isinstance(e, overpy.Relation)]
    assert sorted(relations) == [1001, 1003]
