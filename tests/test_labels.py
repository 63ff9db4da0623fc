"""One choice of a label by language (app.domain.pick_text), the same on every page and download.

The bug this guards against: a person with only Wikidata's language-neutral ``mul`` label was named
in the gap list but shown as a bare Wikidata id in the CSV and on the map, because each place had
its own fallback.
"""
from __future__ import annotations

import csv
import io
import json

from app.domain import HIGH, WOMAN, Area, Decision, Namesake, Street, pick_text
from app.stats import headline
from app.store.records import find_or_create_area, save_run

MUL_CITY = Area(osm_type="relation", osm_id=3003, name="Villa Mul", admin_level=8, country_code="UY",
                languages=["es"], parent="Uruguay")


def store_mul_city(store) -> str:
    area = find_or_create_area(store, MUL_CITY)
    namesakes = {"Q77": Namesake(qid="Q77", labels={"mul": "Ada Lovelace"}, descriptions={"mul": "matemática"},
                                 gender=WOMAN, gender_labels=["female"], sitelinks=3,
                                 articles={"en": "https://en.wikipedia.org/wiki/Ada_Lovelace"})}
    street = Street(key="w1", name="Calle Ada Lovelace", osm_ids=["way/1"],
                    lines=[[(-56.1, -34.9), (-56.0, -34.9)]], length_m=120.0)
    save_run(store, area.id, figures=headline, streets=[street], readings={}, decisions={"w1": Decision(WOMAN, "osm_tag", HIGH, ["Q77"])},
             namesakes=namesakes, conflicts={}, source="overpass")
    return MUL_CITY.slug


def test_the_fallback_order_is_wanted_languages_then_mul_then_english_then_any():
    labels = {"fr": "Ada (fr)", "en": "Ada (en)", "mul": "Ada (mul)", "pt": "Ada (pt)"}
    assert pick_text(labels, ["pt", "es"]) == "Ada (pt)"  # the interface language first
    assert pick_text(labels, ["es"]) == "Ada (mul)"  # mul before English
    assert pick_text({"en": "Ada (en)", "fr": "Ada (fr)"}, ["es"]) == "Ada (en)"
    assert pick_text({"fr": "Ada (fr)"}, ["es"]) == "Ada (fr)"  # any language before nothing
    assert pick_text({}, ["es"]) == ""  # callers then show the id


def test_a_person_with_only_a_mul_label_is_named_everywhere(client, store):
    slug = store_mul_city(store)
    gaps = client.get(f"/cities/{slug}/gaps?list=articles")
    assert gaps.status_code == 200 and "Ada Lovelace" in gaps.get_data(as_text=True)
    gap_rows = list(csv.DictReader(io.StringIO(
        client.get(f"/cities/{slug}/gaps?list=articles&format=csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["name"] for r in gap_rows] == ["Ada Lovelace"]

    rows = list(csv.DictReader(io.StringIO(client.get(f"/cities/{slug}/streets.csv").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    assert [r["persons"] for r in rows] == ["Ada Lovelace"]
    geojson = json.loads(client.get(f"/cities/{slug}/streets.geojson").get_data(as_text=True))
    assert geojson["features"][0]["properties"]["persons"] == ["Ada Lovelace"]
    # The map finds her by name (its search) and the popup names and describes her.
    map_data = json.loads(client.get(f"/cities/{slug}/map.json").get_data(as_text=True))
    assert map_data["people"] == {} and map_data["streets"]["name"] == ["Calle Ada Lovelace"]
    popup = json.loads(client.get(f"/cities/{slug}/streets/w1.json").get_data(as_text=True))
    assert [(n["label"], n["description"]) for n in popup["namesakes"]] == [("Ada Lovelace", "matemática")]
    street_page = client.get(f"/cities/{slug}/streets/w1").get_data(as_text=True)
    assert "Ada Lovelace" in street_page
