"""The only loader of the shared test vectors (`../shared/vectors`, see its README).

Vectors are read from where they live, never copied into the repository. When the folder is absent, tests that
need it are skipped, except under CI=true, where its absence is a failure. SCMS_VECTORS overrides the location.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

_REPO = Path(__file__).resolve().parent.parent
VECTORS_DIR = Path(os.environ.get("SCMS_VECTORS", _REPO.parent / "shared" / "vectors"))


def vectors_dir() -> Path:
    """The vectors folder; skips the calling test if it is absent (fails under CI=true)."""
    if not VECTORS_DIR.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"test vectors not found at {VECTORS_DIR} (required under CI=true)")
        pytest.skip(f"test vectors not found at {VECTORS_DIR}")
    return VECTORS_DIR


def _listed(folder: str, pattern: str) -> list[Path]:
    root = VECTORS_DIR / folder
    return sorted(root.glob(pattern)) if root.is_dir() else []


def openscms_dat_params() -> list[Any]:
    """One pytest param per OpenSCMS `.dat` file, id `openscms/<name>`, value the file's path.

    When the folder is absent a single placeholder param is returned, so the test still runs and skips (or fails
    under CI) through `read_bytes`.
    """
    files = _listed("openscms", "*.dat")
    if not files:
        return [pytest.param(VECTORS_DIR / "openscms" / "missing.dat", id="openscms/<absent>")]
    return [pytest.param(f, id=f"openscms/{f.name}") for f in files]


def read_bytes(path: Path) -> bytes:
    vectors_dir()
    return path.read_bytes()


def load_json(relpath: str) -> dict[str, Any]:
    """A whole JSON vector file, e.g. `load_json("camp/kdf2.json")`."""
    data: dict[str, Any] = json.loads((vectors_dir() / relpath).read_text())
    return data


def case_params(relpath: str) -> list[Any]:
    """One pytest param per case of a JSON vector file, id `<relpath>[<case name or index>]`.

    When the folder is absent a single placeholder param is returned; `case` then skips (or fails under CI).
    """
    path = VECTORS_DIR / relpath
    if not path.is_file():
        return [pytest.param((relpath, None), id=f"{relpath}[<absent>]")]
    cases = json.loads(path.read_text())["cases"]
    params = []
    for index, item in enumerate(cases):
        name = item.get("name") or item.get("id") or str(index)
        params.append(pytest.param((relpath, index), id=f"{relpath}[{name}]"))
    return params


def case(param: tuple[str, int | None]) -> dict[str, Any]:
    """The case a `case_params` param names (skips when the vectors are absent)."""
    relpath, index = param
    vectors_dir()
    if index is None:
        pytest.fail(f"{relpath} is missing from {VECTORS_DIR}")
    item: dict[str, Any] = load_json(relpath)["cases"][index]
    return item


def unhex(value: str) -> bytes:
    return bytes.fromhex(value)
