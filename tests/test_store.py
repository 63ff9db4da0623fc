"""The store on a real SQLite file: migrations, the remote-answer cache, runs that keep reviews."""
import sqlite3

import pytest
from sqlalchemy import select

from app.domain import HIGH, WOMAN, Decision, Street
from app.store import Store, StoreCache
from app.store.models import AreaRow, ReviewRow, RunRow, StreetRow, UserRow
from app.stats import headline
from app.store.records import counted_streets, find_or_create_area, latest_reviews, save_run
from tests.sample_city import AREA


def test_migrations_create_every_table_on_a_new_file(tmp_path):
    path = tmp_path / "new.sqlite"
    store = Store(f"sqlite:///{path}")
    assert not store.has_schema()
    store.upgrade()
    store.upgrade()  # a second start changes nothing
    tables = {row[0] for row in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
    assert {"areas", "runs", "streets", "namesakes", "street_namesakes", "reviews", "users", "jobs",
            "remote_answers", "alembic_version"} <= tables
    version = sqlite3.connect(path).execute("select version_num from alembic_version").fetchone()[0]
    assert version == _head()


def _head() -> str:
    """The one head of the migrations (several heads would be a merge to make)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.store import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    [head] = ScriptDirectory.from_config(config).get_heads()
    return head


def test_an_old_database_is_upgraded_and_keeps_its_data(tmp_path, backend):
    """A database made by the first release, holding a city, a run, a volunteer, a review and a job,
    brought up to the newest schema (on SQLite, and on PostgreSQL when it is under test)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    from app.store import MIGRATIONS
    from tests.conftest import make_env

    store = Store(make_env(tmp_path)["DATABASE_URL"])
    with store.engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with store.engine.begin() as connection:  # rows as the first release wrote them
        connection.execute(text(
            "INSERT INTO areas (id, slug, name, osm_type, osm_id, languages, created_at) "
            "VALUES (1, 'old-city-1', 'Old City', 'relation', 1, '[\"es\"]', '2026-01-01 10:00:00')"))
        connection.execute(text(
            "INSERT INTO runs (id, area_id, started_at, finished_at, source, stats) "
            "VALUES (1, 1, '2026-01-01 10:00:00', '2026-01-01 10:05:00', 'overpass', '{\"streets\": 1}')"))
        connection.execute(text(
            "INSERT INTO streets (id, run_id, area_id, key, name, kind, osm_ids, length_m, geometry, tags, "
            "category, confidence, needs_review, reviewed, evidence) VALUES (1, 1, 1, 'w1', 'Calle Uno', "
            "'street', '[\"way/1\"]', 111.0, '[]', '{}', 'woman', 'high', false, true, '[]')"))
        connection.execute(text(
            "INSERT INTO users (id, name, password_hash, created_at, active) "
            "VALUES (1, 'ana', 'x', '2026-01-01 10:00:00', true)"))
        connection.execute(text(
            "INSERT INTO reviews (id, area_id, street_key, street_name, user_id, created_at, qids, category, note) "
            "VALUES (1, 1, 'w1', 'Calle Uno', 1, '2026-01-02 10:00:00', '[]', 'woman', 'checked')"))
        connection.execute(text(
            "INSERT INTO jobs (id, area_id, query, status, stage, done, total, attempts, options, created_at, "
            "run_id) VALUES (1, 1, 'relation/1', 'done', 'done', 1, 1, 1, '{}', '2026-01-01 10:00:00', 1)"))
    store.upgrade()
    with store.session() as session:
        assert session.scalar(select(AreaRow.name)) == "Old City"
        assert session.scalar(select(ReviewRow.note)) == "checked"
        assert session.scalar(select(StreetRow.name).where(StreetRow.run_id == 1)) == "Calle Uno"
        assert session.scalar(select(RunRow.stats)) == {"streets": 1}
    with store.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == _head()
    assert "ix_streets_run_source" in {index["name"] for index in inspect(store.engine).get_indexes("streets")}
    store.dispose()


def test_cache_round_trip_survives_a_new_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    store = Store(url)
    store.upgrade()
    StoreCache(store).put("overpass", "k1", "http://x/api", "[out:json];", '{"elements": []}')
    StoreCache(store).put("overpass", "k1", "http://y/api", "[out:json];", '{"elements": [1]}')
    again = Store(url)
    assert StoreCache(again).get("overpass", "k1") == '{"elements": [1]}'
    assert StoreCache(again).get("sparql", "k1") is None


def _street(key="w1", name="Calle Uno"):
    return Street(key=key, name=name, osm_ids=[f"way/{key[1:]}"], lines=[[(0.0, 0.0), (0.001, 0.0)]], length_m=111.0)


def test_a_new_run_replaces_streets_but_keeps_reviews_and_old_run_stats(store):
    area = find_or_create_area(store, AREA)
    decision = {"w1": Decision(WOMAN, "first_name", "low")}
    first = save_run(store, area.id, figures=headline, streets=[_street()], readings={}, decisions=decision, namesakes={},
                     conflicts={}, source="overpass")
    with store.session() as session:
        user = UserRow(name="ana", password_hash="x")
        session.add(user)
        session.flush()
        session.add(ReviewRow(area_id=area.id, street_key="w1", street_name="Calle Uno", user_id=user.id,
                              category="not_person", note="a river"))
    second = save_run(store, area.id, figures=headline, streets=[_street()], readings={}, decisions=decision, namesakes={},
                      conflicts={}, source="overpass")
    with store.session() as session:
        assert session.get(AreaRow, area.id).current_run_id == second
        streets = session.scalars(select(StreetRow)).all()
        assert [s.run_id for s in streets] == [second]
        assert streets[0].reviewed is False  # the review is kept, but this run was not decided by it
        assert session.get(RunRow, first).stats["streets"] == 1
    assert latest_reviews(store, area.id)["w1"].category == "not_person"


def test_latest_review_wins(store):
    area = find_or_create_area(store, AREA)
    with store.session() as session:
        user = UserRow(name="ana", password_hash="x")
        session.add(user)
        session.flush()
        for category in ("woman", "not_person", "man"):
            session.add(ReviewRow(area_id=area.id, street_key="w7", street_name="X", user_id=user.id,
                                  category=category))
    assert latest_reviews(store, area.id)["w7"].category == "man"


def test_headline_stats_are_stored_with_the_area(store, sample_city):
    with store.session() as session:
        area = session.scalar(select(AreaRow).where(AreaRow.slug == sample_city))
        stats = area.stats
    assert stats["streets"] == 17
    # 4 women among 9 person-named streets (2 men, 1 non-binary, 2 several)
    assert stats["person_streets"] == 9
    assert stats["women_share"] == round(4 / 9, 4)
    assert stats["by_street"]["not_person"] == 3
    # Juana, Delmira, Clara, María (in a "several" street) and Laura (known only by her first name)
    assert stats["by_person"]["woman"] == 5
    assert stats["by_person"]["unknown"] == 1  # Ana Sin Datos: a person, though Wikidata has no gender
    assert stats["several_by_mix"] == {"women": 0, "men": 1, "mixed": 1}


def test_a_run_is_counted_from_its_values_as_from_its_rows_read_back(store, sample_city):
    # save_run counts a run from the values it writes (counted_values); a recount after a review reads the
    # rows back (counted_streets): both must give every street the same figures.
    with store.session() as session:
        area = session.scalar(select(AreaRow).where(AreaRow.slug == sample_city))
        read_back = counted_streets(session, [area.current_run_id])
        stored = area.stats
    assert len(read_back) == 17
    assert sorted(street.persons for street in read_back if street.persons)[0]  # the namesakes came back
    assert headline(read_back) == stored


def test_namesake_facts_from_cities_in_other_languages_are_merged(store):
    from app.domain import Namesake
    from app.store.models import NamesakeRow
    from app.store.records import upsert_namesakes

    with store.session() as session:
        upsert_namesakes(session, {"Q1": Namesake("Q1", labels={"es": "Juana", "en": "Juana"},
                                                articles={"es": "https://es.wikipedia.org/wiki/Juana"})})
    with store.session() as session:  # a Portuguese city asks for pt and en only
        upsert_namesakes(session, {"Q1": Namesake("Q1", labels={"pt": "Joana", "en": "Juana I"},
                                                articles={"pt": "https://pt.wikipedia.org/wiki/Joana"})})
    with store.session() as session:
        row = session.get(NamesakeRow, "Q1")
        assert row.labels == {"es": "Juana", "en": "Juana I", "pt": "Joana"}
        assert set(row.articles) == {"es", "pt"}


def test_reviews_follow_a_street_whose_key_changed(store):
    from app.store.records import follow_renamed_streets

    area = find_or_create_area(store, AREA)
    old = Street(key="w101", name="Calle Uno", osm_ids=["way/101", "way/102"], lines=[], length_m=200.0)
    save_run(store, area.id, figures=headline, streets=[old], readings={}, decisions={"w101": Decision(WOMAN, "osm_tag", HIGH)},
             namesakes={}, conflicts={}, source="overpass")
    with store.session() as session:
        user = UserRow(name="ana", password_hash="x")
        session.add(user)
        session.flush()
        session.add(ReviewRow(area_id=area.id, street_key="w101", street_name="Calle Uno", user_id=user.id,
                              category="not_person"))
    # A mapper deleted way 101 and split 102: the street is now keyed by way 99.
    edited = [Street(key="w99", name="Calle Uno", osm_ids=["way/99", "way/102"], lines=[], length_m=200.0),
              Street(key="w5", name="Calle Dos", osm_ids=["way/5"], lines=[], length_m=50.0)]
    assert follow_renamed_streets(store, area.id, edited) == {"w101": "w99"}
    assert set(latest_reviews(store, area.id)) == {"w99"}
    assert follow_renamed_streets(store, area.id, edited) == {}  # nothing left to move


def test_the_store_and_queue_are_those_of_the_backend_under_test(app, backend):
    from huey import RedisHuey, SqliteHuey

    assert app.extensions["store"].engine.dialect.name == backend
    assert isinstance(app.extensions["jobs"].huey, RedisHuey if backend == "postgresql" else SqliteHuey)


class SessionCount:
    """Counts the sessions and transactions begun on one store's engine (SQLAlchemy's after_begin event)."""

    def __init__(self, store):
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        self.engine, self.sessions, self.transactions = store.engine, [], 0
        self._event, self._target = event, Session
        event.listen(Session, "after_begin", self._began)

    def _began(self, session, _transaction, connection):
        if connection.engine is self.engine:
            self.transactions += 1
            if not any(seen is session for seen in self.sessions):  # kept alive: ids are never reused
                self.sessions.append(session)

    def close(self):
        self._event.remove(self._target, "after_begin", self._began)


def test_a_page_opens_one_database_session(client, store, sample_city):
    from app.extensions import limiter
    from tests.test_auth import add_user, csrf_token, sign_in

    limiter.reset()  # other tests' sign-ins from the same address
    add_user(store)
    assert sign_in(client).status_code == 302
    street = f"/cities/{sample_city}/streets/w108"
    token = csrf_token(client, street)
    pages = [f"/cities/{sample_city}", street, f"/cities/{sample_city}/gaps", f"/cities/{sample_city}/changes", "/",
             f"/cities/{sample_city}/map.json"]
    for url in pages:
        count = SessionCount(store)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            count.close()
        assert len(count.sessions) == 1, url
        if url == street:
            assert count.transactions >= 2  # the page reads in several units of work, all in that one session
    count = SessionCount(store)
    try:
        saved = client.post(street + "/review", data={"mode": "category", "category": "not_person", "action": "save",
                                                      "csrf_token": token})
    finally:
        count.close()
    assert saved.status_code == 302 and len(count.sessions) == 1
    with store.session() as session:  # outside a request: a session of its own, and the review was committed
        assert session.scalar(select(StreetRow.source).where(StreetRow.key == "w108")) == "review"


def test_two_writers_storing_the_same_new_namesake_at_once_both_succeed_and_merge(store, backend):
    """Two workers store one namesake new to the store at the same moment (two towns of a region, each
    with a volunteer's review naming her): on PostgreSQL the second insert waits for the first
    transaction and must then merge its facts, not fail on the duplicate id."""
    import threading

    from app.domain import Namesake
    from app.store.models import NamesakeRow
    from app.store.records import upsert_namesakes

    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: the two inserts cannot overlap")
    first = Namesake("Q7", labels={"es": "Gloria Fuertes"}, articles={"es": "https://es.wikipedia.org/wiki/G"})
    second = Namesake("Q7", labels={"en": "Gloria Fuertes", "pt": "Glória"}, gender="woman")
    failures: list[BaseException] = []
    second_started = threading.Event()

    def second_writer():
        try:
            with store.session() as session:
                second_started.set()
                upsert_namesakes(session, {"Q7": second})
        except BaseException as exc:  # noqa: BLE001 - the assertion below says what happened
            failures.append(exc)

    with store.session() as session:
        upsert_namesakes(session, {"Q7": first})  # inserted, not committed yet
        writer = threading.Thread(target=second_writer)
        writer.start()
        second_started.wait(10)
        writer.join(1.0)
        assert writer.is_alive(), "the second insert should wait for the first transaction"
    writer.join(20)
    assert not writer.is_alive() and failures == []
    with store.session() as session:
        row = session.get(NamesakeRow, "Q7")
        assert row.labels == {"es": "Gloria Fuertes", "en": "Gloria Fuertes", "pt": "Glória"}
        assert set(row.articles) == {"es"} and row.gender == "woman"
