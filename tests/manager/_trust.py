"""Helpers of the trust-verification and operation tests: copying a deployment, damaging one file, editing the
manifest the way a careless (or malicious) tool would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any


def copy_deployment(pristine: Path, target: Path) -> Path:
    """A copy of the deployment `pristine` at `target` (modes kept, so key files stay 0600)."""
    shutil.copytree(pristine, target, symlinks=True)
    return target


def flip_byte(path: Path, offset: int) -> None:
    """Flip the low bit of the byte at `offset` (negative: from the end)."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def read_manifest(directory: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((directory / "deployment.json").read_text())
    return value


def write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    (directory / "deployment.json").write_text(json.dumps(manifest, indent=2))
