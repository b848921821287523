"""Statements on the hot path of a request, run on the driver's cursor: `DriverStatement(statement)`.

SQLAlchemy Core builds and compiles the statement (once per dialect: the same SQL, parameter order and type
conversions SQLAlchemy would use); `first`, `all` and `run` then hand it to the DB-API cursor of a SQLAlchemy
`Connection`, inside whatever transaction that connection holds (`begin_write`), or of a connection taken from the
pool for a read without one (`pooled_read`). Running a cached statement through
`Connection.execute` costs some 40 µs of Python per statement (events, execution context, result objects) where the
driver takes 5; an enrollment runs about six (issue 4: >= 500 enrollments/s on two cores).

What does not change: the transaction is the connection's (SQLAlchemy emits BEGIN, COMMIT and ROLLBACK); a driver
error is raised as SQLAlchemy would raise it (`IntegrityError`, `OperationalError`, ..., all `SQLAlchemyError`,
parameters hidden, so key material cannot reach a log), and a lost connection is invalidated. Bound values and
result values pass through the column types' own conversions (`UtcDateTime`, SQLite's DATETIME strings).

Not for everything: a statement here has fixed SQL (no `IN` lists expanded per call, no per-call `values()`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable

__all__ = ["DriverStatement", "PooledConnection", "pooled_read"]

_Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    """A statement as one dialect runs it."""

    sql: str
    binds: tuple[tuple[str, bool, Any, _Processor], ...]
    """Per parameter, in the driver's order: its name (the caller's key), whether the caller must give it, its
    fixed value otherwise (a literal in the statement) and the type's conversion."""
    positional: bool
    results: tuple[tuple[int, Callable[[Any], Any]], ...]
    """The result columns whose type converts the driver's value: (position, conversion)."""


class PooledConnection:
    """A DB-API connection of the engine's pool, outside any SQLAlchemy transaction: for a read of one statement
    (`pooled_read`), which sees one consistent state on its own. Going back to the pool rolls back whatever the
    driver began (PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.dialect = engine.dialect
        try:
            self.connection = engine.raw_connection()
        except self.dialect.loaded_dbapi.Error as error:  # as SQLAlchemy raises it from `engine.connect()`
            raise DBAPIError.instance(None, None, error, self.dialect.loaded_dbapi.Error, hide_parameters=True,
                                      dialect=self.dialect) from error

    def invalidate(self, error: BaseException) -> None:
        self.connection.invalidate(error)

    def close(self) -> None:
        self.connection.close()


@contextmanager
def pooled_read(engine: Engine) -> Iterator[PooledConnection]:
    """A pooled connection for `DriverStatement` reads without a transaction (a SELECT by key: no BEGIN, no
    SQLAlchemy `Connection`, some 40 µs less than `engine.connect()`)."""
    pooled = PooledConnection(engine)
    try:
        yield pooled
    finally:
        pooled.close()


class DriverStatement:
    """A Core statement (SELECT, INSERT, UPDATE, DELETE; RETURNING) run on the driver's cursor, in the transaction
    of a SQLAlchemy `Connection` (`begin_write`) or on a `PooledConnection` (`pooled_read`)."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, str, str], _Compiled] = {}

    def first(self, connection: Connection | PooledConnection, parameters: Mapping[str, Any]
              ) -> tuple[Any, ...] | None:
        """The first row (converted), or None; the remaining rows are read and dropped."""
        rows = self.all(connection, parameters)
        return rows[0] if rows else None

    def all(self, connection: Connection | PooledConnection, parameters: Mapping[str, Any]
            ) -> list[tuple[Any, ...]]:
        """Every row, converted by the result columns' types."""
        compiled, cursor = self._execute(connection, parameters)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if not compiled.results:
            return [tuple(row) for row in rows]
        return [_converted(row, compiled.results) for row in rows]

    def run(self, connection: Connection | PooledConnection, parameters: Mapping[str, Any]) -> int:
        """The number of rows the statement changed (the answer of a compare-and-set)."""
        _, cursor = self._execute(connection, parameters)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def _execute(self, connection: Connection | PooledConnection, parameters: Mapping[str, Any]
                 ) -> tuple[_Compiled, Any]:
        dialect = connection.dialect
        compiled = self._for(dialect)
        values: list[Any] = []
        for name, required, fixed, convert in compiled.binds:
            value = parameters[name] if required else parameters.get(name, fixed)  # KeyError names a missing one
            values.append(value if convert is None or value is None else convert(value))
        bound = values if compiled.positional else dict(zip((bind[0] for bind in compiled.binds), values,
                                                            strict=True))
        driver_connection = connection.connection.driver_connection
        assert driver_connection is not None  # an open connection
        cursor = driver_connection.cursor()
        try:
            cursor.execute(compiled.sql, bound)
        except dialect.loaded_dbapi.Error as error:
            cursor.close()
            lost = dialect.is_disconnect(error, driver_connection, cursor)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(compiled.sql, None, error, dialect.loaded_dbapi.Error, hide_parameters=True,
                                      dialect=dialect, connection_invalidated=lost) from error
        return compiled, cursor

    def _for(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver, dialect.paramstyle)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _compile(self.statement, dialect)
        return compiled


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    order = compiled.positiontup if compiled.positional else list(by_name)
    binds = tuple(
        (name, by_name[name].required, None if by_name[name].required else by_name[name].value,
         by_name[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in order
    )
    columns = getattr(statement, "exported_columns", ())
    processors = (column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    results = tuple((index, convert) for index, convert in enumerate(processors) if convert is not None)
    return _Compiled(str(compiled), binds, compiled.positional, results)


def _converted(row: Sequence[Any], results: tuple[tuple[int, Callable[[Any], Any]], ...]) -> tuple[Any, ...]:
    values = list(row)
    for index, convert in results:
        if values[index] is not None:
            values[index] = convert(values[index])
    return tuple(values)
