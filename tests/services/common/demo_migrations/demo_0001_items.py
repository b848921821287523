"""A demo component's first revision: items that refer to the common `scms_jobs` table, and notes on items.

Revision ID: demo_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "demo_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demo_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), sa.ForeignKey("scms_jobs.id")),
    )
    op.create_table(
        "demo_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("demo_items.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("demo_notes")
    op.drop_table("demo_items")
