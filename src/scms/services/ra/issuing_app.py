"""The RA's certificate side as parts of its public app (`create_ra_app` adds them): the service, its REST API v3
routers (authorization certificates, successor enrollment, distribution centre) and what runs beside the app (the
job runner with the `ra.generate`, `ra.dispatch` and `ra.successor` handlers; the peer clients, closed at stop).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import httpx
from fastapi import APIRouter
from sqlalchemy import Engine

from scms.deployment import Deployment
from scms.services.common import Lifecycle, RunnerSettings, create_runner
from scms.services.common.tasks import Clock, Handler
from scms.services.ra.authorization_routes import authorization_router
from scms.services.ra.authorization_store import DISPATCH_JOB, GENERATE_JOB
from scms.services.ra.devices import DeviceStore
from scms.services.ra.distribution_routes import distribution_router
from scms.services.ra.distribution_source import PublishedSource
from scms.services.ra.generation import Generator
from scms.services.ra.issuing_settings import GenerationSettings, IssuingSettings
from scms.services.ra.service import RaService, create_ra_service
from scms.services.ra.successor_flows import forward_successor
from scms.services.ra.successor_store import SUCCESSOR_JOB

__all__ = ["IssuingParts", "issuing_parts"]


class _Peers:
    def __init__(self, service: RaService) -> None:
        self.service = service
        self._stopped = False

    async def start(self) -> None:
        if self._stopped:  # the lifespan runs again (another event loop): fresh clients
            self.service.peers.reopen()

    async def stop(self) -> None:
        await self.service.peers.aclose()
        self._stopped = True


@dataclass(frozen=True)
class IssuingParts:
    service: RaService
    routers: tuple[APIRouter, ...]
    lifecycle: tuple[Lifecycle, ...]
    """Started in order, stopped in reverse: the peer clients, then the job runner."""


def issuing_parts(deployment: Deployment, engine: Engine, devices: DeviceStore, *, clock: Clock,
                  runner: RunnerSettings | None = None, generation: GenerationSettings | None = None,
                  transports: Mapping[str, httpx.AsyncBaseTransport] | None = None) -> IssuingParts:
    """The service on `engine` (already migrated), its routers and background parts."""
    settings = IssuingSettings.from_deployment(deployment, generation=generation)
    service = create_ra_service(deployment, engine, devices, clock=clock, settings=settings, transports=transports)
    generator = Generator(service)
    handlers: dict[str, Handler] = {
        GENERATE_JOB: generator.plan,
        DISPATCH_JOB: generator.dispatch,
        SUCCESSOR_JOB: partial(forward_successor, service),
    }
    job_runner = create_runner(runner or RunnerSettings(), service.jobs, handlers,
                               logger=logging.getLogger("scms.services.ra.jobs"), clock=clock)
    service.runner = job_runner
    published = PublishedSource(deployment, service.keys.signing, service.now)
    routers = (authorization_router(service), distribution_router(published.current))
    return IssuingParts(service, routers, (_Peers(service), job_runner))
