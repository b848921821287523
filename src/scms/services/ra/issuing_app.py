"""The RA's certificate side as parts of its public app (`create_ra_app` adds them): the service, its REST API v3
routers (authorization certificates, successor enrollment, distribution centre) and what runs beside the app (the
job runner with the `ra.generate`, `ra.dispatch`, `ra.successor` and `ra.warm-up` handlers; the peer clients,
closed at stop; with a process pool, the warm-up job enqueued at start).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import httpx
from fastapi import APIRouter
from sqlalchemy import Engine

from scms.deployment import Deployment
from scms.services.common import (
    Job,
    JobContext,
    Lifecycle,
    RunnerSettings,
    create_runner,
    enqueue_warm_up,
    warm_every_process,
)
from scms.services.common.tasks import Clock, Handler
from scms.services.ra.authorization_routes import authorization_router
from scms.services.ra.authorization_store import DISPATCH_JOB, GENERATE_JOB
from scms.services.ra.devices import DeviceStore
from scms.services.ra.distribution_routes import distribution_router
from scms.services.ra.distribution_source import PublishedSource
from scms.services.ra.generation import Generator
from scms.services.ra.generation_cpu import warm_up
from scms.services.ra.issuing_settings import GenerationSettings, IssuingSettings
from scms.services.ra.service import RaService, create_ra_service
from scms.services.ra.successor_flows import forward_successor
from scms.services.ra.successor_store import SUCCESSOR_JOB

__all__ = ["WARM_UP_JOB", "IssuingParts", "issuing_parts"]

WARM_UP_JOB = "ra.warm-up"
"""The job that loads the generation side (`generation_cpu.warm_up`) in each process of the pool at start."""


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


class _PoolWarmUp:
    """With a process pool: the warm-up job, enqueued once the job runner runs. A cold process spends most of a
    second loading, and a request's signing and verifying steps are spread over the processes, so a request that
    met a cold one waited for it."""

    def __init__(self, service: RaService, processes: int) -> None:
        self.service = service
        self.processes = processes

    async def start(self) -> None:
        if self.processes:
            await asyncio.to_thread(enqueue_warm_up, self.service.jobs.engine, WARM_UP_JOB, self.service.clock())
            self.service.wake()

    async def stop(self) -> None:
        pass

    async def job(self, job: Job, context: JobContext) -> str:
        """The `ra.warm-up` job: `generation_cpu.warm_up` in every process of the pool."""
        service = self.service
        return await warm_every_process(context, self.processes, warm_up, str(service.settings.deployment_dir),
                                        int(service.now()))


@dataclass(frozen=True)
class IssuingParts:
    service: RaService
    routers: tuple[APIRouter, ...]
    lifecycle: tuple[Lifecycle, ...]
    """Started in order, stopped in reverse: the peer clients, the job runner, the pool's warm-up."""


def issuing_parts(deployment: Deployment, engine: Engine, devices: DeviceStore, *, clock: Clock,
                  runner: RunnerSettings | None = None, generation: GenerationSettings | None = None,
                  transports: Mapping[str, httpx.AsyncBaseTransport] | None = None) -> IssuingParts:
    """The service on `engine` (already migrated), its routers and background parts."""
    settings = IssuingSettings.from_deployment(deployment, generation=generation)
    service = create_ra_service(deployment, engine, devices, clock=clock, settings=settings, transports=transports)
    generator = Generator(service)
    runner = runner or RunnerSettings()
    warm = _PoolWarmUp(service, runner.cpu_workers)
    handlers: dict[str, Handler] = {
        GENERATE_JOB: generator.plan,
        DISPATCH_JOB: generator.dispatch,
        SUCCESSOR_JOB: partial(forward_successor, service),
        WARM_UP_JOB: warm.job,
    }
    job_runner = create_runner(runner, service.jobs, handlers,
                               logger=logging.getLogger("scms.services.ra.jobs"), clock=clock)
    service.runner = job_runner
    published = PublishedSource(deployment, service.keys.signing, service.now)
    routers = (authorization_router(service), distribution_router(published.current))
    return IssuingParts(service, routers, (_Peers(service), job_runner, warm))
