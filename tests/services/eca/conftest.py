"""Fixtures of the ECA tests: a deployment per session; per test module an RA and an ECA on SQLite databases,
wired in-process (the ECA reaches the RA's internal app through an httpx ASGI transport), and their clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from scms.deployment import Deployment

from ..common.conftest import anyio_backend, database_url, engine, pg_database  # noqa: F401 (fixtures)
from ..ra._support import FakeClock, make_deployment
from ._support import Stack, open_stack


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return make_deployment(tmp_path_factory.mktemp("eca-deployment") / "scms-data")


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def stack(deployment: Deployment, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One RA and ECA per test module: each test enrols devices of its own (fresh keys); the clock only moves on."""
    with open_stack(deployment, clock, tmp_path_factory.mktemp("stack")) as built:
        yield built


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with stack.clients() as client:
        yield client
