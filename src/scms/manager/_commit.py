"""Write one operation's files, then the manifest, under a lock and only over the manifest it started from
(compare-and-set); a failure removes every file the commit created (`update.Update.commit`)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from scms.crypto import SoftwareKey
from scms.deployment.errors import DeploymentError
from scms.deployment.files import write_public_file
from scms.deployment.keystore import write_private_key
from scms.deployment.layout import Layout
from scms.deployment.manifest import Manifest, dump_manifest

__all__ = ["LOCK_FILE", "PrivateKeyFile", "commit_files"]

LOCK_FILE = ".manager.lock"
"""Held (flock) while an operation commits."""

PrivateKeyFile = tuple[Path, SoftwareKey, str, str]
"""(path, key, component, purpose) of a key to write."""


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive flock on `path` for the time of the block; refuses to wait (another operation runs)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DeploymentError(f"{path}: another manager operation is running") from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def commit_files(
    layout: Layout, started_from: bytes, private: Sequence[PrivateKeyFile], public: Mapping[Path, bytes],
    manifest: Manifest,
) -> None:
    """Keys (0600, never overwritten), public files (never overwritten), then `deployment.json` (replaced
    atomically), if `deployment.json` still holds `started_from`."""
    created: list[Path] = []

    def track(*paths: Path) -> None:
        created.extend(p for p in paths if not p.exists())

    with _locked(layout.root / LOCK_FILE):
        if layout.manifest_file.read_bytes() != started_from:
            raise DeploymentError(f"{layout.manifest_file}: changed since this operation began; run it again")
        try:
            for path, key, component, purpose in private:
                track(path, path.with_suffix(".json"))
                write_private_key(path, key, component=component, purpose=purpose)
            for path, data in public.items():
                track(path)
                write_public_file(path, data)
            write_public_file(layout.manifest_file, dump_manifest(manifest), replace=True)
        except BaseException:
            for path in created:
                path.unlink(missing_ok=True)
            raise
