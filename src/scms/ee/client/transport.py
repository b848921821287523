"""What both drivers share about HTTP: settings (timeouts and bounded retries are always set), turning a flow's
`HttpRequest` into an httpx call and the answer into an `HttpResponse`, and which failures are retried.

Retries: a connection that could not be made (nothing was sent) is retried for every method; a GET that failed
after sending (read timeout, reset) is retried too, since a GET changes nothing; a POST that may have reached the
server is not retried here (the flow's caller can send the same request bytes again: the ECA and the RA answer a
repeated request with what they answered before). Waits between tries double from `backoff_s`. httpx errors end
here: what is left after the retries is `Unreachable`. Answers are read up to `max_response_bytes`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from scms.dot2.time import DEFAULT_LEAP_SECONDS, LeapSeconds, Time32
from scms.ee.errors import BadAnswer, Unreachable
from scms.ee.exchange import HttpRequest, HttpResponse

__all__ = [
    "Attempts",
    "Clock",
    "DriverCore",
    "DriverSettings",
    "Observer",
    "build_request",
    "check_size",
    "is_retryable",
    "response_of",
    "system_clock",
    "unreachable",
]

Clock = Callable[[], Time32]
"""The time now (Time32: TAI seconds since 2004, 1609.2 clause 6.4.12)."""

Observer = Callable[[HttpRequest, HttpResponse | None, float], None]
"""Told about every exchange: the request, its answer (None when there was none) and the seconds it took."""


@dataclass(frozen=True)
class DriverSettings:
    timeout_s: float = 30.0
    """Connect, read, write and pool timeout of each HTTP request."""
    connect_retries: int = 3
    """Further tries after a failure that may be retried (module docstring)."""
    backoff_s: float = 0.25
    """Wait before the first retry, doubled for each further one."""
    max_response_bytes: int = 64 * 1024 * 1024
    """Largest answer read (a batch zip holds at most 4096 entries of 16 KiB)."""
    user_agent: str = "scms-ee/1"

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout_s)

    def backoff(self, attempt: int) -> float:
        return float(self.backoff_s * (2 ** attempt))


def system_clock(leap_seconds: int | None = None) -> Clock:
    """The system clock as Time32, with `leap_seconds` (the policy's `time-leapSeconds`) or the default count."""
    leap = DEFAULT_LEAP_SECONDS if leap_seconds is None else LeapSeconds.fixed(leap_seconds)

    def now() -> Time32:
        return Time32.from_unix(time.time(), leap)

    return now


def build_request(
    client: httpx.Client | httpx.AsyncClient, request: HttpRequest, settings: DriverSettings
) -> httpx.Request:
    headers = {"User-Agent": settings.user_agent, **request.headers}
    return client.build_request(request.method, request.url, params=dict(request.params), headers=headers,
                                content=request.body if request.method == "POST" else None)


_SENT_NOTHING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def is_retryable(request: HttpRequest, error: httpx.HTTPError) -> bool:
    """Whether `error` may be retried for `request` (module docstring)."""
    if isinstance(error, _SENT_NOTHING):
        return True
    return request.method == "GET" and isinstance(error, httpx.TransportError)


def unreachable(request: HttpRequest, error: httpx.HTTPError) -> Unreachable:
    return Unreachable(request.method, request.url, type(error).__name__)


def response_of(response: httpx.Response, chunks: list[bytes]) -> HttpResponse:
    return HttpResponse(response.status_code, {k.lower(): v for k, v in response.headers.items()}, b"".join(chunks))


def check_size(request: HttpRequest, received: int, settings: DriverSettings) -> None:
    if received > settings.max_response_bytes:
        raise BadAnswer(f"{request.method} {request.url}: answer longer than {settings.max_response_bytes} bytes")


class Attempts:
    """The retry policy for one request: `failed(error)` gives the wait before the next try, or raises Unreachable
    when the error may not be retried or the retries are spent."""

    def __init__(self, request: HttpRequest, settings: DriverSettings) -> None:
        self._request = request
        self._settings = settings
        self._done = 0

    def failed(self, error: httpx.HTTPError) -> float:
        if self._done >= self._settings.connect_retries or not is_retryable(self._request, error):
            raise unreachable(self._request, error) from None
        self._done += 1
        return self._settings.backoff(self._done - 1)


class DriverCore:
    """What both drivers hold: settings, clock, observer."""

    def __init__(self, settings: DriverSettings | None, clock: Clock | None, observer: Observer | None) -> None:
        self.settings = settings or DriverSettings()
        self.clock = clock or system_clock()
        self._observer = observer

    def _observe(self, request: HttpRequest, response: HttpResponse | None, start: float) -> None:
        if self._observer is not None:
            self._observer(request, response, time.perf_counter() - start)
