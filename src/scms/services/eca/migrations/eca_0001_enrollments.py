"""ECA chain, revision 1: the table `eca_enrollments` (scms.services.eca.tables).

Revision ID: eca_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "eca_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eca_enrollments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("request_digest", sa.LargeBinary(32), nullable=False),
        sa.Column("request_hash", sa.LargeBinary(8), nullable=False),
        sa.Column("canonical_id", sa.String(64), nullable=False),
        sa.Column("device_type", sa.String(8), nullable=False),
        sa.Column("generation_time", sa.BigInteger, nullable=False),
        sa.Column("received_at", sa.BigInteger, nullable=False),
        sa.Column("certificate_type", sa.String(8), nullable=False),
        sa.Column("planned_tbs", sa.LargeBinary, nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("certificate_hash", sa.LargeBinary(8)),
        sa.Column("response", sa.LargeBinary),
        sa.Column("issued_at", sa.BigInteger),
        sa.UniqueConstraint("request_digest", name="uq_eca_enrollments_request_digest"),
        sa.CheckConstraint("state IN ('accepted', 'issued')", name="ck_eca_enrollments_state"),
        sa.CheckConstraint("certificate_type IN ('explicit', 'implicit')", name="ck_eca_enrollments_type"),
    )
    op.create_index("ix_eca_enrollments_device", "eca_enrollments", ["canonical_id", "generation_time"])


def downgrade() -> None:
    op.drop_index("ix_eca_enrollments_device", table_name="eca_enrollments")
    op.drop_table("eca_enrollments")
