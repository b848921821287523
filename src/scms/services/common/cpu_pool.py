"""The process pool of the in-process runner (`JobContext.run_cpu`): CPU-bound steps (signing, butterfly expansion,
verifying batches) in `spawn`ed processes, kept usable when one of them dies.

A `concurrent.futures.ProcessPoolExecutor` whose process dies (killed by the OOM killer or an operator, a crash in
native code) is broken for good: the step it ran and every later one fail with `BrokenProcessPool`. `ProcessPool`
replaces a broken executor with a new one and runs the step again, at most `attempts` times in all; a step that
keeps killing its process fails with `BrokenProcessPool` after that (its job is then retried or failed by the job
queue's own bound), and the next step gets a fresh pool. A step may therefore run more than once; the functions
given to `run_cpu` compute from their arguments and store nothing (the handler stores, idempotently).

Each process ignores SIGINT: Ctrl-C reaches the terminal's whole process group, and the runner stops the pool
itself (`InProcessRunner.stop`), so a worker does not die with a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

__all__ = ["ProcessPool"]

T = TypeVar("T")


def _ignore_interrupts() -> None:
    """Run first in each pool process (see the module docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessPool:
    """`workers` spawned processes; a broken executor is replaced (see the module docstring)."""

    def __init__(self, workers: int, *, logger: logging.Logger, attempts: int = 3) -> None:
        if workers < 1 or attempts < 1:
            raise ValueError("a process pool needs 1 worker or more and 1 attempt or more")
        self.workers = workers
        self.attempts = attempts
        self.rebuilt = 0
        """How many times a broken executor was replaced: for tests and metrics."""
        self._logger = logger
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_ignore_interrupts)

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` in a process of the pool (both must pickle); again on a new pool if the pool broke."""
        loop = asyncio.get_running_loop()
        attempt = 1
        while True:
            executor = self._executor
            try:
                return await loop.run_in_executor(executor, function, *args)
            except BrokenProcessPool:
                if attempt >= self.attempts:
                    raise
                attempt += 1
                self._replace(executor)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A new executor instead of `broken`, unless another step replaced it already (its failure came first)."""
        if self._executor is not broken:
            return
        self._executor = self._new_executor()
        self.rebuilt += 1
        self._logger.warning("process pool broken (a worker process died): replaced by a new pool of %d",
                             self.workers)
        broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the processes, waiting for the steps they run (blocking: call it from a thread)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
