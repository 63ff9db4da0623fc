"""The interface in Spanish, Portuguese and English: browser preference, the visible switch, people's labels."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from app.domain import pick_text

ROOT = Path(__file__).resolve().parent.parent
GAPS = "/cities/villa-ejemplo-1001/gaps"


def text(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_english_is_the_default(client, sample_city):
    html = text(client, GAPS)
    assert "Women without an article" in html and 'lang="en"' in html


def test_accept_language_spanish(client, sample_city):
    html = text(client, GAPS, **{"Accept-Language": "es-UY,es;q=0.9,en;q=0.5"})
    assert "Mujeres sin artículo" in html and "Descargar CSV" in html
    assert 'lang="es"' in html
    street = text(client, "/cities/villa-ejemplo-1001/streets/w103", **{"Accept-Language": "es"})
    assert "Inicia sesión para revisar esta calle." in street
    assert "una persona de Wikidata cuyo nombre coincide con el de la calle" in street  # evidence in words
    assert "Iniciar sesión" in text(client, "/login", **{"Accept-Language": "es"})


def test_the_switch_to_portuguese_sticks(client, sample_city):
    response = client.get(f"/language/pt?next={GAPS}")
    assert response.status_code == 302 and response.headers["Location"].endswith(GAPS)
    html = text(client, GAPS, **{"Accept-Language": "es"})  # the explicit choice beats the browser's
    assert "Mulheres sem artigo" in html and "Baixar CSV" in html
    assert "Entrar" in text(client, "/login")
    client.get("/language/en")
    assert "Women without an article" in text(client, GAPS)


def test_the_rate_limit_page_is_translated(client, store):
    from tests.test_auth import add_user, sign_in

    add_user(store)
    client.get("/language/pt")
    for attempt in range(5):
        assert sign_in(client, password=f"guess {attempt}").status_code == 401
    blocked = sign_in(client)
    assert blocked.status_code == 429 and "Tentativas demais" in blocked.get_data(as_text=True)


def test_labels_of_people_follow_the_chosen_language():
    labels = {"es": "Juana de Ibarbourou", "en": "Juana de Ibarbourou (en)", "pt": "Joana de Ibarbourou"}
    assert pick_text(labels, ["pt", "es"]) == "Joana de Ibarbourou"
    assert pick_text(labels, ["fr", "es"]) == "Juana de Ibarbourou"
    assert pick_text({"de": "X"}, ["es"]) == "X"
    assert pick_text({}, ["es"]) == ""
    assert pick_text(labels, "en") == "Juana de Ibarbourou (en)"


def test_street_page_shows_labels_in_the_interface_language(client, store, sample_city):
    from sqlalchemy import select

    from app.store.models import NamesakeRow

    with store.session() as session:
        row = session.scalar(select(NamesakeRow).where(NamesakeRow.qid == "Q900002"))
        row.labels = {**row.labels, "pt": "José Gervásio Artigas"}
    html = text(client, "/cities/villa-ejemplo-1001/streets/w103?lang=pt")
    assert "José Gervásio Artigas" in html
    assert "José Gervásio Artigas" not in text(client, "/cities/villa-ejemplo-1001/streets/w103?lang=es")


def test_catalogs_are_translated_and_compiled():
    """Nearly everything is translated (other modules may be a step ahead); nothing is left fuzzy."""
    for lang in ("es", "pt"):
        folder = ROOT / "app" / "translations" / lang / "LC_MESSAGES"
        with open(folder / "messages.po", "rb") as fh:
            catalog = read_po(fh, locale=lang)
        messages = [m for m in catalog if m.id]
        untranslated = [m.id for m in messages if not (m.string if isinstance(m.string, str) else all(m.string))]
        assert len(untranslated) <= max(5, len(messages) // 20), f"{lang}: untranslated {untranslated[:10]}"
        assert not [m.id for m in messages if m.fuzzy]
        mo = folder / "messages.mo"
        assert mo.exists() and mo.stat().st_mtime >= (folder / "messages.po").stat().st_mtime - 1


def test_every_template_string_is_in_the_catalog(tmp_path):
    """Strings added to templates or code since the last run of app/translations/update.sh show up here."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "N_", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    with open(ROOT / "app/translations/es/LC_MESSAGES/messages.po", "rb") as fh:
        have = {m.id for m in read_po(fh, locale="es") if m.id}
    assert sorted(wanted - have, key=str) == [], "run app/translations/update.sh and translate the new strings"
