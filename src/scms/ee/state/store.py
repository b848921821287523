"""Where a device's state lives: `DeviceState` reads and writes named files (paths relative to the device) through a
`Store`, so the same state code runs on a directory or in memory.

* `DirectoryStore`: the device state directory (`scms.ee.state.files`: atomic writes, secrets 0600 in 0700), with
  the directory's lock while open for writing (`scms.ee.state.lock`), or read-only (no lock, no writes);
* `MemoryStore`: a dict, for simulated devices (the fleet simulator keeps thousands without touching the disk).
  Nothing survives the process; secrets stay in memory as they would in a directory's files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from scms.ee.errors import StateError
from scms.ee.state.files import read_public, read_secret, remove_leftovers, write_atomic
from scms.ee.state.lock import DirectoryLock

__all__ = ["DirectoryStore", "MemoryStore", "Store"]


class Store(Protocol):
    where: str
    """What error messages name the device by (its directory, or a memory store's name)."""

    def exists(self, relative: str) -> bool: ...

    def write(self, relative: str, data: bytes, *, secret: bool = False) -> None: ...

    def read(self, relative: str) -> bytes: ...

    def read_secret(self, relative: str) -> bytes:
        """A secret file (a directory refuses one open to group or other)."""
        ...

    def remove(self, relative: str) -> None:
        """Forget a file (nothing when there is none)."""
        ...

    def files(self, folder: str) -> tuple[str, ...]:
        """The relative names of the files directly in `folder`."""
        ...

    def clean(self) -> int:
        """Remove what an interrupted write left; how many there were."""
        ...

    def close(self) -> None:
        """Done with the store (a directory's lock released)."""
        ...


class DirectoryStore:
    def __init__(self, directory: Path, *, lock: DirectoryLock | None = None, read_only: bool = False) -> None:
        self.directory = Path(directory)
        self.where = str(self.directory)
        self.lock = lock
        self.read_only = read_only

    def _writable(self) -> None:
        if self.read_only:
            raise StateError(f"{self.where}: opened read-only")

    def exists(self, relative: str) -> bool:
        return (self.directory / relative).exists()

    def write(self, relative: str, data: bytes, *, secret: bool = False) -> None:
        self._writable()
        write_atomic(self.directory / relative, data, secret=secret)

    def read(self, relative: str) -> bytes:
        return read_public(self.directory / relative)

    def read_secret(self, relative: str) -> bytes:
        return read_secret(self.directory / relative)

    def remove(self, relative: str) -> None:
        self._writable()
        (self.directory / relative).unlink(missing_ok=True)

    def files(self, folder: str) -> tuple[str, ...]:
        return tuple(str(path.relative_to(self.directory)) for path in (self.directory / folder).glob("*")
                     if path.is_file())

    def clean(self) -> int:
        return 0 if self.read_only else remove_leftovers(self.directory)

    def close(self) -> None:
        if self.lock is not None:
            self.lock.release()


class MemoryStore:
    def __init__(self, name: str = "device") -> None:
        self.where = f"<memory {name}>"
        self._files: dict[str, bytes] = {}

    def exists(self, relative: str) -> bool:
        return relative in self._files

    def write(self, relative: str, data: bytes, *, secret: bool = False) -> None:
        self._files[relative] = bytes(data)

    def read(self, relative: str) -> bytes:
        try:
            return self._files[relative]
        except KeyError:
            raise StateError(f"{self.where}/{relative}: no such file") from None

    def read_secret(self, relative: str) -> bytes:
        return self.read(relative)

    def remove(self, relative: str) -> None:
        self._files.pop(relative, None)

    def files(self, folder: str) -> tuple[str, ...]:
        prefix = folder.rstrip("/") + "/"
        return tuple(name for name in self._files if name.startswith(prefix) and "/" not in name[len(prefix):])

    def clean(self) -> int:
        return 0

    def close(self) -> None:
        pass
