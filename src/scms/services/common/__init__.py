"""The runtime every SCMS component stands on (docs/services.md).

- Storage: `create_database_engine` (SQLite or PostgreSQL), `begin_write`, `migrate_to_head` (Alembic, per
  component).
- Jobs: `enqueue`, `JobStore` (compare-and-set claims, leases, bounded retries), `JobRunner` / `create_runner`
  (the in-process runner of the embedded default).
- Settings: `AppSettings`, `DatabaseSettings`, `RunnerSettings`, `PeerSettings`, `TlsSettings`, `ErrorMode`.
"""

from scms.services.common.database import begin_write, create_database_engine
from scms.services.common.migrations import migrate_to_head, pending_chains, require_head
from scms.services.common.settings import (
    AppSettings,
    DatabaseSettings,
    ErrorMode,
    PeerSettings,
    RunnerSettings,
    TlsSettings,
)
from scms.services.common.task_store import Job, JobStore, Lease, enqueue
from scms.services.common.task_tables import JobState
from scms.services.common.tasks import Handler, InProcessRunner, JobContext, JobRunner, create_runner

__all__ = [
    "AppSettings",
    "DatabaseSettings",
    "ErrorMode",
    "Handler",
    "InProcessRunner",
    "Job",
    "JobContext",
    "JobRunner",
    "JobState",
    "JobStore",
    "Lease",
    "PeerSettings",
    "RunnerSettings",
    "TlsSettings",
    "begin_write",
    "create_database_engine",
    "create_runner",
    "enqueue",
    "migrate_to_head",
    "pending_chains",
    "require_head",
]
