"""ACA chain, revision 1: the table of received RA requests and their answers, `aca_requests`
(scms.services.aca.tables). No key material.

Revision ID: aca_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "aca_0001"
down_revision = None
branch_labels = None
depends_on = None

_STATES = (
    "(state = 'received' AND job_id IS NOT NULL AND request IS NOT NULL AND response IS NULL AND error IS NULL)"
    " OR (state = 'issued' AND job_id IS NULL AND request IS NULL AND response IS NOT NULL AND error IS NULL)"
    " OR (state = 'refused' AND job_id IS NULL AND request IS NULL AND response IS NULL AND error IS NOT NULL)"
)


def upgrade() -> None:
    op.create_table(
        "aca_requests",
        sa.Column("request_digest", sa.LargeBinary(32), primary_key=True),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("job_id", sa.BigInteger, sa.ForeignKey("scms_jobs.id")),
        sa.Column("request", sa.LargeBinary),
        sa.Column("response", sa.LargeBinary),
        sa.Column("error", sa.String(8)),
        sa.Column("received_hour", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_STATES, name="ck_aca_requests_state"),
    )
    op.create_index("ix_aca_requests_job", "aca_requests", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_aca_requests_job", table_name="aca_requests")
    op.drop_table("aca_requests")
