"""A queue in front of one SQLite file's write lock: `begin_write` (`scms.services.common.database`) joins it before
`BEGIN IMMEDIATE` and leaves it after the commit or rollback.

Why: SQLite's own wait for a taken write lock (its busy handler) sleeps 1, 2, 5, 10, 15 ... ms between tries, while
a write transaction here holds the lock for a fraction of a millisecond; and the services do their database work on
the event loop, so a writer that finds the lock taken puts its whole process to sleep for longer than the holder
needs. With `scms up --workers 2` that happened to about one enrollment in seven (the ECA's and the RA's database
written by both processes), each waiting 2-8 ms. In front of SQLite's lock, the writers of one process queue on a
thread lock and the processes on an advisory lock (`flock`) of a file beside the database (`<database>-writers`);
both hand over to the next writer as soon as the holder lets go.

SQLite's lock stays the one that makes writes correct: a writer that does not queue here (a transaction that began
deferred and then writes, another program) is still serialised by it, only waited for in SQLite's way. The kernel
drops a dead process's `flock`, so a crash blocks nobody; a writer that waits longer than the busy timeout fails as
SQLite would ("database is locked"). A database in memory has the thread lock only (no file, no other process).
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import OperationalError

__all__ = ["WriterQueue"]

_LOG = logging.getLogger(__name__)
_QUEUES: weakref.WeakSet[WriterQueue] = weakref.WeakSet()


class WriterQueue:
    """The writers of one SQLite database, one at a time, in this process and (given `path`) across processes."""

    def __init__(self, path: Path | None, timeout_s: float) -> None:
        self.path = path
        """The lock file (None: a database in memory, queued in this process only)."""
        self.timeout_s = timeout_s
        self._fresh()
        _QUEUES.add(self)

    def _fresh(self) -> None:
        self._threads = threading.Lock()
        self._fd: int | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """This thread's turn: first among this process's writers, then among the processes'; `OperationalError`
        ("database is locked") when it does not come within the timeout."""
        deadline = time.monotonic() + self.timeout_s
        if not self._threads.acquire(timeout=self.timeout_s):
            raise _locked()
        try:
            fd = self._open()
            if fd is not None and not self._file_lock(fd, deadline - time.monotonic()):
                raise _TimedOut   # the waiter thread owns the thread lock now (`_file_lock`)
        except _TimedOut:
            raise _locked() from None
        except BaseException:
            self._threads.release()
            raise
        try:
            yield
        finally:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._threads.release()

    def _open(self) -> int | None:
        """The lock file's descriptor (under the thread lock), opened at the first write; None in memory or when the
        file cannot be opened (then SQLite's own waiting, logged once)."""
        if self._fd is None and self.path is not None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as error:
                _LOG.warning("%s: %s; writers wait in SQLite's busy handler instead", self.path, error.strerror)
                self.path = None
            else:
                weakref.finalize(self, os.close, self._fd)
        return self._fd

    def _file_lock(self, fd: int, remaining_s: float) -> bool:
        """True once this process holds the lock of `fd`. When another holds it, a thread waits for it (a blocking
        `flock`, woken by the kernel at its release); after `remaining_s` this gives up and leaves that thread the
        thread lock, which it releases, with the file lock, once it gets the file lock."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        outcome: list[OSError | None] = []
        given_up, settled, guard = False, threading.Event(), threading.Lock()

        def wait() -> None:
            error: OSError | None = None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError as failed:
                error = failed
            with guard:
                if not given_up:
                    outcome.append(error)
                    settled.set()
                    return
            if error is None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._threads.release()

        threading.Thread(target=wait, name="scms-sqlite-writer-wait", daemon=True).start()
        settled.wait(max(0.0, remaining_s))
        with guard:
            if not settled.is_set():
                given_up = True
                return False
        if outcome[0] is not None:
            raise outcome[0]
        return True


class _TimedOut(Exception):
    pass


def _locked() -> OperationalError:
    """What SQLite raises when the busy timeout passes, as SQLAlchemy wraps it."""
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


def _after_fork() -> None:
    """A forked child has none of its parent's turns: a thread lock held by another thread of the parent would
    never be released here, and the inherited descriptor shares the parent's `flock`."""
    for queue in list(_QUEUES):
        queue._fresh()   # the inherited descriptor stays open: closing it would not release the parent's lock


os.register_at_fork(after_in_child=_after_fork)
