"""One SQLAlchemy 2 engine per component: SQLite (the embedded default) or PostgreSQL through psycopg 3.

We use SQLAlchemy Core, not the ORM: every write the SCMS cares about is one explicit statement whose row count is
the answer (compare-and-set, "0 rows updated means someone else has it"), with no identity map or unit of work
between the code and the SQL.

SQLite is set up for concurrent use: WAL journal (readers do not block the writer), foreign keys on, a busy timeout,
and SQLAlchemy (not the sqlite3 module) emitting BEGIN, so that a transaction really spans every statement in it.
A transaction that reads and then writes opens with `begin_write`, which on SQLite is `BEGIN IMMEDIATE` (the write
lock is taken first, waiting up to the busy timeout, instead of failing later when the read snapshot is stale);
before it, the writer queues (`scms.services.common.sqlite_writers`: a thread lock and a lock file, which hand
over at once, where SQLite's busy handler sleeps milliseconds between tries).
Engines hide bound parameters from error messages, so key material can never reach a log through an exception.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.types import TypeDecorator

from scms.services.common.settings import DatabaseSettings
from scms.services.common.sqlite_writers import WriterQueue

__all__ = ["UtcDateTime", "begin_write", "create_database_engine"]

_WRITE = "scms_begin_write"
_WRITERS: weakref.WeakKeyDictionary[Dialect, WriterQueue] = weakref.WeakKeyDictionary()
"""Each SQLite engine's writer queue, by its dialect (an engine's own, kept by `dispose` and option copies)."""


def create_database_engine(settings: DatabaseSettings) -> Engine:
    """The engine for `settings.url`; SQLite and PostgreSQL (psycopg 3) are supported, nothing else."""
    url = make_url(settings.url)
    if url.get_backend_name() == "sqlite":
        if url.get_driver_name() not in ("pysqlite", ""):
            raise ValueError("SQLite is used through the sqlite3 module")
        engine = create_engine(url, hide_parameters=True)
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
        return engine
    if url.get_backend_name() == "postgresql":
        if url.get_driver_name() != "psycopg":
            raise ValueError("PostgreSQL is used through psycopg 3: postgresql+psycopg://...")
        return create_engine(
            url,
            hide_parameters=True,
            pool_pre_ping=True,
            pool_size=settings.pool_size,
            connect_args={"connect_timeout": max(1, round(settings.connect_timeout_s))},
        )
    raise ValueError(f"unsupported database backend {url.get_backend_name()!r}: use sqlite or postgresql")


def begin_write(bind: Engine | Connection) -> AbstractContextManager[Connection]:
    """A transaction that will write: `BEGIN IMMEDIATE` on SQLite, a plain transaction on PostgreSQL.

    Given an engine, a new connection for the transaction; given a connection, a transaction on it.
    """
    if isinstance(bind, Engine):
        return _connected(bind)  # not bind.execution_options(): that copies the engine's event dispatch each time
    bind.execution_options(**{_WRITE: True})
    return _yielding(bind)


@contextmanager
def _connected(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection, begin_write(connection):
        yield connection


@contextmanager
def _yielding(connection: Connection) -> Iterator[Connection]:
    writers = _WRITERS.get(connection.dialect)
    if writers is None:
        with connection.begin():
            yield connection
        return
    with writers.held(), connection.begin():   # the queue left after the commit or rollback
        yield connection


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    database = engine.url.database
    in_memory = database in (None, "", ":memory:") or engine.url.query.get("mode") == "memory"
    _WRITERS[engine.dialect] = WriterQueue(None if in_memory else Path(f"{database}-writers"), busy_timeout_ms / 1000)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE, False)
        # Straight to the driver: a statement through SQLAlchemy costs more than the BEGIN itself.
        connection.connection.driver_connection.execute(  # type: ignore[union-attr]
            "BEGIN IMMEDIATE" if immediate else "BEGIN")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime on every backend (SQLite has no time zones: it stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
