"""Every package lists its public names in __all__, and every listed name exists."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import scms


def _modules() -> list[str]:
    names = ["scms"]
    for info in pkgutil.walk_packages(scms.__path__, prefix="scms."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_all_is_declared_and_honest(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    missing = [item for item in exported if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ lists names it does not define: {missing}"
