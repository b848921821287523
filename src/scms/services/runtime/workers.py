"""The extra processes of `scms up --workers N` (docs/operations.md, "Several processes"): the request handlers of
the embedded default on more than one core.

The first process binds the listening socket (`scms.services.common.embedded.listening_socket`) and serves the
whole embedded SCMS on it, job runners and process pools included. `FrontEnds` starts N-1 more ("spawn": a fresh
interpreter that inherits nothing but the socket, handed over as uvicorn hands its own workers theirs); each opens
the same deployment (`open_embedded(background=False)`: verified again, the same databases, no job runner, no pool)
and serves the public apps on the inherited socket; the kernel gives each connection to one of the processes
accepting on it. Nothing in the flows assumes one process: their state is in the databases (SQLite in WAL mode
across processes, or PostgreSQL), and a job a front end commits (an accepted authorization request, a successor
enrollment) waits in the durable job table until the first process's runner claims it at its next poll
(`shared_polling`: 0.25 s for the RA); the in-process `wake` only shortens that wait.

Signals: a front end ignores SIGINT (Ctrl-C in a terminal reaches every process of the group: the first process
stops the others), stops gracefully on SIGTERM (exit 0), and stops when its parent is gone. A front end is never
restarted: one that stopped on SIGTERM (sent to it alone, or to the whole process group as service managers do)
is logged and the others serve on; one that failed (an exit status other than 0, or killed by another signal)
stops the SCMS: `FrontEnds.watch` logs it and sets the first process's stop event, and `scms up` exits 1 naming
it (a crash at start-up would only repeat; a service manager restarts the whole).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from scms.services.common.embedded import serve
from scms.services.runtime.assembly import EmbeddedSettings, open_embedded

__all__ = ["LOG_FORMAT", "FrontEnds", "WorkerDied", "shared_polling"]

LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
"""The log lines of `scms up`, each naming the process that wrote it."""

_SHARED_POLL_S = 0.25
_STOP_GRACE_S = 15.0   # uvicorn's graceful shutdown (10 s) and a margin
_LOG = logging.getLogger(__name__)


class WorkerDied(Exception):
    """A front-end process ended by itself (at start-up or while serving)."""


def shared_polling(settings: EmbeddedSettings | None) -> EmbeddedSettings:
    """`settings` for the first process when others accept requests: its RA runner polls the job table every
    0.25 s (at most), since the other processes cannot wake it."""
    settings = settings or EmbeddedSettings()
    poll = min(settings.ra_runner.poll_interval_s, _SHARED_POLL_S)
    return replace(settings, ra_runner=replace(settings.ra_runner, poll_interval_s=poll))


class FrontEnds:
    """`count` processes serving the embedded SCMS's public apps of `directory` on `listener`, without runners."""

    def __init__(self, directory: Path, listener: socket.socket, count: int, *, host: str,
                 settings: EmbeddedSettings | None = None, log_level: str = "info") -> None:
        self._context = multiprocessing.get_context("spawn")
        self._ready: Any = self._context.Queue()
        arguments = (directory, listener, host, settings, log_level, self._ready, os.getpid())
        self._processes: list[BaseProcess] = [
            self._context.Process(target=_front_end, args=arguments, name=f"scms-front-end-{n + 1}")
            for n in range(count)]
        self._stopping = False
        self.died: str | None = None
        """Why the SCMS stopped, when a front end ended by itself."""

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self._processes if process.pid is not None]

    def start(self, timeout_s: float = 120) -> None:
        """Start every process and wait until each serves; `WorkerDied` if one ends first (the others are left to
        `stop`)."""
        with _sigint_ignored():
            for process in self._processes:
                process.start()
        waiting, deadline = len(self._processes), time.monotonic() + timeout_s
        while waiting:
            try:
                self._ready.get(timeout=0.2)
                waiting -= 1
            except queue.Empty:
                ended = [process for process in self._processes if not process.is_alive()]
                if ended:
                    raise WorkerDied(_ended(ended[0], "during start-up")) from None
                if time.monotonic() > deadline:
                    raise WorkerDied(f"front-end processes not serving after {timeout_s:.0f} s") from None

    def watch(self, stop: threading.Event) -> None:
        """From now on, a process that ends by itself is logged, recorded in `died`, and sets `stop`."""
        threading.Thread(target=self._watch, args=(stop,), name="scms-front-end-watch", daemon=True).start()

    def _watch(self, stop: threading.Event) -> None:
        running = list(self._processes)
        while running:
            ended = wait([process.sentinel for process in running])
            if self._stopping:
                return
            for process in [process for process in running if process.sentinel in ended]:
                process.join(1)
                running.remove(process)
                if process.exitcode == 0:      # told to stop (SIGTERM to it alone, or to the whole group first)
                    _LOG.warning("front-end process %s stopped; the other processes serve on", process.pid)
                    continue
                self.died = _ended(process, "while serving") + "; the SCMS stops"
                _LOG.error("%s", self.died)
                stop.set()
                return

    def stop(self) -> None:
        """SIGTERM to every process, then wait for them (a graceful stop); SIGKILL to any left after 15 s."""
        self._stopping = True
        started = [process for process in self._processes if process.pid is not None]
        for process in started:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + _STOP_GRACE_S
        for process in started:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                _LOG.warning("front-end process %s did not stop within %.0f s: killed", process.pid, _STOP_GRACE_S)
                process.kill()
                process.join(5)
        self._ready.close()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while processes start (in the main thread): they inherit it through exec, so that a Ctrl-C
    never interrupts one before `_front_end` ignores it itself."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _ended(process: BaseProcess, when: str) -> str:
    return f"front-end process {process.pid} ended {when} (exit code {process.exitcode})"


def _front_end(directory: Path, listener: socket.socket, host: str, settings: EmbeddedSettings | None,
               log_level: str, ready: Any, parent: int) -> None:
    """A spawned process's main: the public apps on `listener` until SIGTERM or the parent's end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    logging.basicConfig(level=log_level.upper(), format=LOG_FORMAT)
    scms = open_embedded(directory, settings=settings, background=False)
    failed: list[BaseException] = []

    def run() -> None:
        # in a thread, so that uvicorn leaves the signals to this process's main thread (SIGINT stays ignored)
        try:
            serve(scms.app, host=host, listener=listener, stop=stop, log_level=log_level,
                  on_started=lambda _url: ready.put(os.getpid()))
        except BaseException as error:
            failed.append(error)
            raise

    server = threading.Thread(target=run, name="scms-front-end-server")
    try:
        server.start()
        while server.is_alive():
            server.join(0.5)
            if os.getppid() != parent:
                stop.set()
    finally:
        scms.close()
    if failed:
        raise SystemExit(1)
