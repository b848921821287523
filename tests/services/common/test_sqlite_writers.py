"""The queue in front of an SQLite file's write lock (`scms.services.common.sqlite_writers`, used by `begin_write`):
held for the whole transaction, across threads and processes, let go after a commit, a rollback or a crash, and a
writer that waits past the busy timeout fails as SQLite would."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from scms.services.common import DatabaseSettings, begin_write, create_database_engine


def _engine(path: Path, busy_timeout_ms: int = 5000) -> Engine:
    engine = create_database_engine(DatabaseSettings(url=f"sqlite:///{path}", sqlite_busy_timeout_ms=busy_timeout_ms))
    with begin_write(engine) as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS counter (n INTEGER NOT NULL)"))
        if connection.execute(text("SELECT count(*) FROM counter")).scalar_one() == 0:
            connection.execute(text("INSERT INTO counter VALUES (0)"))
    return engine


def _taken(lock_file: Path) -> bool:
    """Whether some writer holds the file's lock (asked on a descriptor of our own, as another process would)."""
    fd = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_a_write_transaction_holds_the_lock_file_until_its_commit_or_rollback(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "x.db")
    lock_file = tmp_path / "x.db-writers"
    with begin_write(engine) as connection:
        connection.execute(text("UPDATE counter SET n = n + 1"))
        assert _taken(lock_file)
    assert not _taken(lock_file)
    with pytest.raises(RuntimeError), begin_write(engine) as connection:
        connection.execute(text("UPDATE counter SET n = n + 1"))
        assert _taken(lock_file)
        raise RuntimeError("roll back")
    assert not _taken(lock_file)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 1
    assert lock_file.stat().st_mode & 0o777 == 0o600
    engine.dispose()


def test_threads_take_turns(tmp_path: Path) -> None:
    """Read, then write what was read plus one: no increment is lost when eight threads do it at once."""
    engine = _engine(tmp_path / "x.db")

    def increment() -> None:
        for _ in range(25):
            with begin_write(engine) as connection:
                n = connection.execute(text("SELECT n FROM counter")).scalar_one()
                connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

    threads = [threading.Thread(target=increment) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 200
    engine.dispose()


def test_a_writer_that_waits_past_the_busy_timeout_fails_and_the_next_gets_its_turn(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "x.db", busy_timeout_ms=200)
    other = os.open(tmp_path / "x.db-writers", os.O_RDWR)   # another process's writer, as the kernel sees it
    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(OperationalError, match="database is locked"), begin_write(engine):
            pass
        fcntl.flock(other, fcntl.LOCK_UN)   # the writer that gave up left a thread waiting: it lets go at once
        with begin_write(engine) as connection:
            connection.execute(text("UPDATE counter SET n = n + 1"))
    finally:
        os.close(other)
    assert not _taken(tmp_path / "x.db-writers")
    engine.dispose()


_HOLDER = """
import sys, time
from sqlalchemy import text
from scms.services.common import DatabaseSettings, begin_write, create_database_engine
engine = create_database_engine(DatabaseSettings(url=f"sqlite:///{sys.argv[1]}"))
with begin_write(engine) as connection:
    connection.execute(text("UPDATE counter SET n = n + 100"))
    print("holding", flush=True)
    time.sleep(600)
"""


def test_another_process_waits_for_a_writer_and_a_killed_one_blocks_nobody(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "x.db", busy_timeout_ms=300)
    with subprocess.Popen([sys.executable, "-c", _HOLDER, str(tmp_path / "x.db")], stdout=subprocess.PIPE,
                          text=True) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
            with pytest.raises(OperationalError, match="database is locked"), begin_write(engine):
                pass
        finally:
            holder.kill()
    with begin_write(engine) as connection:   # the kernel let go of the dead holder's locks; its write is lost
        connection.execute(text("UPDATE counter SET n = n + 1"))
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 1
    engine.dispose()


def test_a_database_in_memory_has_no_lock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    engine = create_database_engine(DatabaseSettings(url="sqlite://"))
    with begin_write(engine) as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
    assert list(tmp_path.iterdir()) == []
    engine.dispose()
