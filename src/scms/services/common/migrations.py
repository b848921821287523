"""Alembic migrations per component, run programmatically at start (`migrate_to_head`).

Each database carries two migration chains, each with its own version table:
- `common` (`scms_version_common`): the tables of this package (the job queue), scripts in
  `scms/services/common/migrations/`;
- the component's own (`scms_version_<component>`), scripts in `scms/services/<component>/migrations/`.
The common chain runs first, so a component's tables may refer to the common ones. Both chains share one
environment (`alembic_env/env.py`); revision scripts are ordinary Alembic files. The upgrade holds the database's
write lock (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock), so processes starting together migrate once.
On SQLite, foreign keys are checked after each chain's upgrade rather than during it (a rebuilt table would
otherwise break the rows referring to it); a chain whose upgrade fails is rolled back whole.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from scms.services.common.database import begin_write

__all__ = ["COMMON", "migrate_to_head", "pending_chains", "require_head", "scripts_dir"]

COMMON = "common"
"""The name of the chain of this package's own tables."""

_ENV_DIR = Path(__file__).resolve().parent / "alembic_env"


def scripts_dir(component: str) -> Path:
    """`scms/services/<component>/migrations/`; FileNotFoundError if the component has none."""
    if not component.isidentifier():
        raise ValueError(f"not a component name: {component!r}")
    try:
        folder = Path(str(resources.files(f"scms.services.{component}"))) / "migrations"
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(f"no package scms.services.{component}") from exc
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} does not exist")
    return folder


def migrate_to_head(engine: Engine, component: str, *, scripts: Path | None = None) -> None:
    """Upgrade the common chain and then `component`'s chain to their heads (a no-op when already there).

    `scripts` overrides where the component's revision scripts are (tests, plug-ins); by default `scripts_dir`.
    """
    for name, folder in _chains(component, scripts):
        with engine.connect() as connection, _sqlite_foreign_keys_off(connection), begin_write(connection):
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(name)})
            config = _config(folder)
            config.attributes["connection"] = connection
            config.attributes["version_table"] = _version_table(name)
            command.upgrade(config, "head")
            _check_foreign_keys(connection)


def pending_chains(engine: Engine, component: str, *, scripts: Path | None = None) -> list[str]:
    """The chains (`common`, `component`) whose revision in the database is not their head."""
    with engine.connect() as connection:
        return [name for name, folder in _chains(component, scripts) if not _at_head(connection, name, folder)]


def require_head(engine: Engine, component: str, *, scripts: Path | None = None) -> None:
    """Return if every chain is at head; raise RuntimeError naming those that are not (the `/readyz` check)."""
    pending = pending_chains(engine, component, scripts=scripts)
    if pending:
        raise RuntimeError(f"migrations not at head: {', '.join(pending)}")


def _chains(component: str, scripts: Path | None) -> list[tuple[str, Path]]:
    if component == COMMON:
        raise ValueError("'common' names the shared chain, not a component")
    own = scripts if scripts is not None else scripts_dir(component)
    return [(COMMON, scripts_dir(COMMON)), (component, own)]


@contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite rebuilds a table to alter it (copy, drop, rename); with foreign keys enforced, dropping a table that
    other rows refer to fails. Enforcement is off during the migration (it can only change outside a transaction)
    and `_check_foreign_keys` verifies the result before it commits."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name == "sqlite" and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
        raise RuntimeError("the migration left rows that refer to missing rows")


def _at_head(connection: Connection, name: str, folder: Path) -> bool:
    context = MigrationContext.configure(connection, opts={"version_table": _version_table(name)})
    return frozenset(context.get_current_heads()) == _script_heads(folder)


@lru_cache(maxsize=64)
def _script_heads(folder: Path) -> frozenset[str]:
    """The head revisions of a scripts folder (read once: `/readyz` asks often, the scripts do not change)."""
    return frozenset(ScriptDirectory.from_config(_config(folder)).get_heads())


def _config(folder: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_ENV_DIR))
    config.set_main_option("version_locations", str(folder))
    config.set_main_option("path_separator", "os")
    return config


def _version_table(name: str) -> str:
    return f"scms_version_{name}"


def _lock_key(name: str) -> int:
    return zlib.crc32(f"scms migrations {name}".encode())
