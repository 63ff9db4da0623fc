"""Writing analysis results into the store, and reading them back as plain values."""
from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import JSON, delete, func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload, selectinload

from app.domain import (
    PERSON_CATEGORIES,
    PERSON_KINDS,
    SOURCE_REVIEW,
    Area,
    CountedStreet,
    Decision,
    Namesake,
    Street,
    evidence_to_json,
    pick_text,
)
from app.store import Store
from app.store.models import AreaRow, NamesakeRow, ReviewRow, RunRow
from app.store.models import StreetNamesakeRow, StreetRow, StreetSnapshotRow, UserRow, utcnow


class AreaNotFound(LookupError):
    """No area has this slug, or it has not been analysed yet."""


@dataclass
class AnalysedArea:
    """An area with a current run, detached from any session: what pages, downloads and gap lists read."""

    id: int
    slug: str
    name: str
    languages: list[str]
    run_id: int
    #: Changes with every new run and every review (reviews change the current run in place):
    #: what caches and ETags of the area's data are keyed on.
    revision: str = ""
    osm_ref: str = ""  # "relation/2929054": what a new analysis of the area is asked with

    @property
    def language(self) -> str | None:
        """The area's first language: the Wikipedia its gaps are about."""
        return self.languages[0] if self.languages else None


def area_by_slug(session, slug: str, *, analysed: bool = True) -> AreaRow | None:
    """The one lookup of an area by its slug (``analysed``: only if it has a current run)."""
    area = session.scalar(select(AreaRow).where(AreaRow.slug == slug))
    if area is None or (analysed and area.current_run_id is None):
        return None
    return area


def find_analysed_area(store: Store, slug: str) -> AnalysedArea:
    """The analysed area with this slug (raises AreaNotFound when unknown or never analysed)."""
    with store.session() as session:
        area = area_by_slug(session, slug)
        if area is None:
            raise AreaNotFound(f"no analysed city {slug!r} (see `whose-streets cities`)")
        last_review = session.scalar(select(func.max(ReviewRow.id)).where(ReviewRow.area_id == area.id)) or 0
        return AnalysedArea(area.id, area.slug, area.name, list(area.languages or []), area.current_run_id,
                            revision=f"{area.current_run_id}.{last_review}", osm_ref=f"{area.osm_type}/{area.osm_id}")


#: What an areas row keeps of an app.domain.Area (besides its slug and languages), refreshed at each sight.
AREA_FIELDS = ("name", "admin_level", "country_code", "wikidata", "parent")


def area_from_row(row: AreaRow) -> Area:
    """The plain Area of a stored row."""
    return Area(osm_type=row.osm_type, osm_id=row.osm_id, languages=list(row.languages or []),
                **{name: getattr(row, name) for name in AREA_FIELDS})


def find_or_create_area(store: Store, area: Area) -> AreaRow:
    """The store's row for an app.domain.Area, created on first sight and refreshed after."""
    with store.session() as session:
        row = session.scalar(select(AreaRow).where(AreaRow.osm_type == area.osm_type, AreaRow.osm_id == area.osm_id))
        if row is None:
            row = AreaRow(slug=area.slug, osm_type=area.osm_type, osm_id=area.osm_id, name=area.name)
            session.add(row)
        for name in AREA_FIELDS:
            setattr(row, name, getattr(area, name))
        row.languages = list(area.languages)
        session.flush()
        session.expunge(row)
        return row


def latest_reviews_of(session, area_id: int, keys: list[str] | None = None) -> dict[str, ReviewRow]:
    """The review that counts for each street key of an area (of ``keys`` only, when given): the latest one."""
    query = select(ReviewRow).where(ReviewRow.area_id == area_id)
    if keys is not None:
        query = query.where(ReviewRow.street_key.in_(keys))
    latest: dict[str, ReviewRow] = {}
    for row in session.scalars(query.order_by(ReviewRow.street_key, ReviewRow.created_at, ReviewRow.id)
                               .options(joinedload(ReviewRow.user))):
        latest[row.street_key] = row  # ordered by time: the last one wins
    return latest


