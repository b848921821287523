"""Fixtures of the RA tests: a deployment per session, the RA apps on an SQLite database per test module (the store
tests get a fresh SQLite and PostgreSQL database per test through `engine`), the operator's client and the
ECA's client of the internal app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from scms.deployment import Deployment
from scms.services.ra import RaApps, create_ra_app

from ..common.conftest import anyio_backend, database_url, engine, pg_database  # noqa: F401 (fixtures)
from ._support import FakeClock, make_deployment, operator_token


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return make_deployment(tmp_path_factory.mktemp("ra-deployment") / "scms-data")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def ra_clock() -> FakeClock:
    """The clock of the module's RA (`ra`)."""
    return FakeClock()


@pytest.fixture(scope="module")
def ra(deployment: Deployment, ra_clock: FakeClock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RaApps]:
    """One RA per test module (each test registers devices of its own, with fresh keys)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ra')}/ra.sqlite"
    apps = create_ra_app(deployment, clock=ra_clock, database_url=url)
    yield apps
    apps.engine.dispose()


@pytest.fixture
async def operator(ra: RaApps, deployment: Deployment) -> AsyncIterator[httpx.AsyncClient]:
    """The operator's client of the public app, with the bearer token."""
    headers = {"Authorization": f"Bearer {operator_token(deployment)}"}
    transport = httpx.ASGITransport(app=ra.public)
    async with httpx.AsyncClient(transport=transport, base_url="http://ra", headers=headers) as client:
        yield client


@pytest.fixture
async def internal(ra: RaApps) -> AsyncIterator[httpx.AsyncClient]:
    """The ECA's client of the internal app."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ra.internal), base_url="http://ra-i") as client:
        yield client
