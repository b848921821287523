"""RA chain, revision 3: `ra_download_requests`, the admitted download requests that download-maxReqs and
download-minWait count (scms.services.ra.authorization_tables, scms.services.ra.download_log).

Revision ID: ra_0003
Revises: ra_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ra_0003"
down_revision = "ra_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ra_download_requests",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("enrollment_id", sa.LargeBinary(8), nullable=False),
        sa.Column("generation_time", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_ra_download_requests_limits", "ra_download_requests", ["enrollment_id", "generation_time"])


def downgrade() -> None:
    op.drop_index("ix_ra_download_requests_limits", table_name="ra_download_requests")
    op.drop_table("ra_download_requests")
