"""The store: SQLite by default, any SQLAlchemy URL (e.g. PostgreSQL) through DATABASE_URL."""
from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import String, create_engine, delete, event, func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.functions import GenericFunction

from app.config import Settings
from app.domain import normalise_name
from app.store.models import Base, RemoteAnswerRow, utcnow

MIGRATIONS = Path(__file__).parent / "migrations"
#: The PostgreSQL advisory lock that serialises migrations (any fixed number; "ws" + "mig" in ASCII).
MIGRATION_LOCK = 0x7773_6D6967


class _RequestScope:
    """The one session of a web request (opened at its first unit of work) and how deep units nest."""

    def __init__(self, store: Store):
        self.store = store
        self.session: Session | None = None
        self.depth = 0


#: The current web request's scope, set by ``Store.begin_request`` (each request runs in its own context).
_request_scope: ContextVar[_RequestScope | None] = ContextVar("whose_streets_request_scope", default=None)


class Store:
    def __init__(self, url: str):
        self.url = url
        is_sqlite = url.startswith("sqlite")
        self.engine: Engine = create_engine(
            url,
            # Background workers and web requests share the file: wait for locks instead of failing.
            connect_args={"timeout": 30, "check_same_thread": False} if is_sqlite else {},
            pool_pre_ping=not is_sqlite,
        )
        if is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error.

        Inside a web request (``begin_request``) every unit of work uses the request's one session,
        opened at the first; a unit inside another is part of it. Elsewhere (jobs, the CLI) each unit
        has its own session.
        """
        scope = _request_scope.get()
        if scope is not None and scope.store is self:
            with self._request_unit(scope) as session:
                yield session
            return
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def _request_unit(self, scope: _RequestScope) -> Iterator[Session]:
        if scope.session is None:
            scope.session = self._sessions()
        if scope.depth:
            yield scope.session
            return
        scope.depth += 1
        try:
            yield scope.session
            scope.session.commit()
        except BaseException:
            scope.session.rollback()
            raise
        finally:
            scope.depth -= 1

    def begin_request(self) -> None:
        """From now on, in this context, units of work share one session (until ``end_request``)."""
        _request_scope.set(_RequestScope(self))

    def end_request(self) -> None:
        """Close the request's session, if it opened one; what a unit did not commit is rolled back."""
        scope = _request_scope.get()
        _request_scope.set(None)
        if scope is not None and scope.session is not None:
            scope.session.close()

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (creates it on a new database).

        Every process upgrades when it starts; on PostgreSQL, processes starting together (web
        processes, workers) take turns, holding a lock for the transaction, instead of racing to
        create the same tables.
        """
        if self.at_head():
            return
        # Alembic is imported only here: checking its environment and scripts costs a tenth of a
        # second or more at every start-up (every CLI command), while the schema is nearly always
        # at head already (``at_head`` says so from one query).
        from alembic import command
        from alembic.config import Config as AlembicConfig

        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config = AlembicConfig()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def at_head(self) -> bool:
        """Whether the database's schema is at the newest migration (False when unsure: upgrade then)."""
        head = migrations_head()
        if head is None or not self.has_schema():
            return False
        with self.engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        return versions == [head]

    def has_schema(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    def dispose(self) -> None:
        self.engine.dispose()


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(?:None|['\"]([^'\"]+)['\"])\s*$", re.M)


@lru_cache(maxsize=1)
def migrations_head() -> str | None:
    """The newest migration's revision, read from the scripts' text without Alembic; None when the
    scripts do not make one plain chain (a merge, a branch, an unusual file): Alembic decides then."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


class fold(GenericFunction):
    """Text folded for searching: case- and accent-insensitive on SQLite, case-insensitive elsewhere."""

    type = String()
    inherit_cache = True


@compiles(fold, "sqlite")
def _fold_sqlite(element, compiler, **kw):
    return f"ws_fold({compiler.process(element.clauses, **kw)})"


@compiles(fold)
def _fold_other(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Searching "alvarez" must find "Álvarez": SQLite's lower() folds ASCII only.
    dbapi_connection.create_function("ws_fold", 1, lambda text: normalise_name(text) if text else text,
                                     deterministic=True)
    cursor = dbapi_connection.cursor()
    # WAL lets pages read while a background analysis writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class StoreCache:
    """The remote-answer cache (app.remote.ResponseCache) kept in the store, within bounds.

    After a new answer passes a bound, the oldest ones are pruned until at most 90 % of
    ``max_entries`` answers weighing at most 90 % of ``max_bytes`` remain (None: no bound), so that
    neither analyses nor the area lookups visitors type can grow the database without end.
    """

    def __init__(self, store: Store, *, max_entries: int | None = None, max_bytes: int | None = None):
        self.store = store
        self.max_entries = max_entries
        self.max_bytes = max_bytes

    @classmethod
    def for_settings(cls, store: Store, settings: Settings) -> StoreCache:
        """The store's remote-answer cache, within the configured bounds."""
        return cls(store, max_entries=settings.cache_max_entries, max_bytes=int(settings.cache_max_mb * 1024 * 1024))

    def get(self, service: str, key: str, max_age: float | None = None) -> str | None:
        stmt = select(RemoteAnswerRow.body).where(RemoteAnswerRow.service == service, RemoteAnswerRow.key == key)
        if max_age is not None:
            stmt = stmt.where(RemoteAnswerRow.fetched_at >= utcnow() - timedelta(seconds=max_age))
        with self.store.session() as session:
            return session.scalar(stmt)

    def put(self, service: str, key: str, url: str, request_text: str, body: str) -> None:
        with self.store.session() as session:
            row = session.scalar(
                select(RemoteAnswerRow).where(RemoteAnswerRow.service == service, RemoteAnswerRow.key == key)
            )
            if row is None:
                row = RemoteAnswerRow(service=service, key=key)
                session.add(row)
            row.url, row.request, row.body = url, request_text, body
            row.size, row.fetched_at = len(body), utcnow()
        self.prune()

    def prune(self) -> int:
        """Delete the oldest answers once a bound is passed; returns how many went.

        It prunes down to PRUNE_TO of each bound, so that the pruning itself runs once every
        many answers rather than at each one.
        """
        if self.max_entries is None and self.max_bytes is None:
            return 0
        with self.store.session() as session:
            count, weight = session.execute(
                select(func.count(), func.coalesce(func.sum(RemoteAnswerRow.size), 0))
            ).one()
            if (self.max_entries is None or count <= self.max_entries) and \
                    (self.max_bytes is None or weight <= self.max_bytes):
                return 0
            over_count = count - int(self.max_entries * PRUNE_TO) if self.max_entries is not None else 0
            over_weight = weight - int(self.max_bytes * PRUNE_TO) if self.max_bytes is not None else 0
            doomed: list[int] = []
            freed = 0
            oldest_first = select(RemoteAnswerRow.id, RemoteAnswerRow.size).order_by(
                RemoteAnswerRow.fetched_at, RemoteAnswerRow.id)
            for answer_id, size in session.execute(oldest_first).all():
                if len(doomed) >= over_count and freed >= over_weight:
                    break
                doomed.append(answer_id)
                freed += size or 0
            for start in range(0, len(doomed), 500):
                session.execute(delete(RemoteAnswerRow).where(RemoteAnswerRow.id.in_(doomed[start:start + 500])))
            return len(doomed)


#: What pruning leaves of each bound of the remote-answer cache.
PRUNE_TO = 0.9


__all__ = ["Base", "Store", "StoreCache", "fold"]
