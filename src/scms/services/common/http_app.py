"""`create_component_app`: the FastAPI app every component (RA, ECA, ACA, LA, MA) is built on.

It adds to the component's routers what all of them share (docs/services.md):
- one renderer for `Ieee1609Error` (fine: status + `Ieee-1609.2.1-Error: <status>-<code>`; coarse: bare 500),
  request validation errors as 400-42 (failed parsing), `PeerError` as 503 (coarse: 500), and any other exception
  as a bare 500, logged by class and frames only;
- request bodies over `max_body_bytes` refused before the handler runs;
- `/healthz`, `/readyz` (the readiness checks given), OpenAPI at `/openapi.json` and Swagger UI at `/docs`;
- a lifespan that starts the given background parts (the job runner) in order and stops them in reverse.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.responses import Response

from scms import __version__
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.services.common.body_limit import BodyLimitMiddleware
from scms.services.common.errors import PeerError, render_error, render_peer_error
from scms.services.common.guard import UnexpectedErrorMiddleware
from scms.services.common.health import ReadinessCheck, health_router
from scms.services.common.settings import AppSettings

__all__ = ["Lifecycle", "create_component_app"]


class Lifecycle(Protocol):
    """A part that runs beside the HTTP app (the job runner): started at startup, stopped at shutdown."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def create_component_app(name: str, settings: AppSettings, *routers: APIRouter,
                         readiness: Sequence[ReadinessCheck] = (), lifecycle: Sequence[Lifecycle] = (),
                         description: str = "") -> FastAPI:
    """The app of component `name` (`ra`, `eca`, ...) with `routers` mounted at its root."""
    logger = logging.getLogger(f"scms.services.{name}")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        started: list[Lifecycle] = []
        try:
            for part in lifecycle:
                await part.start()
                started.append(part)
            yield
        finally:
            for part in reversed(started):
                await part.stop()

    app = FastAPI(title=f"SCMS {name.upper()}", description=description, version=__version__,
                  docs_url="/docs", redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan)
    _install_error_handlers(app, settings, logger)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, error_mode=settings.error_mode)
    app.add_middleware(UnexpectedErrorMiddleware, logger=logger)  # added last: outermost of ours
    for router in routers:
        app.include_router(router)
    app.include_router(health_router(readiness, timeout_s=settings.readiness_timeout_s, logger=logger))
    return app


def _install_error_handlers(app: FastAPI, settings: AppSettings, logger: logging.Logger) -> None:
    mode = settings.error_mode

    async def on_ieee1609_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Ieee1609Error)
        logger.info("%s %s: %s", request.method, request.url.path, exc)
        return render_error(exc, mode)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        fields = sorted({".".join(str(part) for part in error.get("loc", ())) for error in exc.errors()})
        return await on_ieee1609_error(request, Ieee1609Error(ErrorCode.FAILED_PARSING, f"invalid {fields}"))

    async def on_peer_error(request: Request, exc: Exception) -> Response:
        logger.warning("%s %s: %s", request.method, request.url.path, exc)
        return render_peer_error(mode)

    app.add_exception_handler(Ieee1609Error, on_ieee1609_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(PeerError, on_peer_error)
