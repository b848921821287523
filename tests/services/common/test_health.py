"""`/healthz`, `/readyz` and the app lifespan: readiness follows the database, the migrations and the checks given."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from scms.services.common import (
    AppSettings,
    DatabaseSettings,
    ReadinessCheck,
    create_database_engine,
    database_check,
    migrate_to_head,
    migrations_check,
)
from scms.services.common.http_app import FastAPI

from ._demo_app import Part, demo_app

pytestmark = pytest.mark.anyio
DEMO = Path(__file__).parent / "demo_migrations"


async def _get(app: FastAPI, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo") as http:
        return await http.get(path)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _keys_missing() -> None:
    raise RuntimeError("no signing key loaded")


async def test_healthz_answers_while_not_ready() -> None:
    app = demo_app(AppSettings(), readiness=(ReadinessCheck("keys", _keys_missing),))
    alive, ready = await _get(app, "/healthz"), await _get(app, "/readyz")
    assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
    assert (ready.status_code, ready.json()) == (503, {"status": "not ready", "checks": {"keys": "failed"}})


async def test_readyz_follows_database_and_migrations(engine: Engine) -> None:
    checks = (database_check(engine), migrations_check(engine, "demo", scripts=DEMO))
    before = await _get(demo_app(AppSettings(), readiness=checks), "/readyz")
    assert before.status_code == 503
    assert before.json() == {"status": "not ready", "checks": {"database": "ok", "migrations": "failed"}}
    migrate_to_head(engine, "demo", scripts=DEMO)
    after = await _get(demo_app(AppSettings(), readiness=checks), "/readyz")
    assert (after.status_code, after.json()["checks"]) == (200, {"database": "ok", "migrations": "ok"})


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_readyz_fails_when_the_database_is_unreachable(backend: str, tmp_path: Path) -> None:
    url = (f"sqlite:///{tmp_path / 'gone' / 'x.db'}" if backend == "sqlite"
           else f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/postgres")
    engine = create_database_engine(DatabaseSettings(url=url, connect_timeout_s=1))
    response = await _get(demo_app(AppSettings(), readiness=(database_check(engine),)), "/readyz")
    assert (response.status_code, response.json()["checks"]) == (503, {"database": "failed"})
    engine.dispose()


async def test_a_check_that_hangs_counts_as_failed_within_the_timeout() -> None:
    slow = ReadinessCheck("keys", lambda: time.sleep(0.5))
    started = time.monotonic()
    response = await _get(demo_app(AppSettings(readiness_timeout_s=0.1), readiness=(slow,)), "/readyz")
    assert response.status_code == 503 and time.monotonic() - started < 0.45


async def test_lifespan_starts_parts_in_order_and_stops_them_in_reverse() -> None:
    log: list[str] = []
    app = demo_app(AppSettings(), lifecycle=(Part("a", log), Part("b", log)))
    async with app.router.lifespan_context(app):
        assert log == ["start a", "start b"]
    assert log == ["start a", "start b", "stop b", "stop a"]


async def test_a_part_failing_to_start_stops_those_already_started() -> None:
    log: list[str] = []
    app = demo_app(AppSettings(), lifecycle=(Part("a", log), Part("b", log, fail=True)))
    with pytest.raises(RuntimeError, match="cannot start"):
        async with app.router.lifespan_context(app):
            pass
    assert log == ["start a", "stop a"]
