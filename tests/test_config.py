"""Settings come from the environment, with defaults, and bad values stop start-up with one clear line."""
import os
import subprocess
import sys

import pytest

from app.config import DEFAULT_OVERPASS_URL, DEFAULT_SPARQL_URL, ConfigError, load_settings


def test_defaults_use_the_instance_folder(tmp_path):
    settings = load_settings(tmp_path / "inst", env={})
    assert settings.database_url == f"sqlite:///{tmp_path / 'inst' / 'whose-streets.sqlite'}"
    assert settings.overpass_urls == [DEFAULT_OVERPASS_URL]
    assert settings.sparql_urls == [DEFAULT_SPARQL_URL]
    assert settings.job_mode == "thread"


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_settings(tmp_path, env={}).secret_key
    second = load_settings(tmp_path, env={}).secret_key
    assert len(first) == 64 and first == second
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    assert load_settings(tmp_path, env={"SECRET_KEY": "given"}).secret_key == "given"


def test_overpass_mirrors_are_a_comma_separated_list(tmp_path):
    settings = load_settings(tmp_path, env={"OVERPASS_URL": "http://a.example/api, https://b.example/api"})
    assert settings.overpass_urls == ["http://a.example/api", "https://b.example/api"]


def test_public_url_loses_its_trailing_slash(tmp_path):
    assert load_settings(tmp_path, env={}).public_url is None
    settings = load_settings(tmp_path, env={"PUBLIC_URL": "https://streets.example.org/uy/"})
    assert settings.public_url == "https://streets.example.org/uy"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"OVERPASS_URL": "overpass.example/api"}, "OVERPASS_URL"),
        ({"SPARQL_URL": "ftp://x/sparql"}, "SPARQL_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"JOB_WORKERS": "zero"}, "JOB_WORKERS"),
        ({"JOB_MODE": "celery"}, "JOB_MODE"),
        ({"PUBLIC_URL": "streets.example.org"}, "PUBLIC_URL"),
        ({"PUBLIC_URL": "https://streets.example.org/?x=1"}, "PUBLIC_URL"),
    ],
)
def test_bad_settings_name_the_setting(tmp_path, env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path, env=env)


def test_unwritable_database_folder_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        with pytest.raises(ConfigError, match="not writable"):
            load_settings(tmp_path / "inst", env={"DATABASE_URL": f"sqlite:///{locked}/db.sqlite"})
    finally:
        locked.chmod(0o700)


def run_cli(tmp_path, *args, **env):
    full_env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), **env}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=60)


def test_start_up_with_a_bad_database_path_prints_one_line(tmp_path):
    # A file where a folder is needed: no user, root or not, can create the database there.
    (tmp_path / "file").write_text("x")
    result = run_cli(tmp_path, "cities", DATABASE_URL=f"sqlite:///{tmp_path}/file/sub/db.sqlite")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0] and "Traceback" not in result.stderr


def test_start_up_with_a_malformed_url_prints_one_line(tmp_path):
    result = run_cli(tmp_path, "run", OVERPASS_URL="localhost:1234")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["Error: configuration: OVERPASS_URL='localhost:1234' is not an http(s) URL"]


def test_qids_are_matched_whole():
    from app.domain import is_qid

    assert is_qid("Q42") and not is_qid("Q42\n") and not is_qid("Q0") and not is_qid(" Q42") and not is_qid(None)


def test_retry_after_takes_seconds_or_a_date_and_never_crashes():
    from app.remote import parse_retry_after

    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("²") is None and parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_processes_starting_together_share_one_secret_key(tmp_path):
    """Several starts without SECRET_KEY at once: one key file, whole, readable by its owner only."""
    import stat
    from concurrent.futures import ThreadPoolExecutor

    from app.config import _secret_key

    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _i: _secret_key(tmp_path, {}), range(16)))
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == keys[0]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no scratch files left behind
