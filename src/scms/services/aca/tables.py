"""The ACA's table, created by the migration `aca_0001_requests`: one row per `RaAcaCertRequestSpdu` received.

`aca_requests` is what makes issuing idempotent (style rule 10) and nothing more:

| column | while `received` | once `issued` | once `refused` |
|---|---|---|---|
| `request_digest` (key) | SHA-256 of the SPDU as received | kept | kept until the refusal is answered |
| `job_id` | the job that answers it (`scms_jobs`) | NULL | NULL |
| `request` | the SPDU, for the job | NULL | NULL |
| `response` | | the `AcaRaCertResponseSpdu`, returned to every retry | |
| `error` | | | the `<status>-<code>` that refused it |
| `received_hour` | the hour it was first received (retention) | kept | kept |

Privacy by separation (docs/architecture.md): a row names no device, and once answered it no longer says which
requests came in one batch (the job reference goes; the key is a digest, not an insertion counter; the time is
kept to the hour only). The RA shuffles the requests of many devices before it batches them, so a batch would tell
little anyway; the ACA keeps even that only while it works.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, LargeBinary, MetaData, String, Table

from scms.services.common.database import UtcDateTime
from scms.services.common.task_tables import jobs

__all__ = ["ACA_METADATA", "requests"]

ACA_METADATA = MetaData()

_STATES = (
    "(state = 'received' AND job_id IS NOT NULL AND request IS NOT NULL AND response IS NULL AND error IS NULL)"
    " OR (state = 'issued' AND job_id IS NULL AND request IS NULL AND response IS NOT NULL AND error IS NULL)"
    " OR (state = 'refused' AND job_id IS NULL AND request IS NULL AND response IS NULL AND error IS NOT NULL)"
)

requests = Table(
    "aca_requests",
    ACA_METADATA,
    Column("request_digest", LargeBinary(32), primary_key=True),
    Column("state", String(8), nullable=False),
    Column("job_id", BigInteger, ForeignKey(jobs.c.id)),
    Column("request", LargeBinary),
    Column("response", LargeBinary),
    Column("error", String(8)),
    Column("received_hour", UtcDateTime(), nullable=False),
    CheckConstraint(_STATES, name="ck_aca_requests_state"),
    Index("ix_aca_requests_job", "job_id"),
)
