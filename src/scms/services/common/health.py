"""`/healthz` (the process answers) and `/readyz` (it can serve: database, migrations, keys) of every component.

Readiness is a list of named checks; each is a blocking callable that returns when all is well and raises
otherwise. `/readyz` runs them in threads, each within the configured timeout, and answers 200 when all pass,
503 otherwise, naming the checks that failed (never why: the reason goes to the log, without its message).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter
from sqlalchemy import Engine, text
from starlette.responses import JSONResponse

from scms.services.common.errors import log_unexpected
from scms.services.common.migrations import require_head

__all__ = ["ReadinessCheck", "database_check", "health_router", "migrations_check"]


@dataclass(frozen=True)
class ReadinessCheck:
    """One condition for `/readyz`: `check()` returns when it holds and raises when it does not."""

    name: str
    check: Callable[[], None]


def database_check(engine: Engine) -> ReadinessCheck:
    """The database answers `SELECT 1`."""

    def check() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    return ReadinessCheck("database", check)


def migrations_check(engine: Engine, component: str, *, scripts: Path | None = None) -> ReadinessCheck:
    """The component's schema (common and own migrations, `scripts` as for `migrate_to_head`) is at head."""
    return ReadinessCheck("migrations", lambda: require_head(engine, component, scripts=scripts))


def health_router(checks: Sequence[ReadinessCheck], *, timeout_s: float, logger: logging.Logger) -> APIRouter:
    """The router with `/healthz` and `/readyz`."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @router.get("/readyz", summary="The component can serve: every readiness check passes",
                responses={503: {"description": "at least one check failed"}})
    async def readyz() -> JSONResponse:
        results = await asyncio.gather(*(_run(check, timeout_s, logger) for check in checks))
        outcome = {check.name: ("ok" if passed else "failed") for check, passed in zip(checks, results, strict=True)}
        ready = all(results)
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": outcome},
                            status_code=200 if ready else 503)

    return router


async def _run(check: ReadinessCheck, timeout_s: float, logger: logging.Logger) -> bool:
    try:
        await asyncio.wait_for(asyncio.to_thread(check.check), timeout_s)
    except Exception as exc:
        log_unexpected(logger, exc, f"readiness check {check.name}")
        return False
    return True
