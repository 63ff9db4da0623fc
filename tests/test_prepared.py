"""Tables prepared on disk (app.names.prepared) and the paused collector (app.collector)."""
from __future__ import annotations

import gc
import threading

import pytest

from app.collector import collector_paused
from app.names import first_names, places, prepared


@pytest.fixture
def folder(tmp_path):
    prepared.keep_in(tmp_path / "prepared")
    yield tmp_path / "prepared"
    prepared.keep_in(None)


def test_a_table_is_built_once_then_read_back(folder, tmp_path):
    source = tmp_path / "builder.py"
    source.write_text("v1")
    stamp = prepared.fingerprint([source], [])
    built = []

    def build():
        built.append(1)
        return {"rua": "town", "n": [1, 2.5, None]}

    assert prepared.prepared("table", stamp, build) == {"rua": "town", "n": [1, 2.5, None]}
    assert prepared.prepared("table", stamp, build) == {"rua": "town", "n": [1, 2.5, None]}
    assert built == [1]
    assert [p.name for p in folder.iterdir()] == [f"table-{stamp}.marshal"]


def test_a_changed_source_or_dataset_gives_another_table(folder, tmp_path):
    source, data = tmp_path / "builder.py", tmp_path / "data.txt"
    source.write_text("v1")
    data.write_text("a")
    first = prepared.fingerprint([source], [data])
    assert prepared.fingerprint([source], [data]) == first  # nothing changed
    source.write_text("v2")
    assert prepared.fingerprint([source], [data]) != first
    source.write_text("v1")
    data.write_text("ab")  # another size: another dataset
    assert prepared.fingerprint([source], [data]) != first


def test_a_damaged_file_is_built_again_and_replaced(folder):
    prepared.prepared("table", "s", lambda: {"a": "b"})
    (folder / "table-s.marshal").write_bytes(b"\x00not marshal")
    assert prepared.prepared("table", "s", lambda: {"a": "c"}) == {"a": "c"}
    assert prepared.prepared("table", "s", lambda: {"a": "never"}) == {"a": "c"}
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no scratch file left


def test_an_unwritable_folder_keeps_the_table_in_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would be")
    prepared.keep_in(blocker / "prepared")
    try:
        assert prepared.prepared("table", "s", lambda: {"a": "b"}) == {"a": "b"}
    finally:
        prepared.keep_in(None)


def test_prepared_name_tables_equal_freshly_built_ones(folder, monkeypatch):
    """The places and given names read back from disk answer exactly as the datasets parsed afresh."""
    fresh_places = places._build()
    monkeypatch.setattr(places, "_names", None)
    places.place_names()  # prepares the file
    monkeypatch.setattr(places, "_names", None)
    assert places.place_names() == fresh_places  # read back from the file
    assert any(p.name.startswith("places-") for p in folder.iterdir())

    import gender_guesser.detector as gg

    fresh = gg.Detector(case_sensitive=False)
    monkeypatch.setattr(first_names, "_detector", None)
    first_names.detector()
    monkeypatch.setattr(first_names, "_detector", None)
    read_back = first_names.detector()
    assert read_back.names == fresh.names
    for word in ("María", "jose", "Joan", "Camille", "Andrea", "Xqzt"):
        for country in (None, "spain", "great_britain", "belgium"):
            assert read_back.get_gender(word, country) == fresh.get_gender(word, country)


def test_the_collector_comes_back_after_the_last_of_overlapping_pauses():
    assert gc.isenabled()
    entered, release = threading.Event(), threading.Event()

    def other_analysis():
        with collector_paused(collect_after=False):
            entered.set()
            release.wait(5)

    worker = threading.Thread(target=other_analysis)
    with collector_paused(collect_after=False):
        assert not gc.isenabled()
        worker.start()
        entered.wait(5)
    assert not gc.isenabled()  # the other thread's pause still holds
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
