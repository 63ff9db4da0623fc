"""The street rules live in app/osm/tags.py; the Overpass query must say the same."""
from __future__ import annotations

import re

import pytest

from app.osm.tags import EXCLUDED_HIGHWAYS, EXCLUDED_SUBTAGS, STREET_RELATION_TYPES, is_square, is_street_way
from app.queries import Safe, load_query, placeholders, ql_string, render, sparql_qids, sparql_string

STREETS_QL = load_query("streets.overpassql")


def _negated_lists(ql: str) -> dict[str, list[frozenset[str]]]:
    """key -> the value sets of every ``["key"!~"^(a|b)$"]`` filter in the query."""
    found: dict[str, list[frozenset[str]]] = {}
    for key, values in re.findall(r'\["([a-z:_]+)"!~"\^\(([^)]*)\)\$"\]', ql):
        found.setdefault(key, []).append(frozenset(values.split("|")))
    return found


def test_query_excludes_exactly_the_python_highways():
    lists = _negated_lists(STREETS_QL)
    # Once for named ways, once for unnamed street-relation members.
    assert lists["highway"] == [EXCLUDED_HIGHWAYS, EXCLUDED_HIGHWAYS]


def test_query_excludes_exactly_the_python_subtags():
    lists = _negated_lists(STREETS_QL)
    assert set(lists) == {"highway", *EXCLUDED_SUBTAGS}
    for key, values in EXCLUDED_SUBTAGS.items():
        assert lists[key] == [values, values], key


def test_query_street_relation_types():
    types = re.search(r'rel\["type"~"\^\(([^)]*)\)\$"\]', STREETS_QL).group(1).split("|")
    assert frozenset(types) == STREET_RELATION_TYPES


def test_query_has_no_placeholder_inside_a_comment():
    for name in ("streets.overpassql", "area_by_name.overpassql", "area_by_relation.overpassql",
                 "area_by_wikidata.overpassql"):
        text = load_query(name)
        without_comments = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)
        assert placeholders(without_comments) == placeholders(text), name


@pytest.mark.parametrize(
    "tags, expected",
    [
        ({"highway": "residential"}, True),
        ({"highway": "steps"}, True),
        ({"highway": "track"}, True),
        ({"highway": "service"}, True),
        ({"highway": "service", "service": "driveway"}, False),
        ({"highway": "footway", "footway": "sidewalk"}, False),
        ({"highway": "footway", "footway": "crossing"}, False),
        ({"highway": "cycleway", "cycleway": "crossing"}, False),
        ({"highway": "residential", "cycleway": "lane"}, True),
        ({"highway": "bus_stop"}, False),
        ({"highway": "proposed"}, False),
        ({"place": "square"}, True),
        ({"building": "yes"}, False),
    ],
)
def test_is_street_way(tags, expected):
    assert is_street_way(tags) is expected


def test_is_square():
    assert is_square({"place": "square"}, closed=False)
    assert is_square({"highway": "pedestrian", "area": "yes"}, closed=True)
    assert not is_square({"highway": "pedestrian"}, closed=True)
    assert not is_square({"highway": "pedestrian", "area": "yes"}, closed=False)


# --- app/queries.py -------------------------------------------------------------------


def test_render_accepts_only_validated_values():
    assert render("a {{n}} {{q}} {{s}}", n=3, q="Q42", s=ql_string('x"y')) == 'a 3 Q42 "x\\"y"'
    with pytest.raises(TypeError):
        render("{{s}}", s="plain string")
    with pytest.raises(TypeError):
        render("{{s}}", s=True)
    with pytest.raises(TypeError):
        render("{{s}}", s=1.5)
    with pytest.raises(KeyError, match="needs"):
        render("{{a}} {{b}}", a=1)
    with pytest.raises(KeyError, match="no placeholders"):
        render("{{a}}", a=1, b=2)


def test_escaping_helpers():
    assert ql_string('a\\b"c\nd') == '"a\\\\b\\"c\\nd"'
    assert isinstance(ql_string("x"), Safe)
    assert sparql_string('say "hi"\\', lang="es") == '"say \\"hi\\"\\\\"@es'
    assert sparql_qids(["Q1", "Q2"]) == "wd:Q1 wd:Q2"
    with pytest.raises(ValueError):
        sparql_qids(["Q1", "Q1 } DROP"])
    with pytest.raises(ValueError):
        sparql_string("x", lang="es} ")
    with pytest.raises(ValueError):
        ql_string("nul\x00")


def test_load_query_refuses_paths():
    with pytest.raises(ValueError):
        load_query("../app/domain.py")
    with pytest.raises(FileNotFoundError):
        load_query("nope.overpassql")
