"""The embedded default (DESIGN, "Runtime"): every component in one ASGI app on one port, each under its prefix.

`mount_components` puts the component apps under `/ra`, `/eca`, `/aca`, `/la1`, `/la2`, `/ma` (so
`http://HOST:PORT/ra/v3/ra-certificate`) and runs their lifespans (job runners) inside its own, since a mounted
app's lifespan would otherwise never run (`lifespans=False`: the apps alone, for the extra processes of `scms up
--workers N`, which leave the job runners to the first). `serve` runs an ASGI app with uvicorn until Ctrl-C, SIGTERM
or `stop`, on its own socket or on one `listening_socket` made beforehand (shared by several processes).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp

__all__ = ["COMPONENT_PREFIXES", "listening_socket", "mount_components", "serve"]

COMPONENT_PREFIXES = ("/ra", "/eca", "/aca", "/la1", "/la2", "/ma")
"""The path prefixes of the embedded default, one per component."""

_LOG = logging.getLogger(__name__)


def mount_components(apps: Mapping[str, Starlette], *, lifespans: bool = True) -> Starlette:
    """One app serving each of `apps` (prefix -> component app) under its prefix, with their lifespans (or none)."""
    for prefix in apps:
        if prefix not in COMPONENT_PREFIXES:
            raise ValueError(f"unknown component prefix {prefix!r} (known: {', '.join(COMPONENT_PREFIXES)})")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for app in apps.values():
                await stack.enter_async_context(app.router.lifespan_context(app))
            yield

    routes = [Mount(prefix, app=app) for prefix, app in apps.items()]
    return Starlette(routes=routes, lifespan=lifespan) if lifespans else Starlette(routes=routes)


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) (`port=0`: one chosen) and listening, to hand to `serve` in one or more
    processes: the kernel gives each connection to one of the processes accepting on it. Raises `OSError` naming
    the address as its filename ("127.0.0.1:8080: Address already in use")."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as uvicorn binds its own
        listener.bind((host, port))
        listener.listen(2048)                                             # uvicorn's default backlog
    except OSError as error:
        listener.close()
        raise OSError(error.errno, error.strerror, f"{host}:{port}") from error
    return listener


def serve(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 8080, on_started: Callable[[str], None] | None = None,
          stop: threading.Event | None = None, log_level: str = "info", listener: socket.socket | None = None) -> None:
    """Serve `app` with uvicorn until Ctrl-C or SIGTERM (when called in the main thread) or until `stop` is set.

    `on_started(base_url)` is called once the socket listens; with `port=0` the URL names the port chosen.
    `listener` (`listening_socket`): serve on it (closed at the end) rather than bind `port`.
    """
    if listener is not None:
        port = listener.getsockname()[1]
    config = uvicorn.Config(app, host=host, port=port, log_config=None, log_level=log_level, lifespan="on",
                            server_header=False, timeout_graceful_shutdown=10)
    server = uvicorn.Server(config)

    async def watch() -> None:
        while not server.started and not server.should_exit:
            await asyncio.sleep(0.02)
        if server.started and on_started is not None:
            bound = server.servers[0].sockets[0].getsockname()
            on_started(f"http://{host}:{bound[1]}")
        while not server.should_exit:
            if stop is not None and stop.is_set():
                server.should_exit = True
            await asyncio.sleep(0.05)

    async def main() -> None:
        watcher = asyncio.create_task(watch())
        try:
            await server.serve(sockets=None if listener is None else [listener])
        finally:
            watcher.cancel()

    asyncio.run(main())
    _LOG.info("server on %s:%s stopped", host, port)
