"""Loading every process of a component's CPU pool before the first job needs it (docs/services.md "The job
queue").

A pool process starts cold: a spawned interpreter imports the package, compiles the ASN.1 modules and loads the
deployment (keys, certificates, trust) on its first task, which costs it most of a second. Jobs handed to a cold
pool wait for that, and when a job's steps are spread over the processes the slowest (cold) one decides when the
job ends. So a component whose runner has a pool enqueues a warm-up job when it starts (`enqueue_warm_up`); its
handler runs the component's loading function in every process (`warm_every_process`).

One task per process does not land in every process by itself: a process that is ready first (the others still
importing) would take its siblings' tasks too. So each task, once loaded, waits at a barrier (a directory where
every task that arrived leaves its process id) until one task per process has arrived, and only then gives its
process back; a process busy with other work for longer than `_BARRIER_S` does not keep the others waiting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from scms.services.common.database import begin_write
from scms.services.common.task_store import enqueue
from scms.services.common.tasks import JobContext

__all__ = ["enqueue_warm_up", "warm_every_process"]

_BARRIER_S = 5.0
"""How long a loaded process waits at the barrier for the tasks of the others (a busy process may never come)."""

_ROUNDS = 3
"""Rounds of one task per process before the job gives up on the processes that never arrived."""


def enqueue_warm_up(engine: Engine, kind: str, now: dt.datetime) -> None:
    """Commit a warm-up job of `kind` (one attempt: a warm-up that failed is not worth retrying; the first real job
    then loads its process itself)."""
    with begin_write(engine) as connection:
        enqueue(connection, kind, f"warm-up {secrets.token_hex(8)}", now=now, max_attempts=1)


async def warm_every_process(context: JobContext, processes: int, load: Callable[..., object], *args: object) -> str:
    """Run `load(*args)` (a module-level function, so that it pickles) in each of the pool's `processes`: a task
    per process, held at a barrier until all arrived; again for the processes that did not (at most `_ROUNDS`
    rounds). The job's result."""
    ready: set[int] = set()
    for _ in range(_ROUNDS):
        with tempfile.TemporaryDirectory(prefix="scms-warm-up-") as barrier:
            ready.update(await asyncio.gather(*(context.run_cpu(_load_and_wait, load, args, barrier, processes)
                                                for _ in range(processes))))
        if len(ready) >= processes:
            break
    return f"{len(ready)} processes ready"


def _load_and_wait(load: Callable[..., object], args: tuple[object, ...], barrier: str, processes: int) -> int:
    """In a pool process: `load(*args)`, then the barrier; the process id."""
    load(*args)
    pid = os.getpid()
    Path(barrier, str(pid)).touch()
    deadline = time.monotonic() + _BARRIER_S
    while len(os.listdir(barrier)) < processes and time.monotonic() < deadline:
        time.sleep(0.005)
    return pid
