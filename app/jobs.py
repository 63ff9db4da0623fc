"""Background analyses: a queue (huey), the job records in the store, and recovery after restarts.

The embedded default runs a huey consumer with worker threads inside the web
process, its queue in an SQLite file in the instance folder. The same task can
run on other machines by pointing QUEUE_URL at Redis, setting JOB_MODE=external
on the web process and starting `whose-streets worker` there.

The job row in the store is the truth about a job (stage, progress, outcome);
the queue only carries job ids. Several processes may run jobs at once (web
processes with embedded workers, `whose-streets worker`s, a CLI analysis), so a
running job holds a lease: the id of the worker running it and a heartbeat that
worker renews (Leases). Only a job whose heartbeat is older than the lease
(JOB_LEASE_SECONDS) is taken over, queued again or marked failed once it has been
tried too often: never left "running", never run by two workers. Its run stores
the job's id, and finishing is fenced by the lease, so an analysis is stored once
even when its worker dies between storing it and marking the job done.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.analysis import analyze, analyze_member, make_clients
from app.config import Settings
from app.domain import Progress
from app.failures import public_reason
from app.store import Store
from app.store.models import JobRow, RunRow, utcnow
from app.store.regions import queued_members, release_members, renew_member_leases, take_over_expired_members

if TYPE_CHECKING:
    from huey.consumer import Consumer

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")
#: A job interrupted this many times is not tried again: something in it kills the worker.
MAX_ATTEMPTS = 3

#: Runs one analysis for a job; returns the id of the stored run (None if it stored none).
Executor = Callable[[JobRow, Progress], int | None]


class QueueFull(Exception):
    """Too many analyses are waiting: the service refuses more rather than queue without end."""


class LeaseLost(Exception):
    """Another worker took this job over (this one stopped renewing its lease for too long)."""


class Leases:
    """This process's leases on the jobs it runs: a worker id, and a thread renewing their heartbeats.

    The same thread, in processes that run queued jobs, takes over jobs whose lease expired
    (``sweep``): their worker died, or a CLI analysis was killed.
    """

    def __init__(self, store: Store, seconds: float):
        self.store = store
        self.seconds = seconds
        self.worker_id = f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        with self.store.session() as session:
            session.execute(update(JobRow).where(JobRow.worker == self.worker_id, JobRow.status == "running")
                            .values(heartbeat_at=utcnow()))
            renew_member_leases(session, self.worker_id)  # the municipalities of region runs it stores

    def start(self, sweep: Callable[[], object] | None = None) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._keep, args=(sweep,), name="job-leases", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _keep(self, sweep) -> None:
        # Renew four times per lease, so a missed beat or two (a locked database) loses nothing.
        interval = self.seconds / 4
        beats = 0
        while not self._stop.wait(interval):
            try:
                self.beat()
                beats += 1
                if sweep is not None and beats % 2 == 0:
                    sweep()
            except Exception:  # noqa: BLE001 - try again at the next beat; the log says why
                log.exception("could not renew job leases")


class JobProgress:
    """Writes a job's stage and progress to the store, at most a few times a second.

    Each write also checks that this worker still holds the job's lease, so a worker that lost it
    (it was stalled longer than the lease and another took over) stops instead of storing a second run.
    """

    def __init__(self, store: Store, job_id: int, min_interval: float = 0.5, worker_id: str | None = None):
        self.store = store
        self.job_id = job_id
        self.min_interval = min_interval
        self.worker_id = worker_id
        self._last_write = 0.0
        self._last_stage = ""

    def __call__(self, stage: str, done: int = 0, total: int = 0) -> None:
        now = time.monotonic()
        finished_stage = total and done >= total
        if stage == self._last_stage and not finished_stage and now - self._last_write < self.min_interval:
            return
        self._last_write, self._last_stage = now, stage
        with self.store.session() as session:
            job = session.get(JobRow, self.job_id)
            if self.worker_id is not None and (job.worker != self.worker_id or job.status != "running"):
                raise LeaseLost(f"job {self.job_id} was taken over by another worker")
            job.stage, job.done, job.total = stage[:80], done, total
            if self.worker_id is not None:
                job.heartbeat_at = utcnow()


def describe(job: JobRow) -> dict:
    """The public view of a job, for the JSON API and the progress bar."""
    return {
        "id": job.id,
        "area": job.area.slug if job.area else None,
        "query": job.query,
        "status": job.status,
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "progress": round(job.done / job.total, 3) if job.total else None,
        "error": job.error,
        "created_at": job.created_at.isoformat() + "Z" if job.created_at else None,
        "finished_at": job.finished_at.isoformat() + "Z" if job.finished_at else None,
        "run_id": job.run_id,
        #: Analyses this job stored: 1 once it is done, whatever workers died on the way.
        "runs": job.run_count,
    }


def run_job(store: Store, job_id: int, execute: Executor, worker_id: str) -> None:
    """Claim a queued job for ``worker_id`` and run it to its end: done, or failed with a readable reason."""
    with store.session() as session:
        # Claim the job atomically: of two workers handed the same id (a queue entry
        # duplicated by a recovery), only one moves it from queued to running.
        claimed = session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.status == "queued")
            .values(status="running", started_at=utcnow(), error=None, stage="starting",
                    attempts=JobRow.attempts + 1, worker=worker_id, heartbeat_at=utcnow())
        ).rowcount
    if claimed == 1:
        run_claimed(store, job_id, execute, worker_id)
    # else: finished, deleted or taken by another worker: a stale queue entry


def run_claimed(store: Store, job_id: int, execute: Executor, worker_id: str) -> None:
    """Run a job whose lease ``worker_id`` holds."""
    with store.session() as session:
        job = session.get(JobRow, job_id)
        session.expunge(job)
        # A worker that died after storing the analysis, before marking the job done: do not run it again.
        stored = session.scalar(select(func.max(RunRow.id)).where(RunRow.job_id == job_id))
    try:
        run_id = stored if stored is not None else execute(job, JobProgress(store, job_id, worker_id=worker_id))
        with store.session() as session:
            finished = session.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.worker == worker_id, JobRow.status == "running")
                .values(status="done", finished_at=utcnow(), run_id=run_id or None, stage="done", done=JobRow.total)
            ).rowcount
        if not finished:
            log.warning("job %s: finished after another worker took it over", job_id)
    except LeaseLost as exc:
        log.warning("%s; this worker stops it", exc)
    except Exception as exc:  # noqa: BLE001 - every failure must end up on the job, readable
        log.exception("job %s failed", job_id)
        _mark_failed(store, job_id, public_reason(exc), worker_id)
    except BaseException:
        # Ctrl-C in `whose-streets analyze`, a worker being stopped: say so, then let it stop.
        _mark_failed(store, job_id, "interrupted before it finished", worker_id)
        raise


def _mark_failed(store: Store, job_id: int, reason: str, worker_id: str | None = None, attempts: int = 3) -> None:
    """Record a failure (unless another worker holds the job now); a locked database must not leave it "running"."""
    for attempt in range(attempts):
        try:
            with store.session() as session:
                holder = [] if worker_id is None else [JobRow.worker == worker_id]
                session.execute(update(JobRow).where(JobRow.id == job_id, JobRow.status.in_(ACTIVE), *holder)
                                .values(status="failed", finished_at=utcnow(), error=reason[:2000]))
            return
        except Exception:  # noqa: BLE001 - try again, then leave it to the lease, which expires
            log.exception("could not record the failure of job %s", job_id)
            time.sleep(0.5 * (attempt + 1))


@lru_cache(maxsize=1)
def _embedded_consumer_class():
    from huey.consumer import Consumer  # huey (and its redis/psycopg imports) only once the queue is used

    class EmbeddedConsumer(Consumer):
        # The web server owns the process's signals; the consumer must not take them over.
        def _set_signal_handlers(self):
            pass

    return EmbeddedConsumer


def make_huey(settings: Settings):
    # Imported here, not at the top: huey's storage module imports redis and psycopg, a third of a
    # second or more that a CLI analysis (which runs its job in the foreground) never needs.
    from huey import RedisHuey, SqliteHuey

    if settings.queue_url.startswith("redis://"):
        return RedisHuey(settings.queue_name, url=settings.queue_url)
    return SqliteHuey(settings.queue_name, filename=settings.queue_url[len("sqlite:///"):])


class JobQueue:
    """Starts analyses in the background; one active analysis per area."""

    def __init__(self, store: Store, settings: Settings, execute: Executor,
                 store_member: Callable[[int, str], None] | None = None):
        self.store = store
        self.settings = settings
        self.execute = execute
        self.store_member = store_member  # stores one municipality a region run queued, under a worker id
        self._huey = None
        self._consumer: Consumer | None = None
        self._lock = threading.Lock()
        self._huey_lock = threading.Lock()
        self.leases = Leases(store, settings.job_lease_seconds)
        #: Told the area id after each analysis this process finished (the web layer makes the
        #: offline pack ahead); a failing hook is logged, never the job's failure.
        self.after_analysis: list[Callable[[int], None]] = []

    @property
    def huey(self):
        """The queue, made on first use: a CLI analysis runs its job in the foreground without it."""
        with self._huey_lock:
            if self._huey is None:
                huey = make_huey(self.settings)
                self._task = huey.task(name="analyze")(self._run)
                self._member_task = huey.task(name="region_member")(self._run_member)
                self._huey = huey
            return self._huey

    def _enqueue(self, job_id: int) -> None:
        self.huey  # noqa: B018 - makes the queue and its tasks
        self._task(job_id)

    def _run(self, job_id: int) -> None:
        run_job(self.store, job_id, self.execute, self.leases.worker_id)
        if self.after_analysis:
            with self.store.session() as session:
                job = session.get(JobRow, job_id)
                area_id = job.area_id if job is not None and job.status == "done" else None
            for hook in self.after_analysis if area_id is not None else ():
                try:
                    hook(area_id)
                except Exception:  # noqa: BLE001
                    log.exception("after the analysis of area %s", area_id)

    def _run_member(self, member_id: int) -> None:
        if self.store_member is not None:
            self.store_member(member_id, self.leases.worker_id)

    def queue_region_member(self, member_id: int) -> None:
        """Hand one municipality of a region run to the workers (app.analysis.analyze_member)."""
        self.huey  # noqa: B018 - makes the queue and its tasks
        self._member_task(member_id)

    # --- starting jobs -------------------------------------------------------

    def submit(self, area_id: int, query: str, options: dict | None = None) -> tuple[JobRow, bool]:
        """Queue an analysis of an area. Returns (job, created); an active job is returned as is.

        Raises QueueFull when MAX_ACTIVE_JOBS analyses are queued or running already.
        """
        job_id = None
        # A request that loses the race for the area's one active job (the unique index) takes the
        # winner's job; if that one already ended in between, it tries again instead of answering None.
        for _attempt in range(3):
            with self.store.session() as session:
                active = self._active_job(session, area_id)
                if active is not None:
                    return active, False
                busy = session.scalar(select(func.count(JobRow.id)).where(JobRow.status.in_(ACTIVE)))
                if busy >= self.settings.max_active_jobs:
                    raise QueueFull(f"{busy} analyses are already queued or running; try again in a few minutes")
                job = JobRow(area_id=area_id, query=query, options=options or {}, status="queued", stage="queued")
                session.add(job)
                try:
                    session.flush()
                except IntegrityError:
                    session.rollback()
                    active = self._active_job(session, area_id)
                    if active is not None:
                        return active, False
                    continue
                job_id = job.id
                break
        if job_id is None:
            raise QueueFull("this city's analysis is being queued by another request; try again in a moment")
        try:
            self._enqueue(job_id)
        except Exception as exc:
            # Not queued: a job left "queued" would block this city for good.
            _mark_failed(self.store, job_id, f"could not queue the analysis: {exc}")
            raise
        with self.store.session() as session:
            return self.get(session, job_id), True

    def start_foreground(self, area_id: int, query: str, options: dict | None = None) -> JobRow | None:
        """A job for an analysis run in this process (the CLI), already running under this process's lease.

        None if the city has an active job. Run it with :func:`run_claimed` while ``leases`` beat.
        """
        with self.store.session() as session:
            if self._active_job(session, area_id) is not None:
                return None
            job = JobRow(area_id=area_id, query=query, options=options or {}, status="running", stage="starting",
                         attempts=1, started_at=utcnow(), worker=self.leases.worker_id, heartbeat_at=utcnow())
            session.add(job)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()  # else the session's commit on leaving fails in turn
                return None
            session.expunge(job)
            return job

    @staticmethod
    def _active_job(session, area_id: int) -> JobRow | None:
        job = session.scalar(select(JobRow).where(JobRow.area_id == area_id, JobRow.status.in_(ACTIVE)))
        if job is not None:
            job.area  # load for describe() after the session ends
        return job

    @staticmethod
    def get(session, job_id: int) -> JobRow | None:
        job = session.get(JobRow, job_id)
        if job is not None:
            job.area
        return job

    # --- workers ---------------------------------------------------------------

    def take_over_expired(self) -> list[int]:
        """Queue again the running jobs whose lease expired (or fail those tried too often); their ids.

        Municipalities of region runs whose worker's lease expired are queued again too."""
        cutoff = utcnow() - timedelta(seconds=self.settings.job_lease_seconds)
        expired = or_(JobRow.heartbeat_at.is_(None), JobRow.heartbeat_at < cutoff)
        requeue: list[int] = []
        with self.store.session() as session:
            stale = session.execute(select(JobRow.id, JobRow.attempts).where(JobRow.status == "running", expired)).all()
            for job_id, attempts in stale:
                # The same condition again in the UPDATE: of several workers sweeping at once, one wins.
                this_one = update(JobRow).where(JobRow.id == job_id, JobRow.status == "running", expired)
                if attempts >= MAX_ATTEMPTS:
                    session.execute(this_one.values(
                        status="failed", finished_at=utcnow(), worker=None,
                        error=f"its worker stopped {attempts} times before it finished; not tried again"))
                elif session.execute(this_one.values(status="queued", worker=None,
                                                     stage="resumed: its worker stopped")).rowcount:
                    requeue.append(job_id)
        for job_id in requeue:
            log.warning("job %s: its worker stopped renewing its lease; queued again", job_id)
            self._enqueue(job_id)
        for member_id in take_over_expired_members(self.store, self.settings.job_lease_seconds, MAX_ATTEMPTS):
            log.warning("region member %s: its worker stopped renewing its lease; queued again", member_id)
            self.queue_region_member(member_id)
        return requeue

    def recover(self) -> list[int]:
        """At a worker's start: take over expired jobs and queue every queued job (and queued
        municipality of a region run) again.

        The store is the truth and the queue may have lost entries (a Redis that keeps nothing on disk,
        a queue entry never written); an entry twice is harmless, as claiming a job is atomic. A job
        running under a live lease (another worker, a CLI analysis) is left alone.
        """
        requeued = self.take_over_expired()
        with self.store.session() as session:
            queued = session.scalars(select(JobRow.id).where(JobRow.status == "queued")).all()
        for job_id in queued:
            if job_id not in requeued:
                self._enqueue(job_id)
        # Municipalities region runs queued and no worker took: claiming one is atomic too.
        for member_id in queued_members(self.store):
            self.queue_region_member(member_id)
        return requeued + [job_id for job_id in queued if job_id not in requeued]

    def release(self) -> list[int]:
        """Queue again, at once, the jobs this process runs: for a worker that is stopping.

        Its threads may still be running them for a moment: what they store is fenced (their
        progress notices the lost lease, finishing needs it, and a stored run is not run again).
        """
        with self.store.session() as session:
            released = session.scalars(
                update(JobRow).where(JobRow.worker == self.leases.worker_id, JobRow.status == "running")
                .values(status="queued", worker=None, stage="resumed: its worker stopped")
                .returning(JobRow.id)
            ).all()
        for job_id in released:
            self._enqueue(job_id)
        for member_id in release_members(self.store, self.leases.worker_id):
            self.queue_region_member(member_id)
        return list(released)

    def start_workers(self) -> None:
        with self._lock:
            if self._consumer is not None:
                return
            self.recover()
            self.leases.start(sweep=self.take_over_expired)
            consumer = _embedded_consumer_class()(
                self.huey,
                workers=self.settings.job_workers,
                worker_type="thread",
                periodic=False,
                # Poll often when idle: an analysis should start within a second of being asked for.
                initial_delay=0.05,
                max_delay=0.5,
                check_worker_health=False,
            )
            consumer.start()
            self._consumer = consumer

    def run_worker_forever(self) -> None:
        """For `whose-streets worker`: a consumer in the foreground, with its own signal handling."""
        self.recover()
        self.leases.start(sweep=self.take_over_expired)
        consumer = self.huey.create_consumer(workers=self.settings.job_workers, worker_type="thread", periodic=False)
        try:
            consumer.run()
        finally:
            # Stopped (SIGTERM, Ctrl-C): hand what is still running to the other workers now.
            self.release()
            self.leases.stop()

    def stop_workers(self, graceful: bool = True) -> None:
        """Stop the embedded workers: after their current jobs (graceful), or at once, queueing those again."""
        with self._lock:
            if self._consumer is not None:
                self._consumer.stop(graceful=graceful)
                self._consumer = None
                if not graceful:
                    self.release()
            self.leases.stop()

    def wait(self, job_id: int, timeout: float = 60.0, poll: float = 0.05) -> JobRow:
        """Block until a job is finished (for tests and scripts)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.store.session() as session:
                job = self.get(session, job_id)
                if job.status not in ACTIVE or time.monotonic() > deadline:
                    return job
            time.sleep(poll)


def job_executor(store: Store, settings: Settings) -> Executor:
    """What a background job runs: the analysis of the job's area."""

    def execute(job: JobRow, progress: Progress) -> int:
        options = job.options or {}
        clients = make_clients(settings, store, offline=bool(options.get("offline")))
        pbf = Path(options["pbf"]) if options.get("pbf") else None
        return analyze(store, job.area_id, clients, progress, pbf=pbf, job_id=job.id)

    return execute


def region_member_executor(store: Store, settings: Settings) -> Callable[[int, str], None]:
    """What a background worker runs for a municipality a region run queued (under its worker id's lease)."""

    def execute(member_id: int, worker_id: str) -> None:
        analyze_member(store, member_id, make_clients(settings, store), worker_id)

    return execute
