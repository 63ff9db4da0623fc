"""In headless Chromium: a volunteer signs in, reviews a street and sees the result; the language switch."""
from __future__ import annotations

from werkzeug.security import generate_password_hash

from app.store.models import UserRow
from tests.sample_city import AREA, store_sample_city

PASSWORD = "a volunteer's password"


def setup_city(live_server):
    store = live_server.app.extensions["store"]
    store_sample_city(store)
    with store.session() as session:
        session.add(UserRow(name="ana", password_hash=generate_password_hash(PASSWORD)))


def sign_in(page, live_server, next_path):
    page.goto(f"{live_server.url}{next_path}")
    page.click("text=Sign in to review this street.")
    page.fill("#name", "ana")
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}")


def test_a_volunteer_sets_a_category_with_a_note(page, live_server):
    setup_city(live_server)
    street = f"/cities/{AREA.slug}/streets/w108"
    sign_in(page, live_server, street)
    assert "Signed in as ana" in page.text_content(".account")
    assert page.text_content(".classification strong").strip() == "unknown"
    page.select_option("#category", "not_person")
    page.fill("#note-category", "Mercedes is a city in Uruguay")
    page.click("#review-category button[type=submit]")
    page.wait_for_selector(".message")
    assert "Review saved" in page.text_content(".messages")
    assert page.text_content(".classification strong").strip() == "not a person"
    history = page.text_content(".review-history")
    assert "ana" in history and "Mercedes is a city in Uruguay" in history
    # Nothing outside our own server was asked for.
    assert all(url.startswith(live_server.url) for url in page.requests_seen)


def test_a_volunteer_checks_then_sets_a_namesake(page, live_server):
    setup_city(live_server)
    street = f"/cities/{AREA.slug}/streets/w103"
    sign_in(page, live_server, street)
    page.fill("#qids", "Q900003")
    page.fill("#note-namesake", "The other José Artigas")
    page.click("#review-namesake button[value=check]")
    page.wait_for_selector(".namesake-check")
    assert "José Artigas" in page.text_content(".namesake-check")
    assert "man" in page.text_content(".namesake-check")
    page.click("#review-namesake button[value=save]")
    page.wait_for_selector(".message")
    assert page.text_content(".classification strong").strip() == "man"
    assert page.get_attribute(".namesake", "data-qid") == "Q900003"
    assert "The other José Artigas" in page.text_content(".review-history")
    assert "disagree" in page.text_content(".review-conflict")


def test_the_language_switch(page, live_server):
    setup_city(live_server)
    page.goto(f"{live_server.url}/cities/{AREA.slug}/gaps")
    assert "Women without an article" in page.text_content("nav.tabs")
    page.click(".language-switch a[lang=es]")
    page.wait_for_selector("html[lang=es]")
    assert "Mujeres sin artículo" in page.text_content("nav.tabs")
    page.click(".language-switch a[lang=pt]")
    page.wait_for_selector("html[lang=pt]")
    assert "Mulheres sem artigo" in page.text_content("nav.tabs")
    # The choice sticks on the next page.
    page.click("a.tab[data-list=unknown]")
    page.wait_for_selector("#list-unknown")
    assert "Ruas não resolvidas" in page.text_content("h2")