def latest_reviews(store: Store, area_id: int) -> dict[str, ReviewRow]:
    """The review that counts for each street key of an area (detached, for an analysis)."""
    with store.session() as session:
        latest = latest_reviews_of(session, area_id)
        for row in latest.values():
            session.expunge(row)
        return latest


def namesake_values(namesake: Namesake) -> dict:
    """A namesake's columns (a shallow read: the values only go into JSON columns)."""
    return {k: getattr(namesake, k) for k in NAMESAKE_FIELDS}


NAMESAKE_FIELDS = (
    "labels", "descriptions", "kind", "instance_of", "gender", "gender_qids", "gender_labels",
    "birth_year", "death_year", "image", "occupations", "citizenships", "sitelinks", "articles", "canonized",
)


#: Per-language facts: each analysis fetches only its city's languages, so these are merged
#: (new values win per language) instead of replaced; the namesakes table is shared by all cities.
MERGED_FIELDS = ("labels", "descriptions", "articles")
#: SQLite accepts at most 32,766 bound variables in one statement: query ids in chunks.
IN_CHUNK = 500


def chunked(items: list, size: int = IN_CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def namesake_from_row(row: NamesakeRow) -> Namesake:
    return Namesake(qid=row.qid, **{name: getattr(row, name) for name in NAMESAKE_FIELDS})


def stored_namesakes(session, qids) -> dict[str, Namesake]:
    """What the store knows about these namesakes, as plain Namesake values."""
    wanted = list(dict.fromkeys(q for q in qids if q))
    found: dict[str, Namesake] = {}
    for chunk in chunked(wanted):
        for row in session.scalars(select(NamesakeRow).where(NamesakeRow.qid.in_(chunk))):
            found[row.qid] = namesake_from_row(row)
    return found


def insert_rows(session, model, rows: list[dict]) -> None:
    """Insert rows given by attribute name (``name_part`` is the column ``person_name``) in one
    executemany: the one row-writing path of runs, for cities and regions alike.

    Every row must set the same attributes. The rows go to the driver as tuples, each value through
    the bind processor SQLAlchemy itself gives its column (JSON, dates), the columns left out with
    their Python-side defaults: the rows a Core insert would write, without its per-row parameter
    handling (which cost about as much as the driver's own work), nor the ORM's bulk insert, which
    splits the executemany wherever a value is None.
    """
    if not rows:
        return
    connection = session.connection()
    plan = _insert_plan(model, tuple(rows[0]), connection.dialect)
    if plan is None:  # a default only SQLAlchemy computes, or an unusual driver: a Core insert
        columns = _column_names(model)
        session.execute(model.__table__.insert(), [{columns[k]: v for k, v in row.items()} for row in rows])
        return
    sql, attributes, defaults, processors = plan
    converted = [(index, processor) for index, processor in enumerate(processors) if processor is not None]
    parameters = []
    for row in rows:
        values = list(map(row.__getitem__, attributes))
        values += [default(None) for default in defaults]
        for index, processor in converted:  # only the columns that have one: JSON, dates...
            values[index] = processor(values[index])
        parameters.append(tuple(values))
    connection.exec_driver_sql(sql, parameters)


@functools.cache
def _insert_plan(model, attributes: tuple[str, ...], dialect):
    """For ``insert_rows``: (SQL, attributes, defaults of the columns left out, bind processors), or None."""
    if dialect.paramstyle not in ("qmark", "format", "pyformat"):
        return None
    table = model.__table__
    names = _column_names(model)
    given = [table.c[names[attribute]] for attribute in attributes]
    left_out, defaults = [], []
    for column in table.columns:
        if column.name in {c.name for c in given} or column.default is None:
            continue
        if column.default.is_callable:
            defaults.append(column.default.arg)  # SQLAlchemy wraps it to take the execution context
        elif column.default.is_scalar:
            defaults.append(lambda _context, value=column.default.arg: value)
        else:
            return None
        left_out.append(column)
    columns = given + left_out
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    processors = tuple(_bind_processor(c.type, dialect) for c in columns)
    return sql, attributes, tuple(defaults), processors


def _bind_processor(column_type, dialect):
    """For ``insert_rows``: the bind processor SQLAlchemy gives the column, except for a JSON column
    whose processor is SQLAlchemy's plain ``json.dumps`` (SQLite): there the same text comes from
    ``json_text``, which a run's 20,000 JSON values of a 10,000-way city reach without building
    an encoder each (about a third of their cost)."""
    impl = column_type.dialect_impl(dialect)
    processor = impl.bind_processor(dialect)
    plain_json = (isinstance(impl, JSON) and type(impl).bind_processor is JSON.bind_processor
                  and dialect._json_serializer is None and not dialect.supports_native_json_serialization
                  and not impl.none_as_null and impl._str_impl.bind_processor(dialect) is None)
    return json_text if plain_json and processor is not None else processor


def _json_encoder():
    """``json.dumps`` with its default settings, as one reusable encoder (``json.dumps`` builds a
    new one for every value); ``json.dumps`` itself where the C encoder is missing."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps
    default = json.JSONEncoder().default  # the TypeError json.dumps raises for what JSON cannot hold
    encoder = make(None, default, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encoder(value, 0))


#: The text ``json.dumps(value)`` gives (a value holding itself, which none of ours does, is not detected).
json_text = _json_encoder()


@functools.cache
def _column_names(model) -> dict[str, str]:
    return {attr.key: attr.columns[0].name for attr in sa_inspect(model).column_attrs}


def upsert_namesakes(session, namesakes: dict[str, Namesake], _retry: bool = True) -> None:
    """Store the namesakes' facts: new ones in one executemany, changed ones in one bulk update by
    qid, unchanged ones not at all (a region's towns share most of theirs).

    Several workers may store the same new namesake at once: an id another one inserted
    meanwhile is skipped by the insert, and then merged like any stored namesake."""
    columns = [NamesakeRow.qid, *(getattr(NamesakeRow, name) for name in NAMESAKE_FIELDS)]
    existing: dict[str, dict] = {}
    for chunk in chunked(list(namesakes)):
        for qid, *values in session.execute(select(*columns).where(NamesakeRow.qid.in_(chunk))):
            existing[qid] = dict(zip(NAMESAKE_FIELDS, values))
    now = utcnow()
    new, changed = [], []
    for qid, namesake in namesakes.items():
        values = namesake_values(namesake)
        old = existing.get(qid)
        if old is None:
            new.append({"qid": qid, **values, "updated_at": now})
            continue
        for key in MERGED_FIELDS:
            values[key] = {**(old[key] or {}), **(values[key] or {})}
        # JSON gives lists back: compare as stored, so facts that did not change write nothing.
        if _as_stored(values) != old:
            changed.append({"qid": qid, **values, "updated_at": now})
    if changed:
        session.execute(update(NamesakeRow), changed)
    if new:
        inserted = insert_new_namesakes(session, new)
        taken = {row["qid"] for row in new} - inserted
        if taken and _retry:
            upsert_namesakes(session, {qid: namesakes[qid] for qid in taken}, _retry=False)


def insert_new_namesakes(session, rows: list[dict]) -> set[str]:
    """Insert namesakes, skipping ids already stored (INSERT .. ON CONFLICT DO NOTHING: on PostgreSQL
    a concurrent insert of the same id waits for the other transaction, then skips); the ids inserted."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # no portable "skip the conflict": insert as is
        insert_rows(session, NamesakeRow, rows)
        return {row["qid"] for row in rows}
    table = NamesakeRow.__table__
    columns = _column_names(NamesakeRow)
    statement = insert(table).on_conflict_do_nothing(index_elements=[table.c.qid]).returning(table.c.qid)
    return set(session.scalars(statement, [{columns[k]: v for k, v in row.items()} for row in rows]))


def _as_stored(values: dict) -> dict:
    """Values as a JSON column gives them back (facts hold strings, numbers, lists and dicts of strings)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def street_tags(street: Street) -> dict:
    tags: dict = {}
    if street.names:
        tags["names"] = street.names
    if street.etymology_ids:
        tags["name:etymology:wikidata"] = ";".join(street.etymology_ids)
    if street.etymology_text:
        tags["name:etymology"] = street.etymology_text
    if street.wikidata:
        tags["wikidata"] = street.wikidata
    if street.tag_conflicts:
        tags["conflicts"] = street.tag_conflicts
    if street.border_shares:
        tags["border"] = street.border_shares
    return tags


def namesake_facts(namesakes, language: str | None) -> list[dict]:
    """What a snapshot keeps of each namesake (Namesake values or NamesakeRow rows alike)."""
    facts = []
    for n in namesakes:
        label = pick_text(n.labels, [language] if language else []) or n.qid
        facts.append({"qid": n.qid, "label": label, "gender": n.gender,
                      "article": bool(language and (n.articles or {}).get(language))})
    return facts


def is_tagged(tags: dict | None) -> bool:
    """Whether OSM carries name:etymology:wikidata on the street (as street_tags stores it)."""
    return bool((tags or {}).get("name:etymology:wikidata"))


def snapshot_values(run_id: int, street: dict, qids: list[str], namesakes: dict, language: str | None) -> dict:
    """What comparing runs needs of one street being saved (a street_snapshots row; app.changes reads it)."""
    return {"run_id": run_id, "key": street["key"], "name": street["name"], "category": street["category"],
            "source": street["source"], "tagged": is_tagged(street["tags"]),
            "namesakes": namesake_facts([namesakes[q] for q in qids], language)}


def decision_values(decision: Decision, conflict: str | None) -> dict:
    """The columns of a streets row that a decision sets: at an analysis and when a review is saved."""
    return {
        "category": decision.category,
        "mix": decision.mix,
        "source": decision.source,
        "confidence": decision.confidence,
        # A review settles the street: lower sources that disagree no longer ask for one.
        "needs_review": decision.needs_review and decision.source != SOURCE_REVIEW,
        # "reviewed" means a review decides the street (README), not merely that one exists.
        "reviewed": decision.source == SOURCE_REVIEW,
        "review_conflict": conflict,
        "evidence": evidence_to_json(decision.evidence),
        "religious": decision.religious,
    }


def link_values(decision: Decision, namesakes) -> list[dict]:
    """A street's namesake links for a decision (the namesakes the store knows), in order."""
    return [{"qid": qid, "position": i, "source": decision.source or "", "confidence": decision.confidence}
            for i, qid in enumerate(q for q in dict.fromkeys(decision.qids) if q in namesakes)]


def street_values(run_id: int, area_id: int, street: Street, decision: Decision, reading, conflict,
                  basis: dict | None = None) -> dict:
    """One streets row of a run being saved, as the column values Core inserts."""
    return {
        "run_id": run_id,
        "area_id": area_id,
        "key": street.key,
        "name": street.name,
        "kind": street.kind,
        "osm_ids": street.osm_ids,
        "length_m": round(street.length_m, 1),
        "geometry": street.lines,  # (lon, lat) tuples: JSON writes them as arrays, no copy needed
        "tags": street_tags(street),
        "name_part": getattr(reading, "name_part", None),
        "basis": basis,
        **decision_values(decision, conflict),
    }


def save_run(
    store: Store,
    area_id: int,
    *,
    streets: list[Street],
    readings: dict,
    decisions: dict[str, Decision],
    namesakes: dict[str, Namesake],
    conflicts: dict[str, str],
    source: str,
    figures: Callable[[list[CountedStreet]], dict],
    job_id: int | None = None,
    stored_qids: Collection[str] = (),
    bases: dict[str, dict] | None = None,
) -> int:
    """Store a finished analysis as the area's current run; earlier runs keep their summary and snapshot.

    Streets, their namesake links and their snapshots go in as one executemany per table (Core
    inserts: a city of 10,000 streets builds no ORM objects for them). ``stored_qids``: namesakes
    the store already holds with these very facts (a region stores its namesakes once, before its
    towns), not written again. ``figures`` (the domain's ``app.stats.headline``) counts the streets
    stored, in the same transaction, so a current run never lacks its figures. ``bases``: what each
    street's decision rests on, as the domain wrote it (``app.classify.basis_to_json``), kept so that
    a review is applied as the next analysis will apply it.
    """
    with store.session() as session:
        run = RunRow(area_id=area_id, source=source, job_id=job_id)
        session.add(run)
        upsert_namesakes(session, {q: n for q, n in namesakes.items() if q not in stored_qids})
        area = session.get(AreaRow, area_id)
        session.flush()
        language = (area.languages or [None])[0]
        values, links_of = [], []
        for street in streets:
            decision = decisions[street.key]
            values.append(street_values(run.id, area_id, street, decision, readings.get(street.key),
                                        conflicts.get(street.key), (bases or {}).get(street.key)))
            links_of.append(link_values(decision, namesakes))
        # One executemany per table (``insert_rows``); the new rows' ids are then read back by key
        # in one query.
        if values:
            insert_rows(session, StreetRow, values)
            insert_rows(session, StreetSnapshotRow, [
                snapshot_values(run.id, street, [link["qid"] for link in street_links], namesakes, language)
                for street, street_links in zip(values, links_of)
            ])
        id_of = dict(session.execute(select(StreetRow.key, StreetRow.id).where(StreetRow.run_id == run.id)).all())
        links = [{"street_id": id_of[street["key"]], **link}
                 for street, street_links in zip(values, links_of) for link in street_links]
        if links:
            insert_rows(session, StreetNamesakeRow, links)

        session.flush()
        stats = figures(counted_values(values, links_of, namesakes))
        run.stats = stats
        run.finished_at = utcnow()
        previous = area.current_run_id
        area.current_run_id = run.id
        area.stats = stats
        if previous is not None:
            # Only the current run's streets are kept: reviews live by street key, runs keep their stats.
            session.execute(delete(StreetRow).where(StreetRow.run_id == previous))
        return run.id


def counted_values(values: list[dict], links_of: list[list[dict]], namesakes: dict[str, Namesake]) -> list[CountedStreet]:
    """What ``counted_streets`` reads back of a run being saved, from the very values ``save_run`` writes
    (streets rows in their order, their namesake links, the namesakes' facts as stored): a run's own
    figures without a query."""
    gender_of = {qid: namesake.gender for qid, namesake in namesakes.items() if namesake.kind in PERSON_KINDS}
    return [CountedStreet.from_columns(street, [link["qid"] for link in links], gender_of)
            for street, links in zip(values, links_of)]


def counted_streets(session, run_ids: list[int]) -> list[CountedStreet]:
    """What the figures need of the runs' streets (no geometry, no evidence), each street once."""
    streets: dict[int, Mapping] = {}
    qids_of: dict[int, list[str]] = {}
    for chunk in chunked(sorted(set(run_ids))):
        for row in session.execute(
            select(StreetRow.id, StreetRow.category, StreetRow.mix, StreetRow.length_m, StreetRow.religious,
                   StreetRow.name_part).where(StreetRow.run_id.in_(chunk))
        ):
            streets[row.id] = row._mapping
        for street_id, qid in session.execute(
            select(StreetNamesakeRow.street_id, StreetNamesakeRow.qid)
            .join(StreetRow, StreetRow.id == StreetNamesakeRow.street_id)
            .where(StreetRow.run_id.in_(chunk))
            .order_by(StreetNamesakeRow.street_id, StreetNamesakeRow.position)
        ):
            qids_of.setdefault(street_id, []).append(qid)
    gender_of: dict[str, str | None] = {}
    for chunk in chunked(sorted({q for qids in qids_of.values() for q in qids})):
        for qid, gender, kind in session.execute(
            select(NamesakeRow.qid, NamesakeRow.gender, NamesakeRow.kind).where(NamesakeRow.qid.in_(chunk))
        ):
            if kind in PERSON_KINDS:
                gender_of[qid] = gender
    return [CountedStreet.from_columns(columns, qids_of.get(street_id, ()), gender_of)
            for street_id, columns in streets.items()]


def set_figures(session, area_id: int, stats: dict) -> None:
    """Keep an area's recounted figures on its current run and on the area."""
    area = session.get(AreaRow, area_id)
    session.get(RunRow, area.current_run_id).stats = stats
    area.stats = stats


def person_street_namesakes(store: Store, run_id: int) -> list[Namesake]:
    """The distinct namesakes linked to a run's person-named streets."""
    with store.session() as session:
        rows = session.scalars(
            select(NamesakeRow)
            .where(NamesakeRow.qid.in_(
                select(StreetNamesakeRow.qid)
                .join(StreetRow, StreetRow.id == StreetNamesakeRow.street_id)
                .where(StreetRow.run_id == run_id, StreetRow.category.in_(PERSON_CATEGORIES))
            ))
        )
        return [namesake_from_row(row) for row in rows]


def _key_order(key: str) -> tuple:
    """Street keys in way-id order ("w9" before "w10")."""
    number = key[1:]
    return (0, int(number), key) if number.isdigit() else (1, 0, key)


def follow_renamed_streets(store: Store, area_id: int, streets: list[Street]) -> dict[str, str]:
    """Move reviews to a street's new key when OSM edits changed it; returns {old key: new key}.

    A street's key comes from its lowest way id, so splitting or deleting that way gives the
    street a new key in the next analysis. The previous run still knows which ways the old
    key covered: the new street holding most of them inherits its reviews.
    """
    new_keys = {street.key for street in streets}
    owner_of_way = {osm_id: street.key for street in streets for osm_id in street.osm_ids}
    moved: dict[str, str] = {}
    with store.session() as session:
        area = session.get(AreaRow, area_id)
        reviewed = set(session.scalars(select(ReviewRow.street_key).where(ReviewRow.area_id == area_id)))
        lost = reviewed - new_keys
        if not lost or area is None or area.current_run_id is None:
            return moved
        for key, osm_ids in session.execute(
            select(StreetRow.key, StreetRow.osm_ids).where(StreetRow.run_id == area.current_run_id,
                                                           StreetRow.key.in_(sorted(lost)))
        ):
            owners = [owner_of_way[osm_id] for osm_id in osm_ids or [] if osm_id in owner_of_way]
            if owners:
                # The street holding most of the old ways; on a tie the lowest key, never hash order.
                moved[key] = min(set(owners), key=lambda owner: (-owners.count(owner), _key_order(owner)))
        for old, new in moved.items():
            session.execute(
                update(ReviewRow).where(ReviewRow.area_id == area_id, ReviewRow.street_key == old)
                .values(street_key=new)
            )
    return moved


def review_history(store: Store, area_id: int, street_key: str) -> list[ReviewRow]:
    """Every review of a street, newest first, with its author loaded."""
    with store.session() as session:
        rows = list(session.scalars(
            select(ReviewRow)
            .where(ReviewRow.area_id == area_id, ReviewRow.street_key == street_key)
            .order_by(ReviewRow.created_at.desc(), ReviewRow.id.desc())
            .options(joinedload(ReviewRow.user))
        ))
        for row in rows:
            session.expunge(row)
        return rows


def load_street(store: Store, area_id: int, run_id: int, street_key: str) -> StreetRow | None:
    """A street of a run with its namesakes loaded (detached, for reading)."""
    with store.session() as session:
        row = session.scalar(
            select(StreetRow)
            .where(StreetRow.run_id == run_id, StreetRow.area_id == area_id, StreetRow.key == street_key)
            .options(selectinload(StreetRow.links).joinedload(StreetNamesakeRow.namesake))
        )
        if row is not None:
            session.expunge_all()
        return row


def find_user(store: Store, name: str) -> UserRow | None:
    with store.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.name == name))
        if row is not None:
            session.expunge(row)
        return row
