"""A linkage authority's app, built from a loaded deployment: `create_la_app(deployment, "la1" | "la2", clock=...)`.

One code base, two LAs: `which` picks the configuration section, the key shared with the ACA and the database
(each LA its own; the Alembic chain is "la" in both). The app serves the internal routes of `scms.services.la.api`,
`/healthz`, `/readyz` and OpenAPI; in the embedded default it is mounted at `/la1` or `/la2`. The database is
migrated to head and the key loaded (mode checked) when the app is built: a missing key stops start-up.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from fastapi import FastAPI
from sqlalchemy import Engine

from scms.deployment import Deployment
from scms.deployment.verification import TrustReport
from scms.services.common import (
    create_component_app,
    create_database_engine,
    database_check,
    migrate_to_head,
    migrations_check,
    require_verified,
)
from scms.services.common.tasks import Clock, utc_now
from scms.services.la.api import plv_router, seed_router
from scms.services.la.service import LaService
from scms.services.la.settings import RELEASE_TOKEN, LaSettings
from scms.services.la.store import ChainStore

__all__ = ["LaApps", "create_la_app"]

_LOG = logging.getLogger(__name__)
_CHAIN = "la"
"""The migration chain of both LAs (scripts in scms/services/la/migrations/)."""


class LaApps(NamedTuple):
    app: FastAPI
    """The LA's internal API (the RA's and the MA's ways in), health and OpenAPI: what an LA process serves."""
    service: LaService
    engine: Engine
    public: FastAPI
    """The seed release (bearer token), health, readiness and OpenAPI, without the RA's pre-linkage values: what
    the embedded default mounts on its one public port. Both apps run the service's lifecycle in their lifespan;
    run the lifespan of one of them only."""


def create_la_app(deployment: Deployment, which: str = "la1", *, clock: Clock = utc_now,
                  database_url: str | None = None, release_token: bytes | None = None,
                  verified: TrustReport | None = None) -> LaApps:
    """The app of LA `which` ("la1" or "la2"); `database_url` overrides `[laN] database_url`, `release_token` the
    deployment's seed-release token. The deployment is verified first (`require_verified`; `verified`: a report
    that did it already)."""
    require_verified(deployment, which, clock, verified)
    settings = LaSettings.from_deployment(deployment, which, database_url=database_url, release_token=release_token)
    engine = create_database_engine(settings.database)
    migrate_to_head(engine, _CHAIN)
    service = LaService(settings, ChainStore(engine, settings.la_id), clock)
    if settings.release_token is None:
        _LOG.warning("%s: no seed-release token (secret %r): linkage seeds cannot be released", which, RELEASE_TOKEN)
    readiness = (database_check(engine), migrations_check(engine, _CHAIN))
    app = create_component_app(
        which, settings.app, plv_router(service), seed_router(service), readiness=readiness, lifecycle=(service,),
        description=f"Linkage authority {which} (LaId {settings.la_id}): pre-linkage values for the RA, encrypted "
                    "for the ACA; linkage seeds for the MA. Internal API, JSON (docs/services.md).",
    )
    public = create_component_app(
        which, settings.app, seed_router(service), readiness=readiness, lifecycle=(service,),
        description=f"Linkage authority {which}: linkage seeds for the MA or the operator (bearer token); the "
                    "pre-linkage values are the RA's only, in-process (docs/operations.md).",
    )
    return LaApps(app, service, engine, public)
