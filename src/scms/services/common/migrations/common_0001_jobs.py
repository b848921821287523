"""Common chain, revision 1: the job queue table `scms_jobs` (scms.services.common.task_tables).

Revision ID: common_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "common_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scms_jobs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload_ref", sa.String(255), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("max_attempts", sa.Integer, nullable=False),
        sa.Column("lease_owner", sa.String(128)),
        sa.Column("lease_expires", sa.DateTime(timezone=True)),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.Text),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("kind", "payload_ref", name="uq_scms_jobs_kind_payload_ref"),
        sa.CheckConstraint("state IN ('pending', 'running', 'succeeded', 'failed')", name="ck_scms_jobs_state"),
        sa.CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="ck_scms_jobs_attempts"),
    )
    op.create_index("ix_scms_jobs_due", "scms_jobs", ["state", "run_after"])


def downgrade() -> None:
    op.drop_index("ix_scms_jobs_due", table_name="scms_jobs")
    op.drop_table("scms_jobs")
