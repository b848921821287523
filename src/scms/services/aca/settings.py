"""The ACA's typed settings, built once from a loaded deployment at start (style rule 13).

From the deployment: `[aca]` (`max_body_size`: a batch of RA requests must fit it, `database_url`),
`time-leapSeconds` (the clock's UTC to Time32) and the deployment's directory, from which each process of the CPU
pool loads the ACA's keys (`worker.py`). The job runner's settings (pool size, leases) are the caller's:
`create_aca_app(runner=...)`, by default a process per core. Errors are always rendered in the fine mode: the ACA
has only an internal route and the RA needs the code; `scmsV3-error` (`[aca] error_mode`) is about what end
entities see.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scms.deployment import Deployment
from scms.dot2.time import LeapSeconds
from scms.services.common import AppSettings, DatabaseSettings, ErrorMode, RunnerSettings

__all__ = ["AcaSettings", "default_runner"]


def default_runner() -> RunnerSettings:
    """A process per core for issuing (the ACA is CPU-bound), two jobs at a time, one-minute leases."""
    return RunnerSettings(cpu_workers=os.cpu_count() or 1, concurrency=2, lease_s=60.0, poll_interval_s=1.0)


@dataclass(frozen=True)
class AcaSettings:
    app: AppSettings
    """`[aca] max_body_size` (1 MiB by default: about 1,200 requests a batch); errors in the fine mode."""
    database: DatabaseSettings
    """`[aca] database_url`, or the SQLite file under `aca/data/`."""
    runner: RunnerSettings
    """The job runner: `cpu_workers` processes verify and issue."""
    deployment_root: Path
    """Where the pool's processes load the ACA's keys and trust from."""
    leap_seconds: LeapSeconds
    """`time-leapSeconds`: turns the clock's UTC into Time32."""
    chunk: int = 64
    """Requests per piece of work sent to the pool: small enough to keep both cores busy and to store answers as
    they come, large enough that the hand-over costs little."""
    answer_timeout_s: float = 120.0
    """How long a batch call waits for its answers before it gives up with 503 (the work goes on; a retry of the
    same batch gets the stored answers)."""
    poll_s: float = 0.1
    """How often a waiting call looks at the database for answers stored by another process."""

    @classmethod
    def from_deployment(cls, deployment: Deployment, *, database_url: str | None = None,
                        runner: RunnerSettings | None = None) -> AcaSettings:
        """The ACA's settings; `database_url` and `runner` override the defaults (tests, tools)."""
        config = deployment.config
        return cls(
            app=AppSettings(error_mode=ErrorMode.FINE, max_body_bytes=config.aca.max_body_size),
            database=DatabaseSettings(url=database_url or config.database_url("aca", deployment.layout)),
            runner=runner or default_runner(),
            deployment_root=deployment.layout.root.resolve(),
            leap_seconds=LeapSeconds.fixed(deployment.global_policy.parameters.leap_seconds),
        )
