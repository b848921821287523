"""The runtime every SCMS component stands on (docs/services.md).

- HTTP edge: `create_component_app` (error rendering per `scmsV3-error`, body limits, `/healthz`, `/readyz`,
  OpenAPI), `CoerBody` / `coer_response` for the REST API v3 bodies, `mount_components` and `serve` for the
  embedded default.
- Storage: `create_database_engine` (SQLite or PostgreSQL), `begin_write`, `migrate_to_head` (Alembic, per
  component).
- Jobs: `enqueue`, `JobStore` (compare-and-set claims, leases, bounded retries), `JobRunner` / `create_runner`
  (the in-process runner of the embedded default); `enqueue_warm_up`, `warm_every_process` (a component's CPU
  pool loaded before the first job needs it).
- Between components: `PeerClient` (timeouts, retries on connection errors, `PeerError`); `InProcessTransport`
  (a peer's app in this process, called without the httpx client's request building).
- Own JSON routes: `bearer_guard` (a bearer token compared in constant time; 401, fails closed).
- Trust: `require_verified` (a component starts only on a deployment that verifies), `VerifiedChains`
  (certificate chains verified once, remembered within their validity).
- Settings: `AppSettings`, `DatabaseSettings`, `RunnerSettings`, `PeerSettings`, `TlsSettings`, `ErrorMode`.
"""

from scms.services.common.bearer import bearer_guard
from scms.services.common.clients import PeerClient, peer_error_code
from scms.services.common.coer import COER_REQUEST_BODY, CoerBody, coer_response
from scms.services.common.database import begin_write, create_database_engine
from scms.services.common.embedded import COMPONENT_PREFIXES, mount_components, serve
from scms.services.common.errors import ERROR_HEADER, PeerError
from scms.services.common.health import ReadinessCheck, database_check, migrations_check
from scms.services.common.http_app import Lifecycle, create_component_app
from scms.services.common.in_process import InProcessTransport
from scms.services.common.migrations import migrate_to_head, pending_chains, require_head
from scms.services.common.pool_warm_up import enqueue_warm_up, warm_every_process
from scms.services.common.settings import (
    AppSettings,
    DatabaseSettings,
    ErrorMode,
    PeerSettings,
    RunnerSettings,
    TlsSettings,
)
from scms.services.common.startup_trust import require_verified
from scms.services.common.task_store import Job, JobStore, Lease, enqueue
from scms.services.common.task_tables import JobState
from scms.services.common.tasks import Handler, InProcessRunner, JobContext, JobRunner, create_runner
from scms.services.common.verified_chains import VerifiedChains

__all__ = [
    "COER_REQUEST_BODY",
    "COMPONENT_PREFIXES",
    "ERROR_HEADER",
    "AppSettings",
    "CoerBody",
    "DatabaseSettings",
    "ErrorMode",
    "Handler",
    "InProcessRunner",
    "InProcessTransport",
    "Job",
    "JobContext",
    "JobRunner",
    "JobState",
    "JobStore",
    "Lease",
    "Lifecycle",
    "PeerClient",
    "PeerError",
    "PeerSettings",
    "ReadinessCheck",
    "RunnerSettings",
    "TlsSettings",
    "VerifiedChains",
    "bearer_guard",
    "begin_write",
    "coer_response",
    "create_component_app",
    "create_database_engine",
    "create_runner",
    "database_check",
    "enqueue",
    "enqueue_warm_up",
    "migrate_to_head",
    "migrations_check",
    "mount_components",
    "peer_error_code",
    "pending_chains",
    "require_head",
    "require_verified",
    "serve",
    "warm_every_process",
]
