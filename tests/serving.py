"""Serve an ASGI app on a free local port in a thread, for tests that talk real HTTP (one helper, not a copy per
test module)."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Any

from scms.services.common import serve


@contextlib.contextmanager
def served(app: Any, *, timeout: float = 30) -> Iterator[str]:
    """The base URL of `app` served by uvicorn on port 0; stopped (and the thread joined) on exit."""
    started: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(app,),
                              kwargs={"port": 0, "on_started": started.put, "stop": stop, "log_level": "warning"})
    thread.start()
    try:
        yield started.get(timeout=timeout)
    finally:
        stop.set()
        thread.join(timeout=timeout)
    assert not thread.is_alive()
