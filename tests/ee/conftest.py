from __future__ import annotations

import pytest

from ._pki import NOW, Pki
from ._scms import FakeClock, MiniScms


@pytest.fixture(scope="session")
def pki() -> Pki:
    """One deployment for the whole session (its keys never change; each test makes its own devices)."""
    return Pki.build()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def scms(pki: Pki, clock: FakeClock) -> MiniScms:
    return MiniScms(pki, clock)
