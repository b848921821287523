"""RA chain, revision 1: the registration tables `ra_devices` and `ra_enrollment_certificates`
(scms.services.ra.tables).

Revision ID: ra_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ra_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ra_devices",
        sa.Column("canonical_id", sa.String(64), primary_key=True),
        sa.Column("device_type", sa.String(8), nullable=False),
        sa.Column("curve", sa.String(16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(49), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("blocked_from", sa.String(16)),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('registered', 'enrolled', 'provisioning', 'blocked', 'deleted')", name="ck_ra_devices_state"
        ),
    )
    op.create_table(
        "ra_enrollment_certificates",
        sa.Column("hashed_id8", sa.LargeBinary(8), primary_key=True),
        sa.Column("canonical_id", sa.String(64), sa.ForeignKey("ra_devices.canonical_id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ra_enrollment_certificates_device", "ra_enrollment_certificates", ["canonical_id"])


def downgrade() -> None:
    op.drop_index("ix_ra_enrollment_certificates_device", table_name="ra_enrollment_certificates")
    op.drop_table("ra_enrollment_certificates")
    op.drop_table("ra_devices")
