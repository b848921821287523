"""The task queue interface and its in-process runner (the embedded default; docs/services.md, "Job queue").

A component enqueues a job row in the same transaction as the work it refers to (`enqueue`), commits, and then
calls `runner.wake()`. A runner claims due jobs by compare-and-set (`JobStore`), runs their handlers, and records
the outcome under its lease. `InProcessRunner` polls the database from an asyncio task and runs CPU-bound steps in
a process pool (`cpu_pool`: rebuilt when one of its processes dies); it can be stopped and started again, also on
another event loop (its loop-bound parts are made by `start`). A broker-backed runner (RabbitMQ, later) implements
the same `JobRunner` protocol, its `wake` publishing job ids and its workers claiming exactly those rows, so the
handlers and the guarantees do not change.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol, TypeVar

from scms.services.common.cpu_pool import ProcessPool
from scms.services.common.errors import log_unexpected
from scms.services.common.settings import RunnerSettings
from scms.services.common.task_store import Job, JobStore, Lease

__all__ = ["Clock", "Handler", "InProcessRunner", "JobContext", "JobRunner", "create_runner", "utc_now"]

T = TypeVar("T")
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The service edge's clock."""
    return dt.datetime.now(dt.UTC)


class JobContext:
    """What a handler may use besides its job: the CPU pool and threads for blocking I/O."""

    def __init__(self, job: Job, cpu: ProcessPool | None) -> None:
        self.job = job
        self._cpu = cpu

    async def run_cpu(self, function: Callable[..., T], *args: object) -> T:
        """Run `function(*args)` in the process pool (a thread when there is none); both must pickle. If a process
        of the pool dies, the call runs again on a new pool (`ProcessPool`): `function` may run more than once."""
        if self._cpu is None:
            return await asyncio.to_thread(function, *args)
        return await self._cpu.run(function, *args)

    async def run_io(self, function: Callable[..., T], *args: object) -> T:
        """Run blocking `function(*args)` (database, files) in a thread."""
        return await asyncio.to_thread(function, *args)


Handler = Callable[[Job, JobContext], Awaitable[str | None]]
"""Runs one job and returns its result (a short reference, stored in the row). It must be idempotent: a job whose
worker died is run again, so a handler records what it produced under unique keys and reuses what exists."""


class JobRunner(Protocol):
    """What a component holds: started and stopped with the app, woken after a job was committed."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def wake(self) -> None: ...


def create_runner(settings: RunnerSettings, store: JobStore, handlers: Mapping[str, Handler], *,
                  logger: logging.Logger, clock: Clock = utc_now) -> JobRunner:
    """The runner `settings.backend` names; only `in-process` exists so far."""
    if settings.backend == "in-process":
        return InProcessRunner(settings, store, handlers, logger=logger, clock=clock)
    raise ValueError(f"unknown task queue backend {settings.backend!r} (available: in-process)")


class InProcessRunner:
    """Claims and runs jobs from an asyncio task in this process; CPU steps in a process pool (spawned)."""

    def __init__(self, settings: RunnerSettings, store: JobStore, handlers: Mapping[str, Handler], *,
                 logger: logging.Logger, clock: Clock = utc_now) -> None:
        self.settings = settings
        self.store = store
        self.handlers = dict(handlers)
        self.owner = settings.worker_id or f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
        self._logger = logger
        self._clock = clock
        self._lease = dt.timedelta(seconds=settings.lease_s)
        self._active: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self._cpu: ProcessPool | None = None

    async def start(self) -> None:
        """Claim and run jobs from now on, on the running event loop (which may differ from a previous start's)."""
        if self._loop_task is not None:
            raise RuntimeError("runner already started")
        self._event_loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        if self.settings.cpu_workers:
            self._cpu = ProcessPool(self.settings.cpu_workers, logger=self._logger)
        self._loop_task = asyncio.create_task(self._claim_loop(self._wake), name=f"jobs-{self.owner}")

    def wake(self) -> None:
        """Look for due jobs now (callable from any thread)."""
        loop, event = self._event_loop, self._wake
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    async def stop(self) -> None:
        """Stop claiming; let running jobs finish within the grace period, release the rest for another worker."""
        if self._loop_task is None or self._wake is None:
            return
        self._stopping = True
        self._wake.set()
        await self._loop_task
        if self._active:
            _, unfinished = await asyncio.wait(self._active, timeout=self.settings.shutdown_grace_s)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        if self._cpu is not None:
            await asyncio.to_thread(self._cpu.shutdown)
        self._loop_task = self._cpu = self._wake = self._event_loop = None
        self._stopping = False

    async def _claim_loop(self, wake: asyncio.Event) -> None:
        while not self._stopping:
            wake.clear()
            while len(self._active) < self.settings.concurrency and not self._stopping:
                lease = await self._claim()
                if lease is None:
                    break
                task = asyncio.create_task(self._run(lease))
                self._active.add(task)
                task.add_done_callback(self._finished)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.settings.poll_interval_s)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._active.discard(task)
        if self._wake is not None:
            self._wake.set()

    async def _claim(self) -> Lease | None:
        try:
            return await asyncio.to_thread(self.store.claim, self.owner, kinds=tuple(self.handlers),
                                           now=self._clock(), lease=self._lease)
        except Exception as exc:  # the database is away: try again at the next poll
            log_unexpected(self._logger, exc, "job claim")
            return None

    async def _run(self, lease: Lease) -> None:
        renewer = asyncio.create_task(self._renew(lease))
        try:
            result = await self.handlers[lease.job.kind](lease.job, JobContext(lease.job, self._cpu))
        except asyncio.CancelledError:
            await self._record(self.store.release, lease, now=self._clock())
            raise
        except Exception as exc:
            log_unexpected(self._logger, exc, f"job {lease.job.id} ({lease.job.kind}) attempt {lease.attempt}")
            await self._record(self.store.fail, lease, type(exc).__qualname__, now=self._clock(),
                               retry_delay=dt.timedelta(seconds=self.settings.retry_delay_s))
        else:
            if not await self._record(self.store.complete, lease, result, now=self._clock()):
                self._logger.warning("job %s: lease lost before completion; result dropped", lease.job.id)
        finally:
            renewer.cancel()

    async def _renew(self, lease: Lease) -> None:
        current: Lease | None = lease
        while current is not None:
            await asyncio.sleep(self.settings.lease_s / 3)
            current = await self._record(self.store.renew, current, now=self._clock(), lease=self._lease)

    async def _record(self, change: Callable[..., T], *args: object, **kwargs: object) -> T | None:
        try:
            return await asyncio.shield(asyncio.to_thread(change, *args, **kwargs))
        except Exception as exc:  # the lease will expire and the job run again
            log_unexpected(self._logger, exc, "job state change")
            return None
