"""SIGINT (Ctrl-C) and SIGTERM for `scms up`: both stop it cleanly, exit status 0, no traceback.

Before the server runs (the deployment being created, verified, its components built), a signal stops start-up
(`Interrupted`). While it runs, uvicorn's own handlers take the signal and shut the server down gracefully (the
lifespans stop the job runners, shut the process pools down and close the databases); afterwards uvicorn raises
the signal again for the handler it replaced, this one, which then only sets `stop` (by default SIGTERM would kill
the process and SIGINT raise KeyboardInterrupt out of the event loop). `stop` is also the server's stop event, so a
signal in the instant before uvicorn installs its handlers is not lost.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType

__all__ = ["Interrupted", "StopSignals"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(Exception):
    """A signal arrived before the server ran."""

    def __init__(self, name: str) -> None:
        super().__init__(f"stopped by {name} before the server started")
        self.name = name


class StopSignals:
    """Installs the handlers for the block (main thread only); `serving()` once the server is about to run."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.received: str | None = None
        self._serving = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        self._previous = {sig: signal.signal(sig, self._handle) for sig in _SIGNALS}
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
                 ) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]  # what signal.signal returned

    def serving(self) -> None:
        self._serving = True

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        self.received = signal.Signals(signum).name
        self.stop.set()
        if not self._serving:
            raise Interrupted(self.received)
