"""`DriverStatement` on both backends: the same rows, conversions, row counts, transactions and errors as
`Connection.execute` of the same statement."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, LargeBinary, MetaData, String, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from scms.services.common import DatabaseSettings, begin_write, create_database_engine
from scms.services.common.database import UtcDateTime
from scms.services.common.driver_sql import DriverStatement, pooled_read

_METADATA = MetaData()
_ITEMS = Table(
    "driver_items",
    _METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(16), nullable=False, unique=True),
    Column("blob", LargeBinary),
    Column("state", String(8), nullable=False),
    Column("at", UtcDateTime()),
)
AT = dt.datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)

_ADD = DriverStatement(insert(_ITEMS).values(
    name=bindparam("name"), blob=bindparam("blob"), state="new", at=bindparam("at")))
_GET = DriverStatement(select(_ITEMS.c.name, _ITEMS.c.blob, _ITEMS.c.state, _ITEMS.c.at).where(
    _ITEMS.c.name == bindparam("name")))
_MOVE = DriverStatement(update(_ITEMS).where(_ITEMS.c.name == bindparam("name"), _ITEMS.c.state == "new").values(
    state=bindparam("state")))


@pytest.fixture
def items(engine: Engine) -> Engine:
    _METADATA.create_all(engine)
    return engine


def test_rows_and_conversions_match_sqlalchemy(items: Engine) -> None:
    with begin_write(items) as connection:
        assert _ADD.run(connection, {"name": "a", "blob": b"\x00\x01", "at": AT}) == 1
        _ADD.run(connection, {"name": "b", "blob": None, "at": None})
    with pooled_read(items) as pooled:  # no transaction: the driver's connection from the pool
        assert _GET.all(pooled, {"name": "a"}) == [("a", b"\x00\x01", "new", AT)]
    with items.connect() as connection:
        assert _GET.first(connection, {"name": "a"}) == ("a", b"\x00\x01", "new", AT)  # the literal, the UTC time
        assert _GET.first(connection, {"name": "b"}) == ("b", None, "new", None)
        assert _GET.first(connection, {"name": "c"}) is None
        rows = connection.execute(select(_ITEMS.c.name, _ITEMS.c.blob, _ITEMS.c.state, _ITEMS.c.at)).all()
        assert [tuple(row) for row in rows] == [("a", b"\x00\x01", "new", AT), ("b", None, "new", None)]


def test_row_counts_answer_compare_and_set(items: Engine) -> None:
    with begin_write(items) as connection:
        _ADD.run(connection, {"name": "a", "blob": None, "at": AT})
        assert _MOVE.run(connection, {"name": "a", "state": "done"}) == 1
        assert _MOVE.run(connection, {"name": "a", "state": "done"}) == 0  # no longer "new"
    with items.connect() as connection:
        assert _GET.all(connection, {"name": "a"}) == [("a", None, "done", AT)]


def test_statements_belong_to_the_connections_transaction(items: Engine) -> None:
    with pytest.raises(RuntimeError), begin_write(items) as connection:
        _ADD.run(connection, {"name": "a", "blob": None, "at": AT})
        raise RuntimeError("roll back")
    with items.connect() as connection:
        assert _GET.first(connection, {"name": "a"}) is None


def test_driver_errors_are_sqlalchemys_without_parameters(items: Engine) -> None:
    with begin_write(items) as connection:
        _ADD.run(connection, {"name": "a", "blob": b"secret-key-bytes", "at": AT})
    with pytest.raises(IntegrityError) as raised, begin_write(items) as connection:
        _ADD.run(connection, {"name": "a", "blob": b"secret-key-bytes", "at": AT})
    assert "secret" not in str(raised.value) and "7365637265" not in str(raised.value)
    with items.connect() as connection:  # the connection went back to the pool usable
        assert _GET.first(connection, {"name": "a"}) is not None


def test_a_missing_parameter_is_named(items: Engine) -> None:
    with items.connect() as connection, pytest.raises(KeyError, match="name"):
        _GET.first(connection, {})


def test_a_pooled_read_leaves_no_transaction_behind(items: Engine) -> None:
    """The connection goes back to the pool clean: a write afterwards is neither blocked nor sees an old state."""
    for name in ("a", "b"):
        with pooled_read(items) as pooled:
            assert _GET.first(pooled, {"name": name}) is None
        with begin_write(items) as connection:
            _ADD.run(connection, {"name": name, "blob": None, "at": AT})
        with pooled_read(items) as pooled:
            assert _GET.first(pooled, {"name": name}) == (name, None, "new", AT)


def test_a_database_that_cannot_be_opened_fails_as_sqlalchemy_would(tmp_path: Path) -> None:
    engine = create_database_engine(DatabaseSettings(url=f"sqlite:///{tmp_path / 'missing' / 'x.db'}"))
    with pytest.raises(OperationalError), pooled_read(engine) as pooled:
        _GET.first(pooled, {"name": "a"})
    engine.dispose()
