"""The database schema. Every change here needs an Alembic migration in app/store/migrations."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class AreaRow(Base):
    """A city (or region) that has been asked for, identified by its OSM boundary relation."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    osm_type: Mapped[str] = mapped_column(String(10), default="relation")
    osm_id: Mapped[int] = mapped_column(Integer)
    admin_level: Mapped[int | None] = mapped_column(Integer)
    country_code: Mapped[str | None] = mapped_column(String(2))
    wikidata: Mapped[str | None] = mapped_column(String(20))
    parent: Mapped[str | None] = mapped_column(String(300))
    languages: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: The last run that finished; pages show this one.
    current_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", use_alter=True, name="fk_area_current_run"))
    #: Headline figures of the current run, copied here so the city list needs no joins.
    stats: Mapped[dict | None] = mapped_column(JSON)
    #: Edit-a-thon mode: the run that was current when volunteers marked the start of an event,
    #: and when; the Changes page and presenter mode then count "since the start of the event".
    event_run_id: Mapped[int | None] = mapped_column(Integer)
    event_started_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("osm_type", "osm_id", name="uq_area_osm"),)

    current_run: Mapped[RunRow | None] = relationship(foreign_keys=[current_run_id], post_update=True)


class RunRow(Base):
    """One analysis of an area: what it fetched and when."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(20), default="overpass")  # overpass | pbf
    stats: Mapped[dict | None] = mapped_column(JSON)
    #: The job that stored this run (no foreign key: jobs point at runs already), so that a job whose
    #: worker died after storing it is not analysed a second time.
    job_id: Mapped[int | None] = mapped_column(Integer, index=True)


class StreetRow(Base):
    """One street of one run, with its final classification.

    ``key`` is stable across runs (it is derived from OSM ids), so reviews,
    which are stored by (area, key), survive a re-analysis.
    """

    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="street")
    osm_ids: Mapped[list] = mapped_column(JSON, default=list)
    length_m: Mapped[float] = mapped_column(Float, default=0.0)
    #: GeoJSON MultiLineString coordinates, full precision.
    geometry: Mapped[list] = mapped_column(JSON, default=list)
    #: OSM tags that matter here: name:<lang>, etymology tags, the street's own wikidata, conflicts.
    tags: Mapped[dict] = mapped_column(JSON, default=dict)
    # The name part read from the street name (column named before the glossary settled on "name part").
    name_part: Mapped[str | None] = mapped_column("person_name", Text)
    category: Mapped[str] = mapped_column(String(20), default="unknown")
    mix: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[str | None] = mapped_column(String(20))
    confidence: Mapped[str] = mapped_column(String(10), default="low")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Set when a review and fresh OSM/Wikidata evidence now disagree.
    review_conflict: Mapped[str | None] = mapped_column(Text)
    #: Every piece of evidence (list of dicts), so a page can say why.
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    #: The namesake is a saint or a title of the Virgin (see Decision.religious).
    religious: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: What the decision rests on besides a review: the name's reading and the evidence, written and
    #: read by app.classify.basis_to_json / basis_from_json (None for runs stored before it was kept).
    basis: Mapped[dict | None] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("run_id", "key", name="uq_street_run_key"),
        Index("ix_streets_run_category", "run_id", "category"),
        Index("ix_streets_run_source", "run_id", "source"),
        Index("ix_streets_area_key", "area_id", "key"),
    )

    links: Mapped[list[StreetNamesakeRow]] = relationship(
        back_populates="street", cascade="all, delete-orphan", order_by="StreetNamesakeRow.position"
    )


class StreetSnapshotRow(Base):
    """What one run said about one street, kept for every run so two runs can be compared.

    Street rows are kept for the current run only (they carry geometry); these small rows stay.
    ``namesakes`` holds, per namesake, its qid, label in the city's language, gender group and
    whether it had an article in that language (the shared namesakes table changes with every run).
    """

    __tablename__ = "street_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(20))
    #: Whether OSM carried name:etymology:wikidata on the street.
    tagged: Mapped[bool] = mapped_column(Boolean, default=False)
    namesakes: Mapped[list] = mapped_column(JSON, default=list)

    __table_args__ = (UniqueConstraint("run_id", "key", name="uq_snapshot_run_key"),)


class NamesakeRow(Base):
    """What Wikidata says about a person (or thing) a street may be named after. Shared by all cities."""

    __tablename__ = "namesakes"

    qid: Mapped[str] = mapped_column(String(20), primary_key=True)
    labels: Mapped[dict] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict] = mapped_column(JSON, default=dict)
    kind: Mapped[str] = mapped_column(String(20), default="human")
    instance_of: Mapped[list] = mapped_column(JSON, default=list)
    gender: Mapped[str | None] = mapped_column(String(20))  # grouped
    gender_qids: Mapped[list] = mapped_column(JSON, default=list)  # raw P21
    gender_labels: Mapped[list] = mapped_column(JSON, default=list)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    death_year: Mapped[int | None] = mapped_column(Integer)
    image: Mapped[str | None] = mapped_column(Text)
    occupations: Mapped[list] = mapped_column(JSON, default=list)
    citizenships: Mapped[list] = mapped_column(JSON, default=list)
    sitelinks: Mapped[int] = mapped_column(Integer, default=0)
    articles: Mapped[dict] = mapped_column(JSON, default=dict)  # lang -> URL
    canonized: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # P411: a saint
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class StreetNamesakeRow(Base):
    """The link between a street and one of its namesakes, with the evidence for it."""

    __tablename__ = "street_namesakes"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"), index=True)
    qid: Mapped[str] = mapped_column(ForeignKey("namesakes.qid"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[str] = mapped_column(String(10))

    street: Mapped[StreetRow] = relationship(back_populates="links")
    namesake: Mapped[NamesakeRow] = relationship()


class UserRow(Base):
    """A volunteer who may review. Created with `whose-streets create-user`."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReviewRow(Base):
    """A volunteer's decision on a street. Kept forever; the latest one for a street wins.

    Attached to (area, street key), not to a run's street row, so re-analyses never lose it.
    """

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    street_key: Mapped[str] = mapped_column(String(40))
    street_name: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: Either namesake ids (the category then follows from their facts) or a bare category.
    qids: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_reviews_area_key", "area_id", "street_key", "created_at"),)

    user: Mapped[UserRow] = relationship()


