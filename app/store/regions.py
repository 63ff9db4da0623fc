"""Writing region runs into the store: the region, its municipalities and where a run got to.

A region run stores one ordinary run per municipality (app/store/records.py ``save_run``), so
each municipality is a city with its own pages; these functions only keep the region's own
rows: which municipalities belong to it, which of them this run has finished (so an
interrupted run resumes with the next one) and the region's headline.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, func, or_, select, update

from app.domain import Area, CountedStreet, slugify
from app.store import Store
from app.store.models import AreaRow, RegionMemberRow, RegionRow, utcnow
from app.store.records import counted_streets, find_or_create_area, upsert_namesakes

#: A region run in one of these states was cut short: the next run resumes it.
UNFINISHED = ("running", "interrupted", "failed")


def region_slug(name: str, osm_id: int | None, admin_level: int) -> str:
    slug = slugify(name) + (f"-{osm_id}" if osm_id is not None else "")
    return slug if admin_level == 8 else f"{slug}-level-{admin_level}"


def start_region_run(store: Store, region: Area | None, name: str, *, admin_level: int, source: str,
                     municipalities: list[tuple[Area, dict | None]], notes: dict | None = None,
                     lease_seconds: float = 60.0, extract: Path | None = None) -> tuple[int, dict[int, RegionMemberRow]]:
    """The region's row and its members, ready for a run: (region id, members by municipality relation id).

    A region whose last run did not finish keeps its members' progress (the run resumes);
    otherwise every member starts again as pending. A member a live worker is storing (its
    lease renewed within ``lease_seconds``) stays with that worker, whatever the run:
    only an expired lease is taken over. ``municipalities``: (area, outline) pairs; ``extract``: the
    .osm.pbf read (kept for ``region_extract``).
    """
    osm_id = region.osm_id if region is not None else None
    slug = region_slug(region.name if region is not None else name, osm_id, admin_level)
    areas = {area.osm_id: find_or_create_area(store, area) for area, _ in municipalities}
    with store.session() as session:
        row = session.scalar(select(RegionRow).where(RegionRow.slug == slug))
        if row is None:
            row = RegionRow(slug=slug, name=name, admin_level=admin_level, notes={})
            session.add(row)
        resuming = row.status in UNFINISHED and row.id is not None
        row.name = region.name if region is not None else name
        row.osm_type = region.osm_type if region is not None else None
        row.osm_id = osm_id
        row.wikidata = region.wikidata if region is not None else None
        row.country_code = (region.country_code if region is not None else None) or next(
            (a.country_code for a, _ in municipalities if a.country_code), None)
        row.admin_level, row.source = admin_level, source
        row.extract = str(Path(extract).resolve()) if extract is not None else None
        row.status, row.error, row.started_at, row.finished_at = "running", None, utcnow(), None
        row.notes = notes or {}
        session.flush()
        # Locked (PostgreSQL) while they are reset: a worker's claim waits, then sees the reset.
        existing = {m.area_id: m for m in session.scalars(select(RegionMemberRow).where(
            RegionMemberRow.region_id == row.id).with_for_update())}
        cutoff = lease_cutoff(lease_seconds)
        wanted = {areas[area.osm_id].id for area, _ in municipalities}
        for area_id, member in existing.items():
            if area_id not in wanted:
                session.delete(member)  # no longer a municipality of the region
        members: dict[int, RegionMemberRow] = {}
        for area, outline in municipalities:
            area_row = areas[area.osm_id]
            member = existing.get(area_row.id)
            if member is None:
                member = RegionMemberRow(region_id=row.id, area_id=area_row.id, status="pending", figures={})
                session.add(member)
            elif member.status == "running" and member.heartbeat_at is not None and member.heartbeat_at >= cutoff:
                pass  # a live worker is storing it: queued again, it could be stored twice
            elif not resuming or not _still_current(session, member):
                member.status, member.payload, member.worker, member.attempts = "pending", None, None, 0
            member.outline = outline
            members[area.osm_id] = member
        row.total = len(members)
        row.done = sum(1 for m in members.values() if m.status in ("done", "empty"))
        session.flush()
        region_id = row.id
        session.expunge_all()
        return region_id, members


def region_extract(store: Store, slug: str) -> Path | None:
    """The .osm.pbf the region's last run read, if it is still there (publishing reads its background)."""
    with store.session() as session:
        path = session.scalar(select(RegionRow.extract).where(RegionRow.slug == slug))
    return Path(path) if path and Path(path).is_file() else None


