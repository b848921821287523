"""Fixtures of the ACA tests: a deployment per session; per test both LAs and the ACA on fresh databases (SQLite,
and PostgreSQL through `database_url`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scms.deployment import Deployment

from ..common.conftest import anyio_backend, database_url, engine, pg_database  # noqa: F401 (fixtures)
from ..ra._support import make_deployment
from ._support import Stack, build_stack


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return make_deployment(tmp_path_factory.mktemp("aca-deployment") / "scms-data")


@pytest.fixture
def stack(deployment: Deployment, database_url: str) -> Iterator[Stack]:  # noqa: F811
    built = build_stack(deployment, database_url)
    yield built
    built.close()
