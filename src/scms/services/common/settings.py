"""Typed settings of the common runtime: plain frozen values, built from the deployment configuration.

Nothing here reads a file or the environment; `scms.deployment` builds these objects (one per component) and the
components pass them to the factories of this package. Each field says which 1609.2.1 parameter it carries, if any.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

__all__ = ["AppSettings", "DatabaseSettings", "ErrorMode", "PeerSettings", "RunnerSettings", "TlsSettings"]


class ErrorMode(Enum):
    """`scmsV3-error` (1609.2.1 clause 6, REST API v3; standards-notes §10.3): how errors are shown."""

    FINE = "fine"
    """The error's HTTP status and an `Ieee-1609.2.1-Error: <status>-<code>` header."""
    COARSE = "coarse"
    """Every error is a bare HTTP 500: no header, no body."""


@dataclass(frozen=True)
class AppSettings:
    """What every component's HTTP app needs (`create_component_app`)."""

    error_mode: ErrorMode = ErrorMode.FINE
    """`scmsV3-error`: fine or coarse."""
    max_body_bytes: int = 64 * 1024
    """Request bodies longer than this are refused (400-42) before they are read to the end or decoded."""
    readiness_timeout_s: float = 5.0
    """How long one readiness check may take before `/readyz` counts it as failed."""

    def __post_init__(self) -> None:
        if self.max_body_bytes < 0:
            raise ValueError("max_body_bytes must not be negative")
        if self.readiness_timeout_s <= 0:
            raise ValueError("readiness_timeout_s must be positive")


@dataclass(frozen=True)
class DatabaseSettings:
    """One component's database (`create_database_engine`): SQLite by default, PostgreSQL at scale."""

    url: str
    """An SQLAlchemy URL: `sqlite:///DIR/ra.db` or `postgresql+psycopg://user@host:5432/ra`."""
    connect_timeout_s: float = 5.0
    """PostgreSQL: give up connecting after this long (so `/readyz` answers when the server is gone)."""
    sqlite_busy_timeout_ms: int = 5000
    """SQLite: how long a writer waits for another writer's lock before failing."""
    pool_size: int = 5
    """PostgreSQL: connections kept open per process."""

    @classmethod
    def sqlite_file(cls, path: Path) -> DatabaseSettings:
        """The embedded default: one SQLite file (created on first use)."""
        return cls(url=f"sqlite:///{path}")


@dataclass(frozen=True)
class RunnerSettings:
    """The job runner of one component (`create_runner`)."""

    backend: str = "in-process"
    """`in-process` (the embedded default); a broker-backed runner will add its own name."""
    worker_id: str | None = None
    """The lease owner written into claimed jobs; None: host name, process id and a random suffix."""
    concurrency: int = 4
    """Jobs run at the same time by this runner."""
    cpu_workers: int = 0
    """Processes of the pool that CPU-bound steps run in (`JobContext.run_cpu`); 0 runs them in a thread."""
    poll_interval_s: float = 1.0
    """How often the runner looks for due jobs when nobody wakes it."""
    lease_s: float = 60.0
    """How long a claimed job stays reserved; renewed every third of it while the job runs."""
    retry_delay_s: float = 1.0
    """Delay before the second attempt; doubled for each further attempt, capped at 10 minutes."""
    shutdown_grace_s: float = 10.0
    """On stop, how long running jobs may finish before they are released for another worker."""

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.cpu_workers < 0:
            raise ValueError("concurrency must be at least 1, cpu_workers not negative")
        if self.poll_interval_s <= 0 or self.lease_s <= 0 or self.retry_delay_s < 0:
            raise ValueError("poll interval and lease must be positive, retry delay not negative")


@dataclass(frozen=True)
class TlsSettings:
    """Mutual TLS to a peer component; secrets are file paths, never values."""

    ca_file: Path
    cert_file: Path | None = None
    key_file: Path | None = None


@dataclass(frozen=True)
class PeerSettings:
    """How one component reaches another (`PeerClient`)."""

    name: str
    """The peer's name in logs and errors (`eca`, `la1`, ...)."""
    base_url: str
    """e.g. `http://127.0.0.1:8080/eca`; in-process, any host (`http://eca`) with an ASGI transport."""
    timeout_s: float = 10.0
    """Connect, read, write and pool timeout of each request."""
    connect_retries: int = 2
    """Further attempts after a connection error (nothing was sent, so a retry is always safe)."""
    retry_backoff_s: float = 0.1
    """Sleep before the first retry; doubled for each further one."""
    tls: TlsSettings | None = None

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.connect_retries < 0 or self.retry_backoff_s < 0:
            raise ValueError("timeout must be positive, retries and backoff not negative")