def _still_current(session, member: RegionMemberRow) -> bool:
    """A member done in an unfinished run counts as done while its run is still the city's current one."""
    if member.status == "empty":
        return True
    area = session.get(AreaRow, member.area_id)
    return member.status == "done" and member.run_id is not None and area.current_run_id == member.run_id


def store_namesakes(store: Store, namesakes: dict) -> frozenset[str]:
    """Store the facts of every namesake of a region at once; returns their ids (for ``save_run``)."""
    with store.session() as session:
        upsert_namesakes(session, namesakes)
    return frozenset(namesakes)


class MemberLeaseLost(Exception):
    """Another worker took this municipality over (this one stopped renewing its lease for too long)."""


def lease_cutoff(lease_seconds: float) -> datetime:
    """Heartbeats older than this belong to dead workers."""
    return utcnow() - timedelta(seconds=lease_seconds)


def prepare_member(store: Store, member_id: int, payload: bytes) -> bool:
    """Keep a municipality's prepared inputs for the worker that will store it; False (nothing to queue)
    when a worker took it meanwhile."""
    with store.session() as session:
        return session.execute(update(RegionMemberRow).where(
            RegionMemberRow.id == member_id, RegionMemberRow.status == "pending").values(payload=payload)).rowcount == 1


def claim_member(store: Store, member_id: int, worker_id: str) -> tuple[int, int, bytes] | None:
    """Take a queued municipality under ``worker_id``'s lease: (region id, area id, payload), or None when
    it is not waiting any more (stored already, or taken by another worker: the update is atomic)."""
    with store.session() as session:
        claimed = session.execute(
            update(RegionMemberRow)
            .where(RegionMemberRow.id == member_id, RegionMemberRow.status == "pending",
                   RegionMemberRow.payload.is_not(None))
            .values(status="running", worker=worker_id, heartbeat_at=utcnow(),
                    attempts=RegionMemberRow.attempts + 1)
        ).rowcount
        if claimed != 1:
            return None
        member = session.get(RegionMemberRow, member_id)
        return member.region_id, member.area_id, member.payload


def check_member_lease(store: Store, member_id: int, worker_id: str) -> None:
    """Raise MemberLeaseLost unless ``worker_id`` still holds the member (checked before it stores the town)."""
    with store.session() as session:
        held = session.scalar(select(func.count(RegionMemberRow.id)).where(
            RegionMemberRow.id == member_id, RegionMemberRow.status == "running",
            RegionMemberRow.worker == worker_id))
    if held != 1:
        raise MemberLeaseLost(f"region member {member_id} was taken over by another worker")


def renew_member_leases(session, worker_id: str) -> None:
    """The heartbeat of every member ``worker_id`` is storing (app.jobs.Leases beats it with its jobs)."""
    session.execute(update(RegionMemberRow).where(RegionMemberRow.worker == worker_id,
                                                  RegionMemberRow.status == "running")
                    .values(heartbeat_at=utcnow()))


def take_over_expired_members(store: Store, lease_seconds: float, max_attempts: int) -> list[int]:
    """Members whose worker stopped renewing its lease: made pending again (their inputs are still kept),
    or failed once ``max_attempts`` workers took them (the region says which and why); the ids to queue
    again. Of several workers sweeping at once, one wins each."""
    expired = or_(RegionMemberRow.heartbeat_at.is_(None), RegionMemberRow.heartbeat_at < lease_cutoff(lease_seconds))
    stale = and_(RegionMemberRow.status == "running", RegionMemberRow.payload.is_not(None), expired)
    with store.session() as session:
        tried_out = session.execute(
            update(RegionMemberRow).where(stale, RegionMemberRow.attempts >= max_attempts)
            .values(status="failed", payload=None, worker=None)
            .returning(RegionMemberRow.region_id, RegionMemberRow.area_id, RegionMemberRow.attempts)).all()
        for region_id, area_id, attempts in tried_out:
            name = session.scalar(select(AreaRow.name).where(AreaRow.id == area_id))
            _region_failed(session, region_id,
                           f"{name}: its worker stopped {attempts} times before it was stored; not tried again")
        return list(session.scalars(
            update(RegionMemberRow).where(stale, RegionMemberRow.attempts < max_attempts)
            .values(status="pending", worker=None)
            .returning(RegionMemberRow.id)))


