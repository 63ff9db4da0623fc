"""What a deployment must hold to: unchecked input never answers 500, /api errors are JSON, files are
never lost, CLI failures are one `Error:` line. (Runs on SQLite and on PostgreSQL: their integers differ.)"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli import main


@pytest.mark.parametrize("url", [
    "/api/jobs/99999999999999999999",  # past 64 bits
    "/api/jobs/18446744073709551616",
    "/api/jobs/2147483648",  # past PostgreSQL's INTEGER
    "/api/jobs/%C2%B2",  # a superscript two: a digit to str.isdigit, not to int()
    "/cities/villa-ejemplo-1001/streets/99999999999999999999",
])
def test_ids_past_what_a_column_holds_are_not_found(client, sample_city, url):
    response = client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999", "²", "-1", "1e9", "٣"])
def test_odd_page_numbers_give_a_page(client, sample_city, page):
    response = client.get(f"/cities/{sample_city}/gaps", query_string={"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize("since", ["99999999999999999999", "²"])
def test_odd_run_ids_in_changes_are_refused_or_not_found(client, sample_city, since):
    response = client.get(f"/api/cities/{sample_city}/changes", query_string={"since": since})
    assert response.status_code in (400, 404) and "error" in response.get_json()


def test_deeply_nested_json_is_a_400_with_a_json_error(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/cities", data=body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert "error" in response.get_json()
    nested = '{"query": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client.post("/api/cities", data=nested, content_type="application/json")
    assert response.status_code == 400 and "error" in response.get_json()


@pytest.mark.parametrize("method, url, status", [
    ("get", "/api/no-such-thing", 404),
    ("delete", "/api/cities", 405),
    ("get", "/api/jobs/abc", 404),
])
def test_api_errors_are_json_and_keep_their_headers(client, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response.content_type == "application/json" and "error" in response.get_json()
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_page_errors_stay_html(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.content_type.startswith("text/html")


# --- the command line -------------------------------------------------------------------------------


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_classify_onto_its_own_input_keeps_the_input_until_it_succeeds(cli_env, tmp_path):
    register = tmp_path / "names.csv"
    register.write_text("name\nCalle Juana de Ibarbourou\nAvenida General Flores\n", encoding="utf-8")
    result = invoke("classify", str(register), "--language", "es", "--offline", "-o", str(register))
    assert result.exit_code == 0, result.output
    text = register.read_text(encoding="utf-8-sig")
    assert "Calle Juana de Ibarbourou" in text and "woman" in text  # classified, not emptied
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_failed_classify_leaves_the_output_untouched(cli_env, tmp_path):
    register = tmp_path / "names.csv"
    register.write_text("name\nCalle Uno\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    output.write_text("what the user had\n", encoding="utf-8")
    result = invoke("classify", str(register), "--language", "es", "--offline", "--column", "nope",
                    "-o", str(output))
    assert result.exit_code != 0
    assert output.read_text(encoding="utf-8") == "what the user had\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_failed_export_leaves_the_output_untouched(cli_env, tmp_path):
    output = tmp_path / "streets.csv"
    output.write_text("yesterday's export\n", encoding="utf-8")
    result = invoke("export", "no-such-city", "-o", str(output))
    assert result.exit_code != 0 and result.output.startswith("Error: ")
    assert output.read_text(encoding="utf-8") == "yesterday's export\n"


def test_export_writes_the_file_when_it_succeeds(cli_env, tmp_path):
    from tests.sample_city import store_sample_city
    from tests.test_cli import cli_store

    store_sample_city(cli_store(cli_env))
    output = tmp_path / "streets.geojson"
    output.write_text("old", encoding="utf-8")
    result = invoke("export", "villa-ejemplo-1001", "--format", "geojson", "-o", str(output))
    assert result.exit_code == 0, result.output
    assert json.loads(output.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_cli_failures_are_one_error_line_without_addresses(cli_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://operator:hunter2@127.0.0.1:9/whose")
    result = invoke("cities")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for leak in ("hunter2", "operator", "127.0.0.1"):
        assert leak not in result.output


def test_an_unwritable_output_is_one_error_line_naming_the_file(cli_env, tmp_path):
    target = tmp_path / "missing-folder" / "out.csv"
    result = invoke("export", "villa-ejemplo-1001", "-o", str(target))
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[-1].startswith("Error: ")
    assert "Traceback" not in result.output


# --- security headers, cookies, rate limits ---------------------------------------------------------


def csp_of(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/cities/villa-ejemplo-1001", "/api/cities", "/static/css/site.css", "/login"])
def test_every_response_carries_the_security_headers(client, sample_city, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = csp_of(response)
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP unless SECURE_COOKIES


def test_the_map_page_scripts_carry_the_nonce_its_policy_names(client, sample_city):
    import re

    response = client.get(f"/cities/{sample_city}")
    [nonce] = [source[len("'nonce-"):-1] for source in csp_of(response)["script-src"] if source.startswith("'nonce-")]
    html = response.get_data(as_text=True)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", html)
    assert inline_scripts and all(f'nonce="{nonce}"' in attributes for attributes in inline_scripts)
    assert all(f'nonce="{nonce}"' in tag for tag in re.findall(r"<style[^>]*>", html))
    assert 'style="' not in html  # inline style attributes would be refused
    assert nonce != csp_of(client.get(f"/cities/{sample_city}"))["script-src"][-1]  # a new one per request


def test_images_may_come_from_the_tile_host_and_commons_only(client, sample_city):
    images = csp_of(client.get(f"/cities/{sample_city}"))["img-src"]
    assert set(images) == {"'self'", "data:", "https://tile.openstreetmap.org", "https://commons.wikimedia.org",
                           "https://upload.wikimedia.org"}


def test_cookies_are_secure_and_hsts_sent_when_served_over_https(tmp_path):
    from app import create_app
    from tests.conftest import make_env

    env = make_env(tmp_path, SECURE_COOKIES="1", PROXY_HOPS="1")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env}, start_workers=False)
    try:
        response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        app.extensions["store"].dispose()


def test_cookies_are_not_secure_by_default(client):
    assert "Secure" not in client.get("/login").headers["Set-Cookie"]


def test_every_429_says_when_to_retry(client):
    from tests.test_auth import sign_in

    for _ in range(5):
        sign_in(client, password="wrong")
    page = sign_in(client)
    assert page.status_code == 429 and 1 <= int(page.headers["Retry-After"]) <= 61
    for _ in range(30):
        client.get("/api/areas?q=")
    api = client.get("/api/areas?q=")
    assert api.status_code == 429 and api.content_type == "application/json"
    assert 1 <= int(api.headers["Retry-After"]) <= 61


def test_rate_limits_are_counted_on_redis_when_the_queue_is_there(app, backend):
    storage = app.config["RATELIMIT_STORAGE_URI"]
    assert storage.startswith("redis://") if backend == "postgresql" else storage == "memory://"


def test_two_web_processes_on_one_redis_count_the_same_sign_ins(tmp_path, backend):
    """Two `serve` processes behind one proxy: a client cannot double its sign-in attempts by alternating."""
    if backend != "postgresql":
        pytest.skip("shared counts need the Redis of the PostgreSQL + Redis deployment")
    import os
    import re
    import subprocess
    import sys

    import requests

    from tests.conftest import make_env
    from tests.test_leases import kill, wait_for
    from tests.standins.overpass import unused_port

    env = {**os.environ, **make_env(tmp_path, JOB_MODE="external"), "INSTANCE_PATH": str(tmp_path / "instance")}
    ports = [unused_port(), unused_port()]
    servers = [subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
               for port in ports]
    try:
        for port in ports:
            wait_for(lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok, what="serve")

        def sign_in(port: int) -> requests.Response:
            session = requests.Session()
            page = session.get(f"http://127.0.0.1:{port}/login", timeout=10).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            return session.post(f"http://127.0.0.1:{port}/login", timeout=10,
                                data={"name": "ana", "password": "wrong", "csrf_token": token})

        assert [sign_in(ports[i % 2]).status_code for i in range(5)] == [401] * 5
        refused = sign_in(ports[1])
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    finally:
        for server in servers:
            kill(server)
