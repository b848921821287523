"""`AsyncDriver`: runs the same flows over an asynchronous httpx client, so that many devices share one event loop
(the fleet simulator). The transport is an argument (`httpx.ASGITransport(app=...)` reaches an app in-process);
settings, retries and the observer are those of `scms.ee.client.transport`, waits are `asyncio.sleep` (or the
`sleep` given).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import TypeVar

import httpx

from scms.ee.client.transport import (
    Attempts,
    Clock,
    DriverCore,
    DriverSettings,
    Observer,
    build_request,
    check_size,
    response_of,
)
from scms.ee.exchange import Flow, HttpRequest, HttpResponse, Reply, Wait

__all__ = ["AsyncDriver"]

T = TypeVar("T")


class AsyncDriver(DriverCore):
    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        settings: DriverSettings | None = None,
        clock: Clock | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        observer: Observer | None = None,
    ) -> None:
        super().__init__(settings, clock, observer)
        self._sleep = sleep
        self._client = httpx.AsyncClient(transport=transport, timeout=self.settings.timeout(), follow_redirects=False)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> AsyncDriver:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def run(self, flow: Flow[T]) -> T:
        """Drive `flow` to its result (its exceptions go through)."""
        try:
            step = next(flow)
            while True:
                if isinstance(step, Wait):
                    while (now := self.clock()) < step.until:
                        await self._sleep(step.until - now)
                    step = flow.send(Reply(self.clock()))
                else:
                    step = flow.send(Reply(self.clock(), await self.send(step)))
        except StopIteration as done:
            result: T = done.value
            return result
        finally:
            flow.close()

    async def send(self, request: HttpRequest) -> HttpResponse:
        """One exchange, with the retries of `DriverSettings`; Unreachable when no answer came."""
        attempts = Attempts(request, self.settings)
        while True:
            start = perf_counter()
            try:
                answer = await self._exchange(request)
            except httpx.HTTPError as error:
                self._observe(request, None, start)
                await self._sleep(attempts.failed(error))
                continue
            self._observe(request, answer, start)
            return answer

    async def _exchange(self, request: HttpRequest) -> HttpResponse:
        response = await self._client.send(build_request(self._client, request, self.settings), stream=True)
        try:
            chunks, received = [], 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                check_size(request, received, self.settings)
                chunks.append(chunk)
            return response_of(response, chunks)
        finally:
            await response.aclose()
