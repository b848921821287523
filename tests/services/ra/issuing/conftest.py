"""Fixtures of the RA's certificate tests: one SCMS (`_scms.build_scms`) and one event loop per test module, each
test enrolling its own devices (the SCMS's job runners live across the module's tests, hence the module-wide loop).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from scms.deployment import Deployment

from .._support import FakeClock
from ._scms import Scms, build_scms


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def module_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def shared(deployment: Deployment, tmp_path_factory: pytest.TempPathFactory, module_clock: FakeClock,
           request: pytest.FixtureRequest) -> Iterator[Scms]:
    directory = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    built = build_scms(deployment, f"sqlite:///{directory / 'ra.db'}", module_clock)
    yield built
    built.close()


@pytest.fixture(scope="module")
async def http(shared: Scms) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the shared SCMS, with the ACA's runner running (the RA's jobs are run by `run_due_jobs`)."""
    async with shared.running(ra_runner=False) as client:
        yield client
