"""What a CLI command's start-up imports: only what the command uses (the web stack, the queue and
Alembic are left to the processes that need them)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.store import MIGRATIONS, Store, migrations_head

ROOT = Path(__file__).resolve().parent.parent


def test_the_head_read_from_the_scripts_is_alembics():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert migrations_head() == ScriptDirectory.from_config(config).get_current_head()


def test_a_store_below_head_is_upgraded_and_then_known_at_head(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert not store.at_head()
    store.upgrade()
    assert store.at_head()
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert not store.at_head()
    store.dispose()


def imported_by(code: str, env_dir: Path) -> set[str]:
    """The top-level modules a fresh interpreter holds after running ``code``."""
    script = code + "\nimport json, sys; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} | set(sys.modules))))"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "INSTANCE_PATH": str(env_dir),
           "DATABASE_URL": f"sqlite:///{env_dir / 'store.sqlite'}"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=env_dir, env=env,
                         check=True, timeout=120)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_cli_analysis_starts_without_the_web_stack_the_queue_or_alembic(tmp_path):
    Store(f"sqlite:///{tmp_path / 'store.sqlite'}").upgrade()  # an instance already at head
    modules = imported_by(
        "import click\nfrom app.cli import main, _create_app_for_cli\n"
        "with click.Context(main, info_name='analyze'):\n    app = _create_app_for_cli()\n"
        "assert 'jobs' in app.extensions and 'store' in app.extensions", tmp_path)
    # requests: only a process that sends a request loads it (app.remote), not an analysis answered offline.
    for module in ("huey", "redis", "psycopg", "alembic", "folium", "flask_babel", "flask_limiter", "app.web",
                   "requests"):
        assert module not in modules, module
    # `serve` gets the whole stack.
    modules = imported_by(
        "import click\nfrom app.cli import main, _create_app_for_cli\n"
        "with click.Context(main, info_name='routes'):\n    _create_app_for_cli()", tmp_path)
    assert {"app.web", "flask_babel"} <= modules
