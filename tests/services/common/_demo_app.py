"""A small component app for the tests: one route per behaviour of the common HTTP edge."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query

from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.services.common import (
    COER_REQUEST_BODY,
    AppSettings,
    CoerBody,
    PeerError,
    ReadinessCheck,
    coer_response,
    create_component_app,
)
from scms.services.common.http_app import Lifecycle

SECRET = "d0e1f2-private-scalar-do-not-log"


class Calls:
    """What the handlers saw (to prove a refused request never reached one)."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []


class Part:
    """A background part (as the job runner is) that records when it is started and stopped."""

    def __init__(self, name: str, log: list[str], *, fail: bool = False) -> None:
        self.name, self.log, self.fail = name, log, fail

    async def start(self) -> None:
        if self.fail:
            raise RuntimeError("cannot start")
        self.log.append(f"start {self.name}")

    async def stop(self) -> None:
        self.log.append(f"stop {self.name}")


def demo_router(calls: Calls) -> APIRouter:
    router = APIRouter()

    @router.post("/v3/echo", openapi_extra=COER_REQUEST_BODY)
    async def echo(body: CoerBody) -> object:
        calls.bodies.append(body)
        return coer_response(body[::-1], filename="echo_1.oer")

    @router.get("/v3/fail/{name}")
    async def fail(name: str) -> None:
        raise Ieee1609Error(ErrorCode[name], f"detail naming a field, {SECRET}")

    @router.get("/v3/crash")
    async def crash() -> None:
        raise ValueError(f"library message with {SECRET}")

    @router.get("/v3/ctl")
    async def ctl(ctl_series_id: Annotated[str, Query(alias="ctlSeriesId", pattern="^[0-9a-f]{16}$")]) -> str:
        return ctl_series_id

    @router.get("/v3/slow")
    async def slow() -> str:
        await asyncio.sleep(0.5)
        return "late"

    @router.get("/v3/peer")
    async def peer() -> None:
        raise PeerError("eca", "ConnectError")

    return router


def demo_app(settings: AppSettings, calls: Calls | None = None, *, readiness: tuple[ReadinessCheck, ...] = (),
             lifecycle: tuple[Lifecycle, ...] = ()) -> FastAPI:
    return create_component_app("demo", settings, demo_router(calls or Calls()), readiness=readiness,
                                lifecycle=lifecycle)
