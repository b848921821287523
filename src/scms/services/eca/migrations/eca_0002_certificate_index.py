"""ECA chain, revision 2: an index on `eca_enrollments.certificate_hash` (a forwarded successor request names the
device's current enrollment certificate).

Revision ID: eca_0002
Revises: eca_0001
"""

from __future__ import annotations

from alembic import op

revision = "eca_0002"
down_revision = "eca_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_eca_enrollments_certificate", "eca_enrollments", ["certificate_hash"])


def downgrade() -> None:
    op.drop_index("ix_eca_enrollments_certificate", table_name="eca_enrollments")
