"""Fixtures of the manager tests: one deployment initialised per module (fixed clock), copied per test that
changes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scms.deployment import DeploymentConfig
from scms.manager import init_deployment

from ._deployment import NOW
from ._trust import copy_deployment


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A deployment made by init at NOW (default configuration); never changed."""
    directory = tmp_path_factory.mktemp("pristine") / "d"
    init_deployment(directory, DeploymentConfig(), NOW)
    return directory


@pytest.fixture
def copy(pristine: Path, tmp_path: Path) -> Path:
    """A copy of `pristine` this test may change."""
    return copy_deployment(pristine, tmp_path / "d")
