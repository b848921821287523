"""The ECA's apps, built from a loaded deployment: `create_eca_app(deployment, transport_to_ra=..., clock=...)`, or
`create_eca_app(deployment, ra_registry=..., clock=...)`.

The public app (at `/eca` in the embedded default) serves `POST /v3/enrollment-certificate`, `/healthz`,
`/readyz`, OpenAPI; the internal app (never on the public port) the RA's successor forwarding (`internal_api`,
errors always in the fine mode). The ECA asks the RA's registry through `ra_registry` when given (any
`RaRegistry`: the embedded default binds it to the RA's own operations in-process, `DirectRaRegistry`), else the
RA's internal API over a `PeerClient` (`HttpRaRegistry`): through
`transport_to_ra` (an httpx transport to the RA's internal app, `httpx.ASGITransport(app=ra.internal)` in the
embedded default and the tests, called as an `InProcessTransport`: the same requests to the same app, without the
httpx client's request building, which cost as much as the RA's answer), else over the network at `[ra] url`
(where, at scale, the RA's internal listener must answer: the configuration has no separate internal URL yet).
The database is migrated to head and the ECA key loaded (from the key store, checked against the ECA
certificate) when the apps are built: a missing or wrong key stops start-up.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from scms.deployment import Deployment
from scms.deployment.verification import TrustReport
from scms.services.common import (
    ErrorMode,
    InProcessTransport,
    PeerClient,
    create_component_app,
    create_database_engine,
    database_check,
    migrate_to_head,
    migrations_check,
    require_verified,
)
from scms.services.common.tasks import Clock, utc_now
from scms.services.eca.api import eca_router
from scms.services.eca.internal_api import internal_router
from scms.services.eca.issuer import EcaIssuer
from scms.services.eca.registry import HttpRaRegistry, RaRegistry
from scms.services.eca.service import EcaService
from scms.services.eca.settings import EcaSettings
from scms.services.eca.store import EnrollmentStore

__all__ = ["EcaApps", "create_eca_app"]


class EcaApps(NamedTuple):
    public: FastAPI
    internal: FastAPI
    """The RA's way in (`internal_api`): never mounted on the public port."""
    service: EcaService
    engine: Engine


class _Resources:
    """Closes the RA client and disposes of the database engine when the app stops."""

    def __init__(self, engine: Engine, client: PeerClient | None) -> None:
        self.engine = engine
        self.client = client

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        self.engine.dispose()


def _in_process(transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncBaseTransport | None:
    """An ASGI transport to the RA's app as an `InProcessTransport` (the same app, options and answers)."""
    if isinstance(transport, httpx.ASGITransport) and not isinstance(transport, InProcessTransport):
        return InProcessTransport(transport.app, transport.raise_app_exceptions, transport.root_path,
                                  transport.client)
    return transport


def create_eca_app(
    deployment: Deployment,
    *,
    transport_to_ra: httpx.AsyncBaseTransport | None = None,
    ra_registry: RaRegistry | None = None,
    clock: Clock = utc_now,
    database_url: str | None = None,
    verified: TrustReport | None = None,
) -> EcaApps:
    """The ECA's app (database migrated, key loaded); `database_url` overrides `[eca] database_url`. The RA's
    registry: `ra_registry`, else HTTP (through `transport_to_ra`, else at `[ra] url`). The deployment is verified
    first (`require_verified`; `verified`: a report that did it already)."""
    require_verified(deployment, "eca", clock, verified)
    settings = EcaSettings.from_deployment(deployment, database_url=database_url)
    issuer = EcaIssuer.from_deployment(deployment)
    engine = create_database_engine(settings.database)
    migrate_to_head(engine, "eca")
    client = None
    if ra_registry is None:
        peer = settings.ra if transport_to_ra is None else replace(settings.ra, base_url="http://ra-internal")
        client = PeerClient(peer, transport=_in_process(transport_to_ra))
        ra_registry = HttpRaRegistry(client)
    service = EcaService(settings, issuer, EnrollmentStore(engine), ra_registry, clock)
    readiness = (database_check(engine), migrations_check(engine, "eca"))
    app = create_component_app(
        "eca", settings.app, eca_router(service), readiness=readiness, lifecycle=(_Resources(engine, client),),
        description="Enrollment CA: `POST /v3/enrollment-certificate` (IEEE 1609.2.1 clause 6.3.4.2).",
    )
    internal = create_component_app(
        "eca-internal", replace(settings.app, error_mode=ErrorMode.FINE), internal_router(service),
        readiness=readiness,
        description="The ECA's internal API (successor enrollment forwarded by the RA); behind mTLS at scale.",
    )
    return EcaApps(app, internal, service, engine)
