"""The `whose-streets` command through Click's runner, configured by the environment like a user's shell."""
from click.testing import CliRunner
from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.cli import main
from app.config import load_settings
from app.store import Store
from app.store.models import UserRow




def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def cli_store(env) -> Store:
    settings = load_settings(env["INSTANCE_PATH"], env=env)
    store = Store(settings.database_url)
    store.upgrade()
    return store


def test_create_user_stores_a_hash_not_the_password(cli_env):
    result = invoke("create-user", "ana", input="correct horse\ncorrect horse\n")
    assert result.exit_code == 0, result.output
    with cli_store(cli_env).session() as session:
        user = session.scalar(select(UserRow).where(UserRow.name == "ana"))
        assert user.password_hash != "correct horse"
        assert check_password_hash(user.password_hash, "correct horse")
    again = invoke("create-user", "ana", "--password", "another one")
    assert again.exit_code != 0 and "exists already" in again.output


def test_create_user_refuses_short_passwords(cli_env):
    result = invoke("create-user", "bea", "--password", "short")
    assert result.exit_code != 0 and "8 characters" in result.output


def test_cities_lists_headline_figures(cli_env):
    assert "No city has been analysed yet" in invoke("cities").output
    from tests.sample_city import store_sample_city

    store_sample_city(cli_store(cli_env))
    output = invoke("cities").output
    assert "villa-ejemplo-1001" in output
    assert "44.4 %" in output  # 4 women among 9 person-named streets


def test_flask_commands_are_there(cli_env):
    routes = invoke("routes").output
    assert "/api/cities" in routes and "/api/jobs/<int:job_id>" in routes


def test_analyze_rejects_bad_input_with_a_non_zero_exit(cli_env):
    result = CliRunner().invoke(main, ["analyze", "relation/abc\x07"])
    assert result.exit_code != 0
    assert "control characters" in result.output


def test_classify_offline_reads_a_register_and_writes_one_row_per_name(cli_env, tmp_path):
    register = tmp_path / "nomenclator.csv"
    register.write_text("nombre;barrio\nCalle Juana de Ibarbourou;Centro\nCalle 18 de Julio;Centro\n"
                        "Calle Mercedes;Cordón\nAvenida General Flores;Goes\n", encoding="utf-8-sig")
    out = tmp_path / "out.csv"
    result = invoke("classify", str(register), "--language", "es", "--country", "UY", "--offline", "-o", str(out))
    assert result.exit_code == 0, result.output
    import csv

    rows = {r["name"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert list(rows) == ["Calle Juana de Ibarbourou", "Calle 18 de Julio", "Calle Mercedes", "Avenida General Flores"]
    assert (rows["Calle Juana de Ibarbourou"]["category"], rows["Calle Juana de Ibarbourou"]["source"]) == \
        ("woman", "first_name")
    assert rows["Calle Juana de Ibarbourou"]["person"] == "Juana de Ibarbourou"
    assert rows["Calle 18 de Julio"]["category"] == "not_person"
    assert rows["Calle Mercedes"]["category"] != "woman"
    assert (rows["Avenida General Flores"]["category"], rows["Avenida General Flores"]["source"]) == ("man", "title")


def test_classify_online_asks_wikidata(cli_env, tmp_path, sparql_server, monkeypatch):
    monkeypatch.setenv("SPARQL_URL", sparql_server.url)
    register = tmp_path / "names.csv"
    register.write_text("calle\nAvenida José Artigas\nCalle Delmira Agustini\n", encoding="utf-8")
    result = invoke("classify", str(register), "--language", "es", "--country", "UY")
    assert result.exit_code == 0, result.output
    import csv
    import io

    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(result.output.lstrip("\ufeff")))}
    assert rows["Avenida José Artigas"]["wikidata_id"] == "Q900002"
    assert rows["Calle Delmira Agustini"]["source"] == "name_match"
    assert sparql_server.requests, "the online run must have asked the SPARQL endpoint"


def test_classify_reports_an_unknown_column(cli_env, tmp_path):
    register = tmp_path / "names.csv"
    register.write_text("calle\nCalle Uno\n", encoding="utf-8")
    result = invoke("classify", str(register), "--language", "es", "--offline", "--column", "nombre")
    assert result.exit_code != 0 and "nombre" in result.output


def test_classify_neutralises_formulas_from_the_register(cli_env, tmp_path):
    register = tmp_path / "names.csv"
    register.write_text('calle\n"=HYPERLINK(""http://evil.example"",""x"")"\n@SUM(A1)\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    assert invoke("classify", str(register), "--language", "es", "--offline", "-o", str(out)).exit_code == 0
    import csv

    names = [row["name"] for row in csv.DictReader(out.open(encoding="utf-8-sig"))]
    assert names == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'@SUM(A1)"]


def test_classify_takes_the_languages_of_a_region(cli_env, tmp_path):
    register = tmp_path / "carrers.csv"
    register.write_text("name\nCarrer de Josep Tarradellas\nAvinguda de Lluïsa Cura\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = invoke("classify", str(register), "--region", "ES-CT", "--offline", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Reading names in: ca, es" in result.output
    import csv

    rows = {r["name"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows["Carrer de Josep Tarradellas"]["person"] == "Josep Tarradellas"
    assert rows["Carrer de Josep Tarradellas"]["category"] == "man"
    assert rows["Avinguda de Lluïsa Cura"]["category"] == "woman"


def test_classify_accepts_several_languages_and_refuses_an_unknown_region(cli_env, tmp_path):
    register = tmp_path / "names.csv"
    register.write_text("name\nRue Marie Curie\nMarie-Curie-Straße\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = invoke("classify", str(register), "--language", "fr", "--language", "de", "--offline", "-o", str(out))
    assert result.exit_code == 0, result.output
    import csv

    rows = {r["name"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows["Marie-Curie-Straße"]["person"] == "Marie Curie"
    assert rows["Marie-Curie-Straße"]["category"] == "woman"
    bad = invoke("classify", str(register), "--region", "XX-99", "--offline")
    assert bad.exit_code != 0 and "ISO 3166-2" in bad.output
    assert not invoke("classify", str(register), "--offline").exit_code == 0
