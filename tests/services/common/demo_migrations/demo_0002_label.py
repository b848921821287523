"""A demo component's second revision: a column added by rebuilding the table (SQLite batch mode).

Revision ID: demo_0002
Revises: demo_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "demo_0002"
down_revision = "demo_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild = "always" if op.get_context().dialect.name == "sqlite" else "auto"  # copy, drop, rename on SQLite
    with op.batch_alter_table("demo_items", recreate=rebuild) as batch:
        batch.add_column(sa.Column("label", sa.String(32), nullable=False, server_default="none"))


def downgrade() -> None:
    with op.batch_alter_table("demo_items") as batch:
        batch.drop_column("label")
