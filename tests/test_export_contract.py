"""The published downloads stay the same: a full analysis of the fixture city, exported, byte for byte.

Every published table is compared with a copy kept in tests/fixtures/contract/: the per-street CSV
and GeoJSON (CLI and web), every gap list's CSV download, and the `classify` command's CSV. A
refactoring must leave them all identical. When a change of output is *meant* (a new column, a
fixed label), regenerate the copies with ``UPDATE_CONTRACT=1 python3 -m pytest
tests/test_export_contract.py`` and let the diff of tests/fixtures/contract/ show the change.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app import create_app
from app.cli import main
from app.store.models import AreaRow, UserRow

CONTRACT = Path(__file__).parent / "fixtures" / "contract"
SLUG = "villa-ejemplo-1001"
GAP_LISTS = ("articles", "tags", "unknown", "first_names")
NAMES = ["Calle Juana de Ibarbourou", "Avenida General Flores", "Calle Laura Ramírez", "Calle 18 de Julio",
         "=HYPERLINK(\"http://evil.example\")", "Plaza de los Hermanos Pérez"]


def compare(name: str, data: bytes) -> None:
    path = CONTRACT / name
    if os.environ.get("UPDATE_CONTRACT"):
        path.write_bytes(data)
    assert path.exists(), f"no contract copy {path}: run with UPDATE_CONTRACT=1 once"
    expected = path.read_bytes()
    if data != expected:
        # Show the first differing line rather than two blobs.
        for number, (got, want) in enumerate(zip(data.splitlines(), expected.splitlines()), 1):
            assert got == want, f"{name}, line {number} changed"
        assert len(data) == len(expected), f"{name}: length changed ({len(expected)} -> {len(data)})"


@pytest.fixture
def analysed(pipeline_env):
    """The fixture city analysed through both stand-ins, with one volunteer's review saved on top."""
    result = CliRunner().invoke(main, ["analyze", "relation/1001"])
    assert result.exit_code == 0, result.output
    app = create_app({"INSTANCE_PATH": pipeline_env["INSTANCE_PATH"], "ENV": pipeline_env}, start_workers=False)
    store = app.extensions["store"]
    from app.reviews import save_review

    with store.session() as session:
        area = session.scalar(select(AreaRow).where(AreaRow.slug == SLUG))
        user = UserRow(name="ana", password_hash="x")
        session.add(user)
        session.flush()
        area_id, user_id = area.id, user.id
    save_review(store, area_id, "w108", user_id, category="not_person", note="a city in Uruguay")
    yield app
    app.extensions["store"].dispose()


def test_per_street_downloads_are_unchanged(analysed, tmp_path):
    for fmt in ("csv", "geojson"):
        out = tmp_path / f"streets.{fmt}"
        result = CliRunner().invoke(main, ["export", SLUG, "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        compare(f"streets.{fmt}", out.read_bytes())
        web = analysed.test_client().get(f"/cities/{SLUG}/streets.{fmt}")
        assert web.status_code == 200
        compare(f"streets.{fmt}", web.get_data())


def test_gap_list_downloads_are_unchanged(analysed):
    client = analysed.test_client()
    for name in GAP_LISTS:
        response = client.get(f"/cities/{SLUG}/gaps?list={name}&format=csv")
        assert response.status_code == 200, name
        compare(f"gaps-{name}.csv", response.get_data())


def test_classify_output_is_unchanged(cli_env, tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("nombre\n" + "\n".join(f'"{n}"' if "," in n or '"' in n else n for n in NAMES) + "\n",
                     encoding="utf-8")
    out = tmp_path / "classified.csv"
    result = CliRunner().invoke(main, ["classify", str(names), "--language", "es", "--country", "UY", "--offline",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    compare("classify.csv", out.read_bytes())
