"""Volunteer accounts: hashed passwords, CSRF-protected sign-in and sign-out, rate-limited attempts."""
from __future__ import annotations

import re

import pytest

from click.testing import CliRunner
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.store.models import UserRow

PASSWORD = "correct horse battery"


def add_user(store, name="ana", password=PASSWORD, active=True) -> int:
    with store.session() as session:
        row = UserRow(name=name, password_hash=generate_password_hash(password), active=active)
        session.add(row)
        session.flush()
        return row.id


def csrf_token(client, path="/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, name="ana", password=PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def test_an_account_made_with_create_user_signs_in_and_is_stored_hashed(app, client, store, monkeypatch, tmp_path):
    from app.cli import main
    from tests.conftest import make_env

    for key, value in make_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("INSTANCE_PATH", app.instance_path)
    result = CliRunner().invoke(main, ["create-user", "beatriz", "--password", "a long secret"])
    assert result.exit_code == 0, result.output
    with store.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.name == "beatriz"))
    assert row is not None and "a long secret" not in row.password_hash
    assert row.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert sign_in(client, "beatriz", "a long secret").status_code == 302


def test_sign_in_and_out(client, store):
    add_user(store)
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    response = sign_in(client)
    assert response.status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert "Signed in as ana" in page
    token = csrf_token(client)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Signed in as ana" not in client.get("/login").get_data(as_text=True)


def test_wrong_password_and_unknown_name_get_the_same_answer(client, store):
    add_user(store)
    wrong = sign_in(client, password="nope")
    unknown = sign_in(client, name="nobody")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong name or password" in wrong.get_data(as_text=True)
    assert "Wrong name or password" in unknown.get_data(as_text=True)


def test_an_inactive_account_cannot_sign_in(client, store):
    add_user(store, active=False)
    assert sign_in(client).status_code == 401


def test_sign_in_without_csrf_token_is_refused(client, store):
    add_user(store)
    response = client.post("/login", data={"name": "ana", "password": PASSWORD})
    assert response.status_code == 400
    assert "Signed in as ana" not in client.get("/login").get_data(as_text=True)


def test_sign_out_without_csrf_token_is_refused(client, store):
    add_user(store)
    sign_in(client)
    assert client.post("/logout").status_code == 400
    assert "Signed in as ana" in client.get("/login").get_data(as_text=True)


def test_sign_in_attempts_are_rate_limited(client, store):
    add_user(store)
    statuses = [sign_in(client, password=f"guess {i}").status_code for i in range(5)]
    assert statuses == [401] * 5
    blocked = sign_in(client)  # even the right password waits now
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    # Showing the form is not limited.
    assert client.get("/login").status_code == 200


def test_next_only_goes_to_local_paths(client, store):
    add_user(store)
    token = csrf_token(client)
    response = client.post("/login?next=https://evil.example/", data={"name": "ana", "password": PASSWORD,
                                                                     "csrf_token": token})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


@pytest.mark.parametrize("target", ["//evil.example/", "/\t/evil.example", "/\\evil.example", "https://evil.example/",
                                    "/%09/evil.example".replace("%09", "\t"), "/\n/evil.example"])
def test_redirects_never_leave_the_site(client, target):
    response = client.get("/language/es", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_local_redirects_are_kept(client):
    response = client.get("/language/pt", query_string={"next": "/cities/x?list=tags"})
    assert response.headers["Location"].endswith("/cities/x?list=tags")


def test_behind_a_proxy_limits_count_each_client(tmp_path):
    from app import create_app
    from tests.conftest import make_env

    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": make_env(tmp_path, PROXY_HOPS="1"),
                      "WTF_CSRF_ENABLED": False}, start_workers=False)
    client = app.test_client()
    for _ in range(5):
        client.post("/login", data={"name": "x", "password": "wrong password"},
                    headers={"X-Forwarded-For": "203.0.113.1"})
    assert client.post("/login", data={"name": "x", "password": "wrong password"},
                       headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    # Another visitor behind the same proxy is not locked out by the first one.
    assert client.post("/login", data={"name": "x", "password": "wrong password"},
                       headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 401
