"""Fixtures of the LA tests: a deployment per session; per test both LAs on fresh databases (SQLite, and
PostgreSQL through `database_url`), each with its own seed-release token, and their clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from scms.deployment import Deployment
from scms.services.la import LaApps

from ..common.conftest import anyio_backend, database_url, engine, pg_database  # noqa: F401 (fixtures)
from ..ra._support import FakeClock, make_deployment
from ._support import TOKENS, build_la


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return make_deployment(tmp_path_factory.mktemp("la-deployment") / "scms-data")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def las(deployment: Deployment, database_url: str, clock: FakeClock) -> Iterator[dict[str, LaApps]]:  # noqa: F811
    """LA1 and LA2, each on its own database (two schemas, or two SQLite files, of `database_url`'s kind)."""
    built = {which: build_la(deployment, which, database_url, clock) for which in TOKENS}
    yield built
    for apps in built.values():
        apps.engine.dispose()


@pytest.fixture
async def la1(las: dict[str, LaApps]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=las["la1"].app), base_url="http://la1") as client:
        yield client


@pytest.fixture
async def la2(las: dict[str, LaApps]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=las["la2"].app), base_url="http://la2") as client:
        yield client
