"""Files of the device state directory, each written whole or not at all: the data goes to a new temporary file in
the same directory (mode 0600 for secrets, 0644 otherwise), is flushed to disk, then renamed over the target, and
the directory entry is flushed too. A crash leaves the old file or the new one, never a mix; what it can leave is a
temporary `.<name>.tmp-<random>`, which nothing reads and `remove_leftovers` deletes.

Secret files are read through `scms.deployment.keystore.read_secret_file`, which refuses a file open to group or
other; directories are created 0700 (`ensure_private_dir`), the device directory being private as a whole.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from scms.crypto import InvalidKey, SoftwareKey
from scms.deployment.errors import KeyFileError
from scms.deployment.keystore import ensure_private_dir, read_secret_file
from scms.ee.errors import StateError

__all__ = [
    "TEMP_MARK",
    "key_of",
    "pem_of",
    "private_dir",
    "read_public",
    "read_secret",
    "remove_leftovers",
    "write_atomic",
]

TEMP_MARK = ".tmp-"


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def private_dir(directory: Path) -> None:
    """Create `directory` and every missing parent with mode 0700; refuse one open to group or other."""
    missing = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # whatever the umask
    try:
        ensure_private_dir(directory)
    except KeyFileError as error:
        raise StateError(str(error)) from None


def write_atomic(path: Path, data: bytes, *, secret: bool = False) -> None:
    """Replace `path` with `data` in one step (module docstring); 0600 when `secret`, else 0644."""
    private_dir(path.parent)
    mode = 0o600 if secret else 0o644
    temporary = path.with_name(f".{path.name}{TEMP_MARK}{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        os.fchmod(fd, mode)  # whatever the umask
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def pem_of(key: SoftwareKey) -> bytes:
    """A private key as stored: PKCS#8 PEM (unencrypted; a secret file, 0600 in a 0700 directory, as the
    deployment's key files)."""
    return key.to_pkcs8_pem()


def read_public(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise StateError(f"{path}: cannot read ({error.strerror or error})") from None


def read_secret(path: Path) -> bytes:
    """A secret file, refused when it is not a regular file or is open to group or other (the message names the
    file and its mode, never its content)."""
    try:
        return read_secret_file(path)
    except KeyFileError as error:
        raise StateError(str(error)) from None


def key_of(pem: bytes, where: str) -> SoftwareKey:
    """The private key stored as `pem` (read from `where`, which the error names)."""
    try:
        return SoftwareKey.from_pkcs8_pem(pem)
    except InvalidKey:
        raise StateError(f"{where}: not a private key") from None


def remove_leftovers(directory: Path) -> int:
    """Delete the temporary files a crash left below `directory`; how many there were."""
    count = 0
    for leftover in directory.rglob(f".*{TEMP_MARK}*"):
        if leftover.is_file():
            leftover.unlink()
            count += 1
    return count
