"""The RA's apps, built from a loaded deployment: `create_ra_app(deployment, clock=...) -> RaApps`.

Two ASGI apps share one registry (database) and one clock:

* `public`: what EEs and the operator reach, at `/ra` in the embedded default: the operator's registration API
  (`registration_api`), `/healthz`, `/readyz`, OpenAPI, and the RA's 1609.2.1 REST API v3 (`issuing_app`:
  authorization certificates, successor enrollment, distribution centre; its job runner runs in the app's
  lifespan); `routers=` adds more;
* `internal`: the routes other components call (`internal_api`; `internal_routers=` for more), never mounted on
  the public port: in-process through an httpx ASGI transport in the embedded default and the tests, behind mutual
  TLS on its own listener at scale. Its errors are always rendered in the fine mode (a peer needs the code).

The database is migrated to head when the apps are built; the clock is read only by the handlers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

import httpx
from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from scms.deployment import Deployment
from scms.deployment.verification import TrustReport
from scms.services.common import (
    ErrorMode,
    RunnerSettings,
    create_component_app,
    create_database_engine,
    database_check,
    migrate_to_head,
    require_verified,
)
from scms.services.common.health import migrations_check
from scms.services.common.tasks import Clock, utc_now
from scms.services.ra.devices import DeviceStore
from scms.services.ra.internal_api import internal_router
from scms.services.ra.issuing_app import issuing_parts
from scms.services.ra.issuing_settings import GenerationSettings
from scms.services.ra.registration_api import registration_router
from scms.services.ra.service import RaService
from scms.services.ra.settings import RaSettings

__all__ = ["RaApps", "create_ra_app"]

_DESCRIPTION = (
    "Registration authority. `/v3/...`: the IEEE 1609.2.1 REST API v3 (authorization certificates, successor "
    "enrollment, distribution centre; COER). `/registration/v1/...`: the operator's device registration (JSON, "
    "bearer token). The internal API for the ECA is a separate app, not served here."
)


class RaApps(NamedTuple):
    public: FastAPI
    internal: FastAPI
    settings: RaSettings
    engine: Engine
    devices: DeviceStore
    service: RaService
    """The certificate side (authorization, successor enrollment, distribution centre; `issuing_app`)."""


class _Engine:
    """Disposes of the database engine when the public app stops."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self.engine.dispose()


def create_ra_app(
    deployment: Deployment,
    *,
    clock: Clock = utc_now,
    database_url: str | None = None,
    routers: Sequence[APIRouter] = (),
    internal_routers: Sequence[APIRouter] = (),
    runner: RunnerSettings | None = None,
    generation: GenerationSettings | None = None,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    verified: TrustReport | None = None,
) -> RaApps:
    """The RA's public and internal apps (the database migrated to head); `database_url` overrides `[ra]`.
    `runner`, `generation` and `transports` (to la1, la2, aca, eca by name) go to the certificate side. The
    deployment is verified first (`require_verified`; `verified`: a report that did it already)."""
    require_verified(deployment, "ra", clock, verified)
    settings = RaSettings.from_deployment(deployment, database_url=database_url)
    engine = create_database_engine(settings.database)
    migrate_to_head(engine, "ra")
    devices = DeviceStore(engine)
    issuing = issuing_parts(deployment, engine, devices, clock=clock, runner=runner, generation=generation,
                            transports=transports)
    readiness = (database_check(engine), migrations_check(engine, "ra"))
    public = create_component_app(
        "ra", settings.app, registration_router(settings, devices, clock), *issuing.routers, *routers,
        readiness=readiness, lifecycle=(_Engine(engine), *issuing.lifecycle), description=_DESCRIPTION,
    )
    internal = create_component_app(
        "ra-internal", replace(settings.app, error_mode=ErrorMode.FINE), internal_router(devices, clock),
        *internal_routers, readiness=readiness,
        description="The RA's internal API (ECA registration checks and lifecycle updates); behind mTLS at scale.",
    )
    return RaApps(public, internal, settings, engine, devices, issuing.service)
