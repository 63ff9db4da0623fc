"""Statistics of the fixture city: the three counting units and the person breakdowns."""
from __future__ import annotations

from app.domain import CountedStreet, Namesake
from app.stats import category_rows, century_of, person_breakdowns, person_rows, run_breakdowns
from app.store.models import AreaRow


def city_stats(store):
    with store.session() as session:
        area = session.query(AreaRow).one()
        return area.stats, area.current_run_id


def test_category_rows_give_shares_among_all_and_person_named_streets(store, sample_city):
    stats, _ = city_stats(store)
    rows = {r["category"]: r for r in category_rows(stats)}
    assert rows["woman"]["streets"] == 4
    assert rows["woman"]["share_of_streets"] == round(4 / 17, 4)
    assert rows["woman"]["share_of_person_streets"] == round(4 / 9, 4)
    assert rows["not_person"]["share_of_person_streets"] is None
    # Lengths: street i is 100 + 10 i metres (tests/sample_city.py); women are rows 0, 2, 12, 16.
    women_m = 100 + 120 + 220 + 260
    assert rows["woman"]["length_m"] == women_m
    person_m = sum(rows[c]["length_m"] for c in ("woman", "man", "nonbinary", "several"))
    assert rows["woman"]["share_of_person_length"] == round(women_m / person_m, 4)
    assert sum(r["streets"] for r in rows.values()) == 17


def test_person_rows_count_distinct_people(store, sample_city):
    stats, _ = city_stats(store)
    rows = {r["gender"]: r for r in person_rows(stats)}
    # Women: Juana, Delmira, María, Clara, Laura (name only); men: Artigas, Pedro, Flores (name only).
    assert rows["woman"]["persons"] == 5
    assert rows["man"]["persons"] == 3
    assert rows["nonbinary"]["persons"] == 1


def test_breakdowns_by_occupation_and_century(store, sample_city):
    _, run_id = city_stats(store)
    result = run_breakdowns(store, run_id)
    # Only people with Wikidata facts: Juana, Delmira, María, Clara / Artigas, Pedro (not the group).
    assert result["persons"] == {"woman": 4, "man": 2}
    assert result["occupations"]["woman"] == [("poeta", 2)]
    assert result["occupations"]["man"] == [("militar", 1)]
    assert result["centuries"]["woman"] == [(1800, 2)]  # Juana 1892, Delmira 1886
    assert result["centuries"]["man"] == [(1700, 1)]  # Artigas 1764
    assert result["unknown_birth"] == {"woman": 2, "man": 1}


def test_person_breakdowns_count_each_person_once_per_occupation():
    people = [
        Namesake("Q1", gender="woman", kind="human", occupations=["poeta", "docente", "poeta"], birth_year=1900),
        Namesake("Q2", gender="woman", kind="human", occupations=["poeta"], birth_year=-50),
        Namesake("Q3", gender="woman", kind="thing", occupations=["poeta"], birth_year=1900),
        Namesake("Q4", gender="nonbinary", kind="human", occupations=["artista"], birth_year=1990),
    ]
    result = person_breakdowns(people)
    assert result["persons"] == {"woman": 2, "man": 0}
    assert result["occupations"]["woman"] == [("poeta", 2), ("docente", 1)]
    assert result["centuries"]["woman"] == [(-100, 1), (1900, 1)]


def test_century_of():
    assert century_of(1892) == 1800 and century_of(1900) == 1900 and century_of(-63) == -100


def test_the_headline_without_religious_figures():
    from app.stats import headline

    def street(category, religious=False, mix=None):
        return CountedStreet(category=category, mix=mix, length_m=10.0, religious=religious)

    streets = [street("woman", religious=True), street("woman", religious=True), street("woman"),
               street("man", religious=True), street("man"), street("man"), street("not_person")]
    stats = headline(streets)
    assert stats["women_share"] == round(3 / 6, 4)  # the Geochicas convention: saints are people
    assert (stats["religious_streets"], stats["religious_women_streets"]) == (3, 2)
    assert stats["women_share_without_religious"] == round(1 / 3, 4)
