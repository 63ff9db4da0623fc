"""A city's languages from where it is: region table, CLDR, Wikidata's P37 (no network)."""
import pytest

from app.names import languages_for_country, languages_for_place, languages_for_region
from app.osm.area import AREA_ID_OFFSET, areas_from_answer


@pytest.mark.parametrize("country, region, languages", [
    ("ES", "ES-CT", ["ca", "es"]),  # Catalonia
    ("ES", "ES-B", ["ca", "es"]),  # the province of Barcelona, through its parent ES-CT
    ("ES", "ES-VC", ["ca", "es"]),  # Valencian Community
    ("ES", "ES-V", ["ca", "es"]),  # the province of València
    ("ES", "ES-GA", ["gl", "es"]),  # Galicia
    ("ES", "ES-PV", ["eu", "es"]),  # Basque Country
    ("ES", "ES-MD", ["es"]),  # Madrid: the country's language
    ("CH", "CH-VD", ["fr", "de", "it"]),  # Vaud: French first
    ("CH", "CH-TI", ["it", "de", "fr"]),  # Ticino
    ("BE", "BE-VLG", ["nl", "fr", "de"]),  # Flanders
    ("BE", "BE-BRU", ["fr", "nl", "de"]),  # Brussels writes French first
    ("CA", "CA-QC", ["fr", "en"]),  # Quebec
    ("IT", "IT-BZ", ["de", "it"]),  # South Tyrol
])
def test_a_region_sets_the_order_of_languages(country, region, languages):
    assert languages_for_place(country, region) == languages


def test_the_country_alone_comes_from_cldr():
    assert languages_for_country("ES") == ["es"]
    assert languages_for_country("uy") == ["es"]
    assert languages_for_country("BR") == ["pt"]
    assert languages_for_country("CH") == ["de", "fr", "it"]
    assert languages_for_country("NO") == ["no"]  # Bokmål and Nynorsk read as one
    assert languages_for_country("US") == ["en"]
    assert languages_for_country("ZZ") == []
    assert languages_for_region("XX-99") == []


def test_wikidata_official_languages_come_first_regional_before_national():
    # P37 of the city says Catalan and Spanish; the region is not asked; the country says Spanish.
    assert languages_for_place("ES", None, [["es", "ca"], [], ["es"]]) == ["ca", "es"]
    # Nothing from Wikidata: the table decides.
    assert languages_for_place("ES", "ES-GA", [[], [], []]) == ["gl", "es"]


def _boundary(osm_id, level, **tags):
    return {"type": "area", "id": AREA_ID_OFFSET + osm_id, "tags": {"admin_level": str(level), **tags}}


def test_the_area_lookup_keeps_the_region_code_and_its_wikidata():
    answer = {"elements": [
        {"type": "relation", "id": 347950, "tags": {"admin_level": "8", "name": "Barcelona", "wikidata": "Q1492"}},
        _boundary(349053, 4, name="Catalunya", **{"ISO3166-2": "ES-CT", "wikidata": "Q5705"}),
        _boundary(1311341, 2, name="España", **{"ISO3166-1": "ES", "wikidata": "Q29"}),
    ]}
    (area,) = areas_from_answer(answer)
    assert (area.country_code, area.region, area.region_wikidata, area.country_wikidata) == \
        ("ES", "ES-CT", "Q5705", "Q29")
    assert languages_for_place(area.country_code, area.region) == ["ca", "es"]


def test_a_region_tag_of_another_country_is_ignored():
    answer = {"elements": [
        {"type": "relation", "id": 1, "tags": {"admin_level": "8", "name": "Border", "ISO3166-1": "FR"}},
        _boundary(2, 4, name="Catalunya", **{"ISO3166-2": "ES-CT"}),
    ]}
    (area,) = areas_from_answer(answer)
    assert area.region is None
