"""Engines (SQLite settings, PostgreSQL through psycopg) and Alembic migrations per component, on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, Table, inspect, select, text
from sqlalchemy.exc import IntegrityError

from scms.services.common import DatabaseSettings, begin_write, create_database_engine, migrate_to_head, require_head
from scms.services.common.database import UtcDateTime
from scms.services.common.migrations import pending_chains, scripts_dir
from scms.services.common.task_tables import COMMON_METADATA

DEMO = Path(__file__).parent / "demo_migrations"


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = create_database_engine(DatabaseSettings(url=f"sqlite:///{tmp_path / 'x.db'}", sqlite_busy_timeout_ms=1234))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
    engine.dispose()


def test_sqlite_transaction_spans_every_statement(tmp_path: Path) -> None:
    """SQLAlchemy emits BEGIN: a rolled-back transaction leaves nothing, DDL included (sqlite3 alone would not)."""
    engine = create_database_engine(DatabaseSettings.sqlite_file(tmp_path / "x.db"))
    with pytest.raises(RuntimeError), begin_write(engine) as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        raise RuntimeError("roll back")
    assert not inspect(engine).has_table("t")
    engine.dispose()


@pytest.mark.parametrize("url", ["mysql+pymysql://root@127.0.0.1/test", "postgresql+psycopg2://u@h/db",
                                 "sqlite+pysqlcipher:///x.db"])
def test_unsupported_backends_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        create_database_engine(DatabaseSettings(url=url))


def test_migrations_reach_head_and_are_idempotent(engine: Engine) -> None:
    assert pending_chains(engine, "demo", scripts=DEMO) == ["common", "demo"]
    with pytest.raises(RuntimeError, match="common, demo"):
        require_head(engine, "demo", scripts=DEMO)
    migrate_to_head(engine, "demo", scripts=DEMO)
    migrate_to_head(engine, "demo", scripts=DEMO)  # at head already: nothing to do
    require_head(engine, "demo", scripts=DEMO)
    tables = set(inspect(engine).get_table_names())
    assert {"scms_jobs", "demo_items", "scms_version_common", "scms_version_demo"} <= tables
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM scms_version_common")).scalar_one() == "common_0001"
        assert connection.execute(text("SELECT version_num FROM scms_version_demo")).scalar_one() == "demo_0002"
    assert "label" in {column["name"] for column in inspect(engine).get_columns("demo_items")}


def test_component_tables_may_refer_to_common_ones_and_foreign_keys_hold(engine: Engine) -> None:
    migrate_to_head(engine, "demo", scripts=DEMO)
    with pytest.raises(IntegrityError), begin_write(engine) as connection:
        connection.execute(text("INSERT INTO demo_items (id, job_id) VALUES (1, 424242)"))


def test_a_new_revision_is_applied_to_a_database_with_rows(engine: Engine, tmp_path: Path) -> None:
    only_first = tmp_path / "first"
    only_first.mkdir()
    (only_first / "demo_0001_items.py").write_text((DEMO / "demo_0001_items.py").read_text())
    migrate_to_head(engine, "demo", scripts=only_first)
    require_head(engine, "demo", scripts=only_first)
    assert pending_chains(engine, "demo", scripts=DEMO) == ["demo"]
    with begin_write(engine) as connection:
        connection.execute(text("INSERT INTO demo_items (id) VALUES (7)"))
        connection.execute(text("INSERT INTO demo_notes (id, item_id) VALUES (1, 7)"))
    # demo_0002 rebuilds demo_items (SQLite batch mode) while demo_notes rows refer to it
    migrate_to_head(engine, "demo", scripts=DEMO)
    assert pending_chains(engine, "demo", scripts=DEMO) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id, label FROM demo_items")).all() == [(7, "none")]
        assert connection.execute(text("SELECT item_id FROM demo_notes")).scalar_one() == 7


BREAKING = '''
from alembic import op

revision = "demo_0003"
down_revision = "demo_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM demo_items")


def downgrade() -> None:
    pass
'''


def test_a_migration_that_breaks_references_is_rolled_back(engine: Engine, tmp_path: Path) -> None:
    migrate_to_head(engine, "demo", scripts=DEMO)
    with begin_write(engine) as connection:
        connection.execute(text("INSERT INTO demo_items (id) VALUES (7)"))
        connection.execute(text("INSERT INTO demo_notes (id, item_id) VALUES (1, 7)"))
    broken = tmp_path / "broken"
    broken.mkdir()
    for script in DEMO.glob("demo_*.py"):
        (broken / script.name).write_text(script.read_text())
    (broken / "demo_0003_breaking.py").write_text(BREAKING)
    with pytest.raises((RuntimeError, IntegrityError)):  # SQLite: found by the check; PostgreSQL: at once
        migrate_to_head(engine, "demo", scripts=broken)
    assert pending_chains(engine, "demo", scripts=broken) == ["demo"]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM demo_items")).scalar_one() == 1
        assert connection.exec_driver_sql("SELECT 1").scalar_one() == 1
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:  # enforcement is back on for the pooled connection
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrated_schema_matches_the_table_definitions(engine: Engine) -> None:
    """The common revision and `task_tables` describe the same table (autogenerate finds nothing to do)."""
    migrate_to_head(engine, "demo", scripts=DEMO)

    def ours(_obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
        return kind != "table" or name in COMMON_METADATA.tables

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours, "compare_type": True})
        assert compare_metadata(context, COMMON_METADATA) == []


def test_unknown_component_has_no_migrations(engine: Engine) -> None:
    with pytest.raises(FileNotFoundError):
        migrate_to_head(engine, "nonexistent")
    with pytest.raises(ValueError):
        scripts_dir("../etc")
    with pytest.raises(ValueError):
        migrate_to_head(engine, "common")
    assert scripts_dir("common").is_dir()


def test_utc_datetimes_come_back_aware_and_equal(engine: Engine) -> None:
    table = Table("stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))
    table.create(engine)
    moment = dt.datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with begin_write(engine) as connection:
        connection.execute(table.insert().values(id=1, at=moment))
    with engine.connect() as connection:
        stored = connection.execute(select(table.c.at)).scalar_one()
    assert stored == moment and stored.tzinfo == dt.UTC
    with pytest.raises(Exception, match="naive"), begin_write(engine) as connection:
        connection.execute(table.insert().values(id=2, at=dt.datetime(2026, 3, 1)))
