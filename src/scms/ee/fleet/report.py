"""`FleetReport`: what a fleet run did (devices started, completed, failed; each step; each endpoint's throughput
and latency percentiles; failures by step and kind), and its tables for a reader (rich).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table

from scms.ee.fleet.lifecycle import DeviceOutcome
from scms.ee.fleet.metrics import EndpointStats, StepStats
from scms.ee.fleet.plan import FleetSettings

__all__ = ["FleetReport"]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


@dataclass(frozen=True)
class FleetReport:
    settings: FleetSettings
    seconds: float
    """Wall-clock time of the run."""
    devices: tuple[DeviceOutcome, ...]
    steps: tuple[StepStats, ...]
    endpoints: tuple[EndpointStats, ...]
    errors: dict[tuple[str, str], int]
    """(step, kind) -> count (`scms.ee.fleet.metrics.error_kind`)."""

    @property
    def started(self) -> int:
        return sum(1 for d in self.devices if d.started)

    @property
    def completed(self) -> int:
        return sum(1 for d in self.devices if d.completed)

    @property
    def failed(self) -> int:
        return self.started - self.completed

    @property
    def requests(self) -> int:
        return sum(e.latency.count for e in self.endpoints)

    @property
    def certificates(self) -> int:
        return sum(s.certificates for s in self.steps)

    def step(self, name: str) -> StepStats | None:
        return next((s for s in self.steps if s.step == name), None)

    def errors_by_kind(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for (_, kind), count in self.errors.items():
            counted[kind] = counted.get(kind, 0) + count
        return counted

    @property
    def ok(self) -> bool:
        """Every device started and completed its life cycle."""
        return self.completed == len(self.devices)

    # -- for a reader ----------------------------------------------------------------------------------------
    def summary_line(self) -> str:
        rate = self.completed / self.seconds if self.seconds > 0 else 0.0
        per_s = self.requests / self.seconds if self.seconds > 0 else 0.0
        return (f"{len(self.devices)} devices ({self.settings.rsus} RSUs), concurrency {self.settings.concurrency}: "
                f"{self.completed} completed, {self.failed} failed, {len(self.devices) - self.started} not started "
                f"in {self.seconds:.1f} s; {self.certificates} certificates; {rate:.2f} life cycles/s, "
                f"{self.requests} HTTP requests ({per_s:.1f}/s)")

    def steps_table(self) -> Table:
        table = Table(title="life-cycle steps")
        for column in ("step", "passed", "failed", "certificates", "p50 ms", "p95 ms", "p99 ms", "max ms"):
            table.add_column(column, justify="left" if column == "step" else "right")
        for s in self.steps:
            d = s.duration
            table.add_row(s.step, str(s.passed), str(s.failed), str(s.certificates), _ms(d.p50), _ms(d.p95),
                          _ms(d.p99), _ms(d.max))
        return table

    def endpoints_table(self) -> Table:
        table = Table(title="HTTP endpoints")
        for column in ("endpoint", "requests", "per s", "statuses", "p50 ms", "p95 ms", "p99 ms", "max ms"):
            table.add_column(column, justify="left" if column in ("endpoint", "statuses") else "right")
        for e in self.endpoints:
            d = e.latency
            rate = d.count / self.seconds if self.seconds > 0 else 0.0
            statuses = " ".join(f"{status or 'none'}x{n}" for status, n in e.statuses.items())
            table.add_row(e.endpoint, str(d.count), f"{rate:.1f}", statuses, _ms(d.p50), _ms(d.p95), _ms(d.p99),
                          _ms(d.max))
        return table

    def errors_table(self) -> Table:
        table = Table(title="errors (Ieee-1609.2.1-Error code, HTTP status, or what the device found)")
        for column in ("step", "error", "count"):
            table.add_column(column, justify="right" if column == "count" else "left")
        for (step, kind), count in sorted(self.errors.items()):
            table.add_row(step, kind, str(count))
        return table

    def tables(self) -> tuple[Table, ...]:
        return (self.steps_table(), self.endpoints_table(), *((self.errors_table(),) if self.errors else ()))
