"""The RA's apps, built from a loaded deployment: `create_ra_app(deployment, clock=...) -> RaApps`.

Two ASGI apps share one registry (database) and one clock:

* `public`: what EEs and the operator reach, at `/ra` in the embedded default: the operator's registration API
  (`registration_api`), `/healthz`, `/readyz`, OpenAPI. The RA's 1609.2.1 REST API v3 routers join it here
  (`routers=`);
* `internal`: the routes other components call (`internal_api`; `internal_routers=` for more), never mounted on
  the public port: in-process through an httpx ASGI transport in the embedded default and the tests, behind mutual
  TLS on its own listener at scale. Its errors are always rendered in the fine mode (a peer needs the code).

The database is migrated to head when the apps are built; the clock is read only by the handlers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from scms.deployment import Deployment
from scms.services.common import (
    ErrorMode,
    create_component_app,
    create_database_engine,
    database_check,
    migrate_to_head,
)
from scms.services.common.health import migrations_check
from scms.services.common.tasks import Clock, utc_now
from scms.services.ra.devices import DeviceStore
from scms.services.ra.internal_api import internal_router
from scms.services.ra.registration_api import registration_router
from scms.services.ra.settings import RaSettings

__all__ = ["RaApps", "create_ra_app"]

_DESCRIPTION = (
    "Registration authority. `/registration/v1/...`: the operator's device registration (JSON, bearer token). "
    "The internal API for the ECA is a separate app, not served here."
)


class RaApps(NamedTuple):
    public: FastAPI
    internal: FastAPI
    settings: RaSettings
    engine: Engine
    devices: DeviceStore


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
) -> RaApps:
    """The RA's public and internal apps (the database migrated to head); `database_url` overrides `[ra]`."""
    settings = RaSettings.from_deployment(deployment, database_url=database_url)
    engine = create_database_engine(settings.database)
    migrate_to_head(engine, "ra")
    devices = DeviceStore(engine)
    readiness = (database_check(engine), migrations_check(engine, "ra"))
    public = create_component_app(
        "ra", settings.app, registration_router(settings, devices, clock), *routers,
        readiness=readiness, lifecycle=(_Engine(engine),), description=_DESCRIPTION,
    )
    internal = create_component_app(
        "ra-internal", replace(settings.app, error_mode=ErrorMode.FINE), internal_router(devices, clock),
        *internal_routers, readiness=readiness,
        description="The RA's internal API (ECA registration checks and lifecycle updates); behind mTLS at scale.",
    )
    return RaApps(public, internal, settings, engine, devices)
