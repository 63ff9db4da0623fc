"""Background analyses: a queue (huey), the job records in the store, and recovery after restarts.

The embedded default runs a huey consumer with worker threads inside the web
process, its queue in an SQLite file in the instance folder. The same task can
run on other machines by pointing QUEUE_URL at Redis, setting JOB_MODE=external
on the web process and starting `whose-streets worker` there.

The job row in the store is the truth about a job (stage, progress, outcome);
the queue only carries job ids. So a job whose worker died (the process was
killed mid-analysis) is found at the next start and queued again, or marked
failed once it has been tried too often: never left "running".
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.config import Settings
from app.remote import RemoteError
from app.store import Store
from app.store.models import JobRow, utcnow

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")
#: A job interrupted this many times is not tried again: something in it kills the worker.
MAX_ATTEMPTS = 3

Progress = Callable[[str, int, int], None]
#: Runs one analysis for a job; returns the id of the stored run (None if it stored none).
Executor = Callable[[JobRow, Progress], int | None]


class QueueFull(Exception):
    """Too many analyses are waiting: the service refuses more rather than queue without end."""


class JobProgress:
    """Writes a job's stage and progress to the store, at most a few times a second."""

    def __init__(self, store: Store, job_id: int, min_interval: float = 0.5):
        self.store = store
        self.job_id = job_id
        self.min_interval = min_interval
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
            job.stage, job.done, job.total = stage[:80], done, total


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
    }


def run_job(store: Store, job_id: int, execute: Executor) -> None:
    """Run one job to its end: done, or failed with a readable reason."""
    with store.session() as session:
        # Claim the job atomically: of two workers handed the same id (a queue entry
        # duplicated by a recovery), only one moves it from queued to running.
        claimed = session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.status == "queued")
            .values(status="running", started_at=utcnow(), error=None, stage="starting",
                    attempts=JobRow.attempts + 1)
        ).rowcount
        if claimed != 1:
            return  # finished, deleted or taken by another worker: a stale queue entry
        job = session.get(JobRow, job_id)
        session.expunge(job)
    try:
        run_id = execute(job, JobProgress(store, job_id))
        with store.session() as session:
            row = session.get(JobRow, job_id)
            row.status, row.finished_at, row.run_id, row.stage = "done", utcnow(), run_id or None, "done"
            row.done = row.total
    except Exception as exc:  # noqa: BLE001 - every failure must end up on the job, readable
        log.exception("job %s failed", job_id)
        _mark_failed(store, job_id, public_reason(exc))
    except BaseException:
        # Ctrl-C in `whose-streets analyze`, a worker being stopped: say so, then let it stop.
        _mark_failed(store, job_id, "interrupted before it finished")
        raise


#: Failures whose message is written for people (remote services, bad input, empty areas, files).
EXPLAINED_FAILURES = (RemoteError, ValueError, LookupError, RuntimeError, OSError)


def public_reason(exc: Exception) -> str:
    """The reason shown on the job (anyone may read it): ours in full, internal errors only by kind."""
    if isinstance(exc, EXPLAINED_FAILURES):
        return str(exc) or exc.__class__.__name__
    return f"internal error ({exc.__class__.__name__}); the details are in the service's log"


def _mark_failed(store: Store, job_id: int, reason: str, attempts: int = 3) -> None:
    """Record a failure; a briefly locked database must not leave the job "running"."""
    for attempt in range(attempts):
        try:
            with store.session() as session:
                row = session.get(JobRow, job_id)
                row.status, row.finished_at, row.error = "failed", utcnow(), reason[:2000]
            return
        except Exception:  # noqa: BLE001 - try again, then leave it to recover() at the next start
            log.exception("could not record the failure of job %s", job_id)
            time.sleep(0.5 * (attempt + 1))


class _EmbeddedConsumer(Consumer):
    # The web server owns the process's signals; the consumer must not take them over.
    def _set_signal_handlers(self):
        pass


def make_huey(settings: Settings):
    if settings.queue_url.startswith("redis://"):
        return RedisHuey(settings.queue_name, url=settings.queue_url)
    return SqliteHuey(settings.queue_name, filename=settings.queue_url[len("sqlite:///"):])


class JobQueue:
    """Starts analyses in the background; one active analysis per area."""

    def __init__(self, store: Store, settings: Settings, execute: Executor):
        self.store = store
        self.settings = settings
        self.execute = execute
        self.huey = make_huey(settings)
        self._task = self.huey.task(name="analyze")(self._run)
        self._consumer: Consumer | None = None
        self._lock = threading.Lock()

    def _run(self, job_id: int) -> None:
        run_job(self.store, job_id, self.execute)

    # --- starting jobs -------------------------------------------------------

    def submit(self, area_id: int, query: str, options: dict | None = None) -> tuple[JobRow, bool]:
        """Queue an analysis of an area. Returns (job, created); an active job is returned as is.

        Raises QueueFull when MAX_ACTIVE_JOBS analyses are queued or running already.
        """
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
                # Another request queued this area in the meantime: the unique index kept it to one.
                session.rollback()
                return self._active_job(session, area_id), False
            job_id = job.id
        try:
            self._task(job_id)
        except Exception as exc:
            # Not queued: a job left "queued" would block this city for good.
            _mark_failed(self.store, job_id, f"could not queue the analysis: {exc}")
            raise
        with self.store.session() as session:
            return self.get(session, job_id), True

    def create_foreground(self, area_id: int, query: str, options: dict | None = None) -> JobRow | None:
        """A job row for an analysis run in this process (the CLI); None if one is already active."""
        with self.store.session() as session:
            if self._active_job(session, area_id) is not None:
                return None
            job = JobRow(area_id=area_id, query=query, options=options or {}, status="queued")
            session.add(job)
            try:
                session.flush()
            except IntegrityError:
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

    def recover(self) -> list[int]:
        """Deal with jobs that a stopped process left active: queue them again or fail them.

        Only the process that runs the workers calls this, before they start, so
        no job it touches can be running anywhere.
        """
        requeue: list[int] = []
        with self.store.session() as session:
            for job in session.scalars(select(JobRow).where(JobRow.status.in_(ACTIVE))):
                if job.status == "running" and job.attempts >= MAX_ATTEMPTS:
                    job.status, job.finished_at = "failed", utcnow()
                    job.error = f"interrupted {job.attempts} times by a restart of the service; not tried again"
                else:
                    if job.status == "running":
                        job.stage = "resumed after a restart"
                    job.status = "queued"
                    requeue.append(job.id)
        # The queue may or may not still hold these ids; the store is the truth, so start afresh.
        self.huey.flush()
        for job_id in requeue:
            self._task(job_id)
        return requeue

    def start_workers(self) -> None:
        with self._lock:
            if self._consumer is not None:
                return
            self.recover()
            consumer = _EmbeddedConsumer(
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
        consumer = self.huey.create_consumer(workers=self.settings.job_workers, worker_type="thread", periodic=False)
        consumer.run()

    def stop_workers(self) -> None:
        with self._lock:
            if self._consumer is not None:
                self._consumer.stop(graceful=True)
                self._consumer = None

    def wait(self, job_id: int, timeout: float = 60.0, poll: float = 0.05) -> JobRow:
        """Block until a job is finished (for tests and scripts)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.store.session() as session:
                job = self.get(session, job_id)
                if job.status not in ACTIVE or time.monotonic() > deadline:
                    return job
            time.sleep(poll)
