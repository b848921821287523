"""One process at a time on a device state directory: an exclusive `flock` on `<directory>/.lock`.

Two processes on one directory (two `scms ee` commands, say a `download` waiting for nextDlTime and a `request`)
would each keep the index they read and write it back whole: the later write would drop what the other recorded
(an enrollment certificate, a request and its secrets); and opening removes the temporary files of interrupted
writes, which may be the other's write in progress. So `DeviceState.open` and `create` take this lock for as long
as the state is open (`DeviceState.close`), and a reader that changes nothing (`scms ee status`) opens read-only,
without it.

The lock belongs to the open file: it goes with `release()` or with the process, even a killed one, so a crash
never leaves a stale lock. A process that finds it taken tries again for `wait` seconds, then gives up with a
StateError naming the holder (its pid and command line, which the holder writes into the file).
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

from scms.ee.errors import StateError

__all__ = ["LOCK_FILE", "LOCK_WAIT_S", "DirectoryLock"]

LOCK_FILE = ".lock"
LOCK_WAIT_S = 5.0
"""How long a second process waits for the lock before it gives up (a short step finishes by then)."""
_POLL_S = 0.05


class DirectoryLock:
    """The exclusive lock of a device state directory, held until `release()`."""

    def __init__(self, fd: int, path: Path) -> None:
        self._fd: int | None = fd
        self.path = path

    @classmethod
    def acquire(cls, directory: Path, wait: float | None = None) -> DirectoryLock:
        """Take the lock of `directory` (which exists), trying for `wait` seconds (None: LOCK_WAIT_S); StateError
        if another holds it."""
        wait = LOCK_WAIT_S if wait is None else wait
        path = directory / LOCK_FILE
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as error:
            raise StateError(f"{path}: cannot open the lock file ({error.strerror or error})") from None
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise StateError(f"{directory}: in use by another process ({holder}); try again when it "
                                     "has finished") from None
                time.sleep(_POLL_S)
        _write_holder(fd)
        return cls(fd, path)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Give the lock up (closing the file releases it); nothing when already released."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def __del__(self) -> None:  # a state dropped without close() (a cycle collected later) still lets go
        self.release()

    def __repr__(self) -> str:
        return f"DirectoryLock({str(self.path)!r}, held={self.held})"


def _write_holder(fd: int) -> None:
    """Who holds the lock, for the message of a process that waits for it in vain."""
    command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else "python"
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}: {command[:200]}\n".encode(errors="replace"), 0)


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 256, 0).decode(errors="replace").strip()
    except OSError:
        text = ""
    return text or "holder unknown"
