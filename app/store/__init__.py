"""The store: SQLite by default, any SQLAlchemy URL (e.g. PostgreSQL) through DATABASE_URL."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import String, create_engine, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.functions import GenericFunction

from app.domain import normalise_name
from app.store.models import Base, RemoteAnswerRow

MIGRATIONS = Path(__file__).parent / "migrations"


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
        """A unit of work: committed when the block ends, rolled back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (creates it on a new database)."""
        with self.engine.begin() as connection:
            config = AlembicConfig()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def has_schema(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    def dispose(self) -> None:
        self.engine.dispose()


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
    """The remote-answer cache (app.remote.ResponseCache) kept in the store."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, service: str, key: str) -> str | None:
        with self.store.session() as session:
            return session.scalar(
                select(RemoteAnswerRow.body).where(RemoteAnswerRow.service == service, RemoteAnswerRow.key == key)
            )

    def put(self, service: str, key: str, url: str, request_text: str, body: str) -> None:
        with self.store.session() as session:
            row = session.scalar(
                select(RemoteAnswerRow).where(RemoteAnswerRow.service == service, RemoteAnswerRow.key == key)
            )
            if row is None:
                session.add(RemoteAnswerRow(service=service, key=key, url=url, request=request_text, body=body))
            else:
                row.url, row.request, row.body = url, request_text, body


__all__ = ["Base", "Store", "StoreCache", "fold"]
