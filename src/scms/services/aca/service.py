"""What the ACA's flows work with: settings, the request store, the job queue and its runner, the clock.

The service is the app's lifecycle part: `start` starts the job runner (and its process pool), `stop` stops it
and closes the database's connections. `progress` wakes the calls waiting for answers as soon as a job in this
process stored its answers (answers stored by another process are seen by polling, `AcaSettings.poll_s`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from functools import partial

from sqlalchemy import Engine

from scms.dot2.time import Time32
from scms.services.aca.settings import AcaSettings
from scms.services.aca.store import RequestStore
from scms.services.common import Job, JobContext, JobStore, create_runner, enqueue_warm_up
from scms.services.common.tasks import Clock

__all__ = ["WARM_UP_KIND", "AcaService", "Progress"]

_LOG = logging.getLogger("scms.services.aca")
WARM_UP_KIND = "aca.warm-up"
"""The job that loads the issuing side in each process of the pool when the service starts."""


class Progress:
    """A signal from the jobs to the waiting calls of this process: "a job stored its answers"."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout_s: float) -> bool:
        """Until the next notification (True), or `timeout_s` (False)."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout_s)
        except TimeoutError:
            return False
        return True


class AcaService:
    def __init__(self, settings: AcaSettings, engine: Engine, clock: Clock,
                 handlers: Mapping[str, Callable[[AcaService, Job, JobContext], Awaitable[str | None]]]) -> None:
        """`handlers[kind](service, job, context)` runs the jobs of each kind (`JOB_KIND`: `flows.issue_job`,
        `WARM_UP_KIND`: `flows.warm_up_job`)."""
        self.settings = settings
        self.store = RequestStore(engine)
        self.jobs = JobStore(engine)
        self.clock = clock
        """The only clock of the ACA (tests pass a fixed one)."""
        self.progress = Progress()
        self.runner = create_runner(settings.runner, self.jobs,
                                    {kind: partial(handler, self) for kind, handler in handlers.items()},
                                    logger=_LOG, clock=clock)

    def now(self) -> Time32:
        """The clock as Time32 (time-leapSeconds of the policy)."""
        return Time32.from_datetime(self.clock(), self.settings.leap_seconds)

    async def start(self) -> None:
        """Start the job runner and, with a process pool, the warm-up of its processes (`flows.warm_up_job`)."""
        self.progress = Progress()                 # its events belong to the event loop the service runs in
        await self.runner.start()
        if self.settings.runner.cpu_workers:
            await asyncio.to_thread(enqueue_warm_up, self.store.engine, WARM_UP_KIND, self.clock())
            self.runner.wake()

    async def stop(self) -> None:
        await self.runner.stop()
        self.store.engine.dispose()