class JobRow(Base):
    """A background analysis: its stage, progress and outcome."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    query: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued running done failed
    stage: Mapped[str] = mapped_column(String(80), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    #: The lease: which worker runs the job (host:pid:random) and when it last said it still does.
    worker: Mapped[str | None] = mapped_column(String(100))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)

    #: How many analyses this job stored: one when it is done, however many workers died on the way.
    run_count: Mapped[int] = column_property(
        select(func.count(RunRow.id)).where(RunRow.job_id == id).correlate_except(RunRow).scalar_subquery(),
        deferred=False,
    )

    __table_args__ = (
        Index("ix_jobs_status", "status"),
        # At most one active analysis per area, enforced by the database itself so that two
        # requests racing to start the same city still end up with one job.
        Index(
            "uq_jobs_one_active_per_area",
            "area_id",
            unique=True,
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )

    area: Mapped[AreaRow] = relationship()


class MapDataRow(Base):
    """The map data of an area's current revision, gzip-compressed JSON built by app.mapdata.

    One row per area, replaced after each analysis and each review, so no visitor waits for it.
    """

    __tablename__ = "map_data"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    #: app.store.records.AnalysedArea.revision the data was built from ("<run id>.<newest review id>").
    revision: Mapped[str] = mapped_column(String(40))
    #: app.mapdata.FORMAT_VERSION the data was built with.
    format: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    bounds: Mapped[list | None] = mapped_column(JSON)
    built_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RemoteAnswerRow(Base):
    """A cached answer of Overpass or SPARQL, with the request that produced it.

    Bounded by app.store.StoreCache: the oldest answers go first when there are too many or they
    weigh too much (``size``, the body's length, is indexed with the age so the bound is cheap to check).
    """

    __tablename__ = "remote_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    service: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    request: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint("service", "key", name="uq_remote_answer"),
        Index("ix_remote_answers_age", "fetched_at", "size"),
    )


class RegionRow(Base):
    """A region: every municipality of one administrative level inside a boundary (or a whole
    extract), analysed in one pass. Each municipality is an AreaRow with runs of its own."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    #: The boundary the municipalities lie in (None: everything the extract holds).
    osm_type: Mapped[str | None] = mapped_column(String(10))
    osm_id: Mapped[int | None] = mapped_column(Integer)
    #: The admin_level of its municipalities.
    admin_level: Mapped[int] = mapped_column(Integer, default=8)
    country_code: Mapped[str | None] = mapped_column(String(2))
    wikidata: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="pbf")  # pbf | overpass
    #: The .osm.pbf the last run read (an absolute path on this machine; None from Overpass): publishing
    #: reads the region's background from it while it is still there. Never shown.
    extract: Mapped[str | None] = mapped_column(Text)
    #: running | interrupted | failed | done: a run that is not done resumes where it stopped.
    status: Mapped[str] = mapped_column(String(12), default="running")
    stage: Mapped[str] = mapped_column(String(80), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The region's own headline figures (over all its streets, each person counted once).
    stats: Mapped[dict | None] = mapped_column(JSON)
    #: What the run could not use: boundaries cut by the extract, streets in no municipality.
    notes: Mapped[dict] = mapped_column(JSON, default=dict)

    members: Mapped[list[RegionMemberRow]] = relationship(
        back_populates="region", cascade="all, delete-orphan", order_by="RegionMemberRow.id")


class RegionMemberRow(Base):
    """One municipality of a region, with where the region run got to for it."""

    __tablename__ = "region_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    #: pending | running (a worker has it) | done | empty (no named streets) | failed:
    #: a resumed run skips the done and empty ones.
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: The run the region run stored for it.
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    #: Simplified boundary (GeoJSON geometry) for the region's choropleth.
    outline: Mapped[dict | None] = mapped_column(JSON)
    #: Figures the region table shows beyond the city's headline (women without an article).
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    #: A queued municipality's prepared inputs (app.analysis.MemberWork, pickled by the region run),
    #: waiting for a background worker; cleared once stored.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The lease of a running member, as a job's (app/jobs.py): the worker storing it and when it last
    #: said it still does. Only a member whose heartbeat is older than the lease is taken over.
    worker: Mapped[str | None] = mapped_column(String(100))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: How many workers took it since it was queued: a municipality whose workers keep dying (one that
    #: exhausts memory, say) fails after app.jobs.MAX_ATTEMPTS instead of taking worker after worker down.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (UniqueConstraint("region_id", "area_id", name="uq_region_member"),)

    region: Mapped[RegionRow] = relationship(back_populates="members")
    area: Mapped[AreaRow] = relationship()
