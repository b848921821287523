"""The vocabulary between the device's flows and the drivers that run them (style rule 6: client-side exchanges are
generators that do no I/O, so the EE client, the fleet simulator and the tests share them).

A flow is a generator. It yields a `Step`, either an `HttpRequest` to send or a `Wait` until a Time32 (a download
before nextDlTime, 1609.2.1 clause 6.3.5.3), and the driver sends back a `Reply`: the time at which the answer
arrived (`now`, Time32, read by the driver's clock) and, for a request, the `HttpResponse`. The flow's return value
is its result. Flows take their first `now` as an argument; each Reply brings a fresh one, so every generationTime
a flow signs is the time it is sent.

    response, now = yield from exchange(request)      # any answer
    body, now = yield from call(request)              # a 2xx answer's body, else ServerError
    now = yield from wait_until(when, "why")
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from scms.dot2.time import Time32
from scms.ee.errors import ServerError

__all__ = [
    "COER",
    "ERROR_HEADER",
    "JSON",
    "Flow",
    "HttpRequest",
    "HttpResponse",
    "Method",
    "Reply",
    "Step",
    "Wait",
    "call",
    "exchange",
    "wait_until",
]

ERROR_HEADER = "Ieee-1609.2.1-Error"
COER = "application/octet-stream"
"""Content type of every 1609.2.1 REST API v3 body (standards notes §10.1)."""
JSON = "application/json"

Method = Literal["GET", "POST", "DELETE"]
T = TypeVar("T")


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request a flow wants sent. `endpoint` is a short stable name for logs and metrics
    ("ra/authorization-certificate"); `headers` may hold credentials, so the repr leaves them out."""

    method: Method
    url: str
    endpoint: str
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __repr__(self) -> str:
        return f"HttpRequest({self.method} {self.url}, {len(self.body)} bytes)"


@dataclass(frozen=True)
class HttpResponse:
    """An answer: status, headers (names in lower case) and the whole body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        """The `Ieee-1609.2.1-Error` value, e.g. "400-43" (absent in coarse mode and on non-1609.2.1 errors)."""
        return self.header(ERROR_HEADER)


@dataclass(frozen=True)
class Wait:
    """Resume the flow at `until` (or at once if that has passed); `reason` says why, for progress output."""

    until: Time32
    reason: str


Step = HttpRequest | Wait


@dataclass(frozen=True)
class Reply:
    """What the driver sends back: the time now and, after an HttpRequest, its response."""

    now: Time32
    response: HttpResponse | None = None


Flow = Generator[Step, Reply, T]
"""A flow returning T."""


def exchange(request: HttpRequest) -> Flow[tuple[HttpResponse, Time32]]:
    """Send `request`; the answer (whatever its status) and the time it arrived."""
    reply = yield request
    if reply.response is None:
        raise TypeError("the driver answered an HttpRequest without a response")
    return reply.response, reply.now


def call(request: HttpRequest) -> Flow[tuple[bytes, Time32]]:
    """Send `request`; the body of a 2xx answer, else ServerError naming the status and 1609.2.1 code."""
    response, now = yield from exchange(request)
    if not response.ok:
        raise ServerError(request.method, request.url, response.status, response.error_code, _short(response))
    return response.body, now


def wait_until(until: Time32, reason: str) -> Flow[Time32]:
    """Wait until `until`; the time it is then."""
    reply = yield Wait(until, reason)
    return reply.now


def _short(response: HttpResponse) -> str:
    """A short printable hint from a JSON error body (`detail` of FastAPI, `meaning` of our components), or ""."""
    if "json" not in (response.header("content-type") or "") or len(response.body) > 4096:
        return ""
    try:
        value = json.loads(response.body)
    except ValueError:
        return ""
    hint = value.get("detail") or value.get("meaning") if isinstance(value, dict) else None
    return hint[:160] if isinstance(hint, str) else ""
