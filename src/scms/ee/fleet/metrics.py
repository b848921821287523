"""What a fleet run measures, gathered from many threads at once: each HTTP exchange by endpoint (latency, status),
each life-cycle step (passed or failed, how long, certificates obtained) and each failure by kind: the
`Ieee-1609.2.1-Error` code the SCMS sent (1609.2.1 clause 6.2), else the HTTP status, else what the device found
(`rejected 400-xx` for an answer it could not verify, `unreachable`, `not ready`, or the exception's name).

Percentiles are linearly interpolated between the closest ranks (the "inclusive" method of
`statistics.quantiles`, type 7 of Hyndman and Fan): p50 of [1, 2, 3, 4] is 2.5.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scms.dot2.errors import Ieee1609Error
from scms.ee.errors import NotReady, ServerError, StateError, Unreachable
from scms.ee.exchange import HttpRequest, HttpResponse

__all__ = ["EndpointStats", "Metrics", "StepStats", "Summary", "error_kind", "percentile", "summarize"]


def percentile(values: Sequence[float], p: float) -> float:
    """The `p`-th percentile (0-100) of `values`, interpolated between the closest ranks (module docstring)."""
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p}: between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """Latencies in seconds."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float
    total: float


def summarize(values: Sequence[float]) -> Summary:
    if not values:
        return Summary(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return Summary(len(values), percentile(values, 50), percentile(values, 95), percentile(values, 99),
                   max(values), sum(values))


def error_kind(error: BaseException) -> str:
    """How a failure is counted (module docstring)."""
    if isinstance(error, ServerError):
        return error.code or f"HTTP {error.status}"
    if isinstance(error, Unreachable):
        return "unreachable"
    if isinstance(error, NotReady):
        return "not ready"
    if isinstance(error, StateError):
        return "state"
    if isinstance(error, Ieee1609Error):
        return f"rejected {error.header_value}"
    return type(error).__name__


@dataclass(frozen=True)
class EndpointStats:
    endpoint: str
    """"METHOD /path" (the query left out)."""
    latency: Summary
    statuses: dict[int, int]
    """Answers by HTTP status (0: no answer)."""

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)


@dataclass(frozen=True)
class StepStats:
    step: str
    passed: int
    failed: int
    certificates: int
    duration: Summary
    """Of the passed steps."""
    span: float
    """Seconds from the first start of the step (any device) to its last end."""


@dataclass
class _Step:
    passed: list[float] = field(default_factory=list)
    failed: int = 0
    certificates: int = 0
    first: float = math.inf
    last: float = -math.inf

    def ran(self, start: float, end: float) -> None:
        self.first, self.last = min(self.first, start), max(self.last, end)


class Metrics:
    """Filled by the drivers' observer and the life cycles, from any thread; read once the run is over."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latency: dict[str, list[float]] = {}
        self._statuses: dict[str, Counter[int]] = {}
        self._steps: dict[str, _Step] = {}
        self.errors: Counter[tuple[str, str]] = Counter()
        """(step, kind) -> how many times."""

    def observe(self, request: HttpRequest, response: HttpResponse | None, seconds: float) -> None:
        """A driver's `Observer`: one exchange."""
        endpoint = f"{request.method} {urlsplit(request.url).path}"
        with self._lock:
            self._latency.setdefault(endpoint, []).append(seconds)
            self._statuses.setdefault(endpoint, Counter())[0 if response is None else response.status] += 1

    def passed(self, step: str, start: float, end: float, certificates: int = 0) -> None:
        """A step that ran from `start` to `end` (perf_counter seconds) and obtained `certificates`."""
        with self._lock:
            record = self._steps.setdefault(step, _Step())
            record.passed.append(end - start)
            record.certificates += certificates
            record.ran(start, end)

    def failed(self, step: str, error: BaseException, start: float, end: float) -> None:
        with self._lock:
            record = self._steps.setdefault(step, _Step())
            record.failed += 1
            record.ran(start, end)
            self.errors[step, error_kind(error)] += 1

    def endpoints(self) -> tuple[EndpointStats, ...]:
        with self._lock:
            return tuple(EndpointStats(name, summarize(values), dict(sorted(self._statuses[name].items())))
                         for name, values in sorted(self._latency.items()))

    def steps(self, order: Sequence[str]) -> tuple[StepStats, ...]:
        """Each step met, in `order` (steps not in it after)."""
        with self._lock:
            names = [s for s in order if s in self._steps] + sorted(set(self._steps) - set(order))
            return tuple(StepStats(name, len(record.passed), record.failed, record.certificates,
                                   summarize(record.passed), record.last - record.first)
                         for name, record in ((name, self._steps[name]) for name in names))
