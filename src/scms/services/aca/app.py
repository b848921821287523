"""The ACA's app, built from a loaded deployment: `create_aca_app(deployment, clock=...)`.

The app serves the internal route of `scms.services.aca.api`, `/healthz`, `/readyz` and OpenAPI; in the embedded
default it is mounted at `/aca`. Its lifespan starts the job runner, whose process pool verifies and issues. When
the app is built the database is migrated to head and the issuing side is loaded once in this process (keys,
mode-checked and matched to the ACA certificate; the CTL's trust): a missing key or trust stops start-up here, not
at the first request.
"""

from __future__ import annotations

from typing import NamedTuple

from fastapi import FastAPI
from sqlalchemy import Engine

from scms.deployment import Deployment
from scms.deployment.verification import TrustReport
from scms.services.aca.api import aca_router
from scms.services.aca.flows import issue_job, warm_up_job
from scms.services.aca.service import WARM_UP_KIND, AcaService
from scms.services.aca.settings import AcaSettings
from scms.services.aca.store import JOB_KIND
from scms.services.aca.worker import worker_for
from scms.services.common import (
    RunnerSettings,
    create_component_app,
    create_database_engine,
    database_check,
    migrate_to_head,
    migrations_check,
    require_verified,
)
from scms.services.common.tasks import Clock, utc_now

__all__ = ["AcaApps", "create_aca_app"]


class AcaApps(NamedTuple):
    app: FastAPI
    """The ACA's internal API (the RA's way in), health and OpenAPI: what an ACA process serves on its own."""
    service: AcaService
    engine: Engine
    public: FastAPI
    """Health, readiness and OpenAPI only: what the embedded default mounts on its one public port. Both apps run
    the service's job runner in their lifespan; run the lifespan of one of them only."""


def create_aca_app(deployment: Deployment, *, clock: Clock = utc_now, database_url: str | None = None,
                   runner: RunnerSettings | None = None, verified: TrustReport | None = None) -> AcaApps:
    """The ACA's app; `database_url` overrides `[aca] database_url`, `runner` the job runner (`default_runner`).
    The deployment is verified first (`require_verified`; `verified`: a report that did it already)."""
    require_verified(deployment, "aca", clock, verified)
    settings = AcaSettings.from_deployment(deployment, database_url=database_url, runner=runner)
    engine = create_database_engine(settings.database)
    migrate_to_head(engine, "aca")
    service = AcaService(settings, engine, clock, {JOB_KIND: issue_job, WARM_UP_KIND: warm_up_job})
    worker_for(str(settings.deployment_root), service.now())
    readiness = (database_check(engine), migrations_check(engine, "aca"))
    app = create_component_app(
        "aca", settings.app, aca_router(service), readiness=readiness, lifecycle=(service,),
        description="Authorization CA: pseudonym and identification certificates for batches of the RA's "
                    "RaAcaCertRequestSpdus (IEEE 1609.2.1 clause 6.3.3). Internal API (docs/services.md).",
    )
    public = create_component_app(
        "aca", settings.app, readiness=readiness, lifecycle=(service,),
        description="Authorization CA: health and readiness only; its API is internal (the RA's, docs/services.md).",
    )
    return AcaApps(app, service, engine, public)
