"""Comparing two runs' streets, and the progress charts, as plain functions."""
from app.changes import StreetFacts, compare
from app.web.charts import line_chart


def facts(key, category, source=None, tagged=False, namesakes=()):
    return StreetFacts(key, f"Calle {key}", category, source, tagged, list(namesakes))


def kinds(rows):
    return [(row.change, row.street_id, row.why) for row in rows]


def test_each_kind_of_change_and_why():
    before = {"a": facts("a", "unknown"), "b": facts("b", "man", "name_match"),
              "c": facts("c", "woman", "osm_tag", tagged=True), "d": facts("d", "man", "title"),
              "gone": facts("gone", "not_person", "rule")}
    after = {"a": facts("a", "not_person", "review"), "b": facts("b", "woman", "osm_tag", tagged=True),
             "c": facts("c", "unknown", None), "d": facts("d", "man", "title"), "new": facts("new", "unknown")}
    assert kinds(compare(before, after)) == [
        ("newly_tagged", "b", "osm_tag_added"),
        ("newly_resolved", "a", "review"),
        ("category_changed", "b", "osm_tag_added"),
        ("category_changed", "c", "osm_tag_removed"),
        ("new_street", "new", ""),
        ("vanished_street", "gone", ""),
    ]


def test_only_women_who_lacked_an_article_count_as_new_articles():
    woman = {"qid": "Q1", "label": "Ana", "gender": "woman", "article": False}
    man = {"qid": "Q2", "label": "Juan", "gender": "man", "article": False}
    already = {"qid": "Q3", "label": "Eva", "gender": "woman", "article": True}
    before = {"a": facts("a", "several", "osm_tag", True, [woman, man, already])}
    after = {"a": facts("a", "several", "osm_tag", True, [{**woman, "article": True}, {**man, "article": True},
                                                          already])}
    rows = compare(before, after)
    assert [(r.change, r.wikidata_ids, r.persons) for r in rows] == [("new_article", ["Q1"], ["Ana"])]


def test_nothing_changed_means_no_rows():
    street = {"a": facts("a", "woman", "osm_tag", True, [{"qid": "Q1", "label": "Ana", "gender": "woman",
                                                          "article": True}])}
    assert compare(street, dict(street)) == []


def test_a_contradicted_review_is_listed_whatever_changed():
    before = {"a": facts("a", "not_person", "review")}
    now = facts("a", "not_person", "review")
    now.conflict = "osm_tag now says Q5 (woman)"
    assert kinds(compare(before, {"a": now})) == [("review_contradicted", "a", "osm_tag now says Q5 (woman)")]


def test_line_charts_scale_and_leave_gaps():
    chart = line_chart([("d1", 0.25), ("d2", None), ("d3", 0.5), ("d4", 0.75)], fmt=str, highest=1.0)
    assert len(chart.points) == 3 and len(chart.lines) == 2  # the missing value splits the line
    ys = [p.y for p in chart.points]
    assert ys[0] > ys[1] > ys[2]  # higher values are drawn higher
    assert (chart.first, chart.last, chart.top, chart.bottom) == ("d1", "d4", "1.0", "0.0")
    assert line_chart([("d1", None)], fmt=str) is None
    single = line_chart([("d1", 3)], fmt=str)
    assert len(single.points) == 1 and single.points[0].x == single.width / 2