def release_members(store: Store, worker_id: str) -> list[int]:
    """The members ``worker_id`` is storing, made pending again at once (a worker that is stopping)."""
    with store.session() as session:
        return list(session.scalars(
            update(RegionMemberRow)
            .where(RegionMemberRow.worker == worker_id, RegionMemberRow.status == "running",
                   RegionMemberRow.payload.is_not(None))
            .values(status="pending", worker=None)
            .returning(RegionMemberRow.id)))


def fail_member(store: Store, member_id: int, reason: str, worker_id: str | None = None) -> None:
    """A queued municipality failed: the region says so; running the region again retries it.
    With ``worker_id``: only while that worker holds the member's lease."""
    with store.session() as session:
        member = session.get(RegionMemberRow, member_id)
        if worker_id is not None and (member.worker != worker_id or member.status != "running"):
            return
        member.status, member.payload, member.worker = "failed", None, None
        _region_failed(session, member.region_id, f"{member.area.name}: {reason}")


def _region_failed(session, region_id: int, error: str) -> None:
    """A municipality that failed fails its region run, saying which and why (running it again retries)."""
    region = session.get(RegionRow, region_id)
    region.status, region.error = "failed", error[:2000]


def queued_members(store: Store) -> list[int]:
    """Municipalities queued for workers that no worker has taken, to queue again when workers start.

    One another worker is storing stays with it (several worker processes may start at different
    times); one whose worker died mid-way is taken over when its lease expired (take_over_expired_members)."""
    with store.session() as session:
        return list(session.scalars(
            select(RegionMemberRow.id).join(RegionRow, RegionRow.id == RegionMemberRow.region_id)
            .where(RegionRow.status == "running", RegionMemberRow.status == "pending",
                   RegionMemberRow.payload.is_not(None))
        ))


def finish_member(store: Store, member_id: int, *, run_id: int | None, figures: dict) -> None:
    """Record one municipality as finished (``run_id`` None: it has no named streets)."""
    with store.session() as session:
        member = session.get(RegionMemberRow, member_id)
        member.status = "done" if run_id is not None else "empty"
        member.run_id, member.figures, member.payload, member.worker = run_id, figures, None, None
        region = session.get(RegionRow, member.region_id)
        region.done = min(region.total, (region.done or 0) + 1)


def finish_region_if_complete(store: Store, region_id: int, figures: Callable[[list[CountedStreet]], dict]) -> bool:
    """Once no municipality is left to store, compute the region's headline and mark it done."""
    with store.session() as session:
        left = session.scalar(select(func.count(RegionMemberRow.id)).where(
            RegionMemberRow.region_id == region_id, RegionMemberRow.status.not_in(("done", "empty"))))
        if left:
            return False
    stats = region_headline(store, region_id, figures)
    with store.session() as session:
        region = session.get(RegionRow, region_id)
        region.status, region.finished_at, region.stage = "done", utcnow(), "done"
        region.stats, region.done, region.error = stats, region.total, None
    return True


def region_headline(store: Store, region_id: int, figures: Callable[[list[CountedStreet]], dict]) -> dict:
    """The region's figures (``figures``: the domain's ``app.stats.headline``) over the current runs of its
    municipalities: every street once, and every person once however many towns honour them."""
    with store.session() as session:
        run_ids = list(session.scalars(select(AreaRow.current_run_id).join(
            RegionMemberRow, RegionMemberRow.area_id == AreaRow.id).where(
            RegionMemberRow.region_id == region_id, RegionMemberRow.status == "done")))
        return figures(counted_streets(session, [r for r in run_ids if r is not None]))


def set_region_stage(store: Store, region_id: int, stage: str) -> None:
    with store.session() as session:
        session.get(RegionRow, region_id).stage = stage[:80]


def stop_region(store: Store, region_id: int, status: str, error: str | None = None) -> None:
    """Mark a region run interrupted or failed: the next run resumes it."""
    with store.session() as session:
        region = session.get(RegionRow, region_id)
        if region is not None:
            region.status, region.error, region.finished_at = status, (error or "")[:2000] or None, utcnow()
