"""Fixtures of the RA tests: a deployment per session, a fresh RA database per test (SQLite, and PostgreSQL where
a test asks for `database_url`), the apps on it and the operator's client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

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


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ra.sqlite'}"


@pytest.fixture
def ra(deployment: Deployment, sqlite_url: str, clock: FakeClock) -> Iterator[RaApps]:
    apps = create_ra_app(deployment, clock=clock, database_url=sqlite_url)
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
