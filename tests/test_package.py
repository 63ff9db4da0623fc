"""The package as an operator gets it: an sdist and a wheel built from a clean copy of the repository,
installed into a fresh virtual environment, then an analysis, `serve`, a page and the static files.

The build runs without build isolation and the venv sees the system's site-packages, so the test needs
no network: only what `tests/setup.sh` installed. The installed code must find queries/ and static/
inside itself, so every command runs away from the source tree, without PYTHONPATH.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
#: What a clean export leaves out: version control, local state, build leftovers.
NOT_EXPORTED = shutil.ignore_patterns(".git", "instance", "__pycache__", "*.egg-info", "build", "dist",
                                      ".pytest_cache", "*.pyc")


def run(args, *, cwd, env=None, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv folder, wheel path, sdist path): sdist from an export, wheel built from the unpacked sdist."""
    work = tmp_path_factory.mktemp("package")
    export = work / "export"
    shutil.copytree(REPO, export, ignore=NOT_EXPORTED)
    dist = work / "dist"
    build_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run([sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(dist)!r})"],
        cwd=export, env=build_env)
    sdist = next(dist.glob("whose_streets-*.tar.gz"))
    with tarfile.open(sdist) as archive:
        archive.extractall(work / "unpacked", filter="data")
    unpacked = next((work / "unpacked").iterdir())
    # The way packagers and `pipx install` build it (no isolation: the build needs no network here).
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, unpacked],
        cwd=work, env=build_env)
    wheel = next(dist.glob("whose_streets-*.whl"))
    env_dir = work / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], cwd=work, env=build_env)
    return env_dir, wheel, sdist


def venv_env(tmp_path, **settings) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), SECRET_KEY="package-test", CONTACT="tests@example.invalid",
               REMOTE_ATTEMPTS="2", REMOTE_BACKOFF="0.01", REMOTE_TIMEOUT="10", **settings)
    return env


def test_sdist_and_wheel_carry_the_queries_and_static_files(installed):
    _env_dir, wheel, sdist = installed
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for query in (REPO / "queries").iterdir():
        assert f"app/bundled/queries/{query.name}" in in_wheel
        assert f"queries/{query.name}" in in_sdist
    for asset in (REPO / "static").rglob("*.*"):
        relative = asset.relative_to(REPO / "static").as_posix()
        assert f"app/bundled/static/{relative}" in in_wheel
        assert f"static/{relative}" in in_sdist
    assert "app/store/migrations/env.py" in in_wheel and "app/templates/base.html" in in_wheel


def test_the_installed_package_analyses_serves_pages_and_assets(installed, tmp_path, overpass_server,
                                                                  sparql_server):
    env_dir, _wheel, _sdist = installed
    env = venv_env(tmp_path, OVERPASS_URL=overpass_server.url, SPARQL_URL=sparql_server.url)
    python = env_dir / "bin" / "python"
    where = run([python, "-c", "import app, app.resources as r; print(app.__file__); print(r.bundled_dir('queries'))"],
                cwd=tmp_path, env=env).stdout.split()
    assert all(Path(p).is_relative_to(env_dir) for p in where), where  # not the source tree

    command = env_dir / "bin" / "whose-streets"
    analysed = run([command, "analyze", "relation/1001"], cwd=tmp_path, env=env)
    assert "villa-ejemplo-1001" in analysed.stdout

    port = free_port()
    server = subprocess.Popen([command, "serve", "--port", str(port), "--threads", "4"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "serve did not answer within a minute"
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/cities/villa-ejemplo-1001", timeout=10) as page:
            assert page.status == 200 and "Villa Ejemplo" in page.read().decode()
            assert page.headers["Server"] == "whose-streets"  # waitress, not Werkzeug's development server
        with urllib.request.urlopen(f"{base}/static/js/citymap.js", timeout=10) as asset:
            assert asset.read() == (REPO / "static" / "js" / "citymap.js").read_bytes()
        with urllib.request.urlopen(f"{base}/vendor/leaflet/leaflet.js", timeout=10) as vendored:
            assert vendored.status == 200 and b"Leaflet" in vendored.read()[:2000]
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output  # SIGTERM is a clean stop
