"""Writing the public files of a deployment: certificates, CTLs, CCF, CRLs, policy files, manifest.

Public files are created new (never overwritten: a published artifact is immutable; a new one gets a new name),
mode 0644, in directories of mode 0755. Private files go through `scms.deployment.keystore` instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from scms.deployment.errors import DeploymentError

__all__ = ["write_public_file"]


def write_public_file(path: Path, data: bytes, *, replace: bool = False) -> None:
    """Create `path` with `data`, mode 0644; refuse an existing file unless `replace` (then swapped in atomically)."""
    path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    target = path.with_name(f".{path.name}.tmp") if replace else path
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        raise DeploymentError(f"{target}: already exists; published files are never overwritten") from None
    os.fchmod(fd, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if replace:
        os.replace(target, path)
