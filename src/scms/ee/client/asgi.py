"""`AsgiTransport`: a synchronous httpx transport to an ASGI app in the same process, so that `SyncDriver` (and the
`Device` facade) can talk to the embedded SCMS without a socket. The app runs on its own event loop in a background
thread; its lifespan (startup, shutdown: the components' job runners) runs when the transport opens and closes.
Each request is read whole, handed to `httpx.ASGITransport` on that loop, and its answer read whole.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

__all__ = ["AsgiTransport"]

_Message = MutableMapping[str, Any]
AsgiApp = Callable[[_Message, Callable[[], Awaitable[_Message]], Callable[[_Message], Awaitable[None]]],
                   Awaitable[None]]


class _Lifespan:
    """The ASGI lifespan protocol from the server's side: startup, then (on close) shutdown."""

    def __init__(self, app: AsgiApp) -> None:
        self._app = app
        self._inbox: asyncio.Queue[_Message] = asyncio.Queue()
        self._outbox: asyncio.Queue[_Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        try:
            await self._app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, self._inbox.get,
                            self._outbox.put)
        except Exception:  # an app without lifespan support raises on the scope: then there is nothing to run
            await self._outbox.put({"type": "lifespan.unsupported"})

    async def _step(self, event: str) -> None:
        await self._inbox.put({"type": f"lifespan.{event}"})
        answer = await self._outbox.get()
        if answer["type"].endswith(".failed"):
            raise RuntimeError(f"the app's lifespan {event} failed: {answer.get('message', '')}")

    async def startup(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        await self._step("startup")

    async def shutdown(self) -> None:
        if self._task is not None and not self._task.done():
            await self._step("shutdown")
            await self._task


class AsgiTransport(httpx.BaseTransport):
    def __init__(self, app: AsgiApp, *, lifespan: bool = True) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="asgi-transport", daemon=True)
        self._thread.start()
        self._inner = httpx.ASGITransport(app=app)
        self._lifespan = _Lifespan(app) if lifespan else None
        if self._lifespan is not None:
            self._call(self._lifespan.startup())

    def _call(self, work: Awaitable[Any]) -> Any:
        async def wrapped() -> Any:
            return await work
        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def exchange() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            inner = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._inner.handle_async_request(inner)
            content = b"".join([chunk async for chunk in response.stream])  # type: ignore[union-attr]
            return response.status_code, response.headers.raw, content

        status, headers, content = self._call(exchange())
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        if not self._loop.is_running():
            return
        if self._lifespan is not None:
            self._call(self._lifespan.shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
