"""`SyncDriver`: runs flows (`scms.ee.exchange`) over a synchronous httpx client, for the `Device` facade and the
command line. The transport is an argument: the network by default, `httpx.MockTransport` or
`httpx.WSGITransport` in tests, `AsgiTransport` (`scms.ee.client.asgi`) to reach an ASGI app in-process. Waits
sleep until the Time32 asked (the clock and the sleep are arguments too, so tests run on a fake clock).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from time import perf_counter
from types import TracebackType
from typing import TypeVar

import httpx

from scms.dot2.time import Time32
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

__all__ = ["SyncDriver"]

T = TypeVar("T")


class SyncDriver(DriverCore):
    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        settings: DriverSettings | None = None,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
        observer: Observer | None = None,
        on_wait: Callable[[Wait, Time32], None] | None = None,
    ) -> None:
        super().__init__(settings, clock, observer)
        self._sleep = sleep
        self._on_wait = on_wait
        self._client = httpx.Client(transport=transport, timeout=self.settings.timeout(), follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SyncDriver:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
                 ) -> None:
        self.close()

    def run(self, flow: Flow[T]) -> T:
        """Drive `flow` to its result (its exceptions go through)."""
        try:
            step = next(flow)
            while True:
                if isinstance(step, Wait):
                    self.wait(step)
                    step = flow.send(Reply(self.clock()))
                else:
                    response = self.send(step)
                    step = flow.send(Reply(self.clock(), response))
        except StopIteration as done:
            result: T = done.value
            return result
        finally:
            flow.close()

    def wait(self, step: Wait) -> None:
        now = self.clock()
        if self._on_wait is not None:
            self._on_wait(step, now)
        while now < step.until:
            self._sleep(step.until - now)
            now = self.clock()

    def send(self, request: HttpRequest) -> HttpResponse:
        """One exchange, with the retries of `DriverSettings`; Unreachable when no answer came."""
        attempts = Attempts(request, self.settings)
        while True:
            start = perf_counter()
            try:
                answer = self._exchange(request)
            except httpx.HTTPError as error:
                self._observe(request, None, start)
                self._sleep(attempts.failed(error))
                continue
            self._observe(request, answer, start)
            return answer

    def _exchange(self, request: HttpRequest) -> HttpResponse:
        response = self._client.send(build_request(self._client, request, self.settings), stream=True)
        try:
            chunks, received = [], 0
            for chunk in response.iter_bytes():
                received += len(chunk)
                check_size(request, received, self.settings)
                chunks.append(chunk)
            return response_of(response, chunks)
        finally:
            response.close()
