"""The `scms_jobs` table: the durable job queue, one row per job, in each component's own database.

The row is the job: the queue (in-process or a broker) only ever carries its id. `payload_ref` points at the
component's own records (a request hash, a batch id), never at key material; (kind, payload_ref) is unique, so
enqueuing the same work twice gives the same job. Created by the common migration `common_0001_jobs`.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from scms.services.common.database import UtcDateTime

__all__ = ["COMMON_METADATA", "JobState", "jobs"]


class JobState(Enum):
    PENDING = "pending"
    """Waiting for `run_after`; claimable."""
    RUNNING = "running"
    """Claimed: `lease_owner` holds it until `lease_expires`; afterwards claimable again."""
    SUCCEEDED = "succeeded"
    """Done; `result` holds what the handler returned. Final."""
    FAILED = "failed"
    """Gave up after `max_attempts` attempts; `error` names the last failure. Final."""


COMMON_METADATA = MetaData()

jobs = Table(
    "scms_jobs",
    COMMON_METADATA,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("kind", String(64), nullable=False),
    Column("payload_ref", String(255), nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("lease_owner", String(128)),
    Column("lease_expires", UtcDateTime()),
    Column("run_after", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("result", Text),
    Column("error", Text),
    UniqueConstraint("kind", "payload_ref", name="uq_scms_jobs_kind_payload_ref"),
    CheckConstraint("state IN ('pending', 'running', 'succeeded', 'failed')", name="ck_scms_jobs_state"),
    CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="ck_scms_jobs_attempts"),
    Index("ix_scms_jobs_due", "state", "run_after"),
)
