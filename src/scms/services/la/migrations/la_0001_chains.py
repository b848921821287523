"""LA chain, revision 1: the linkage chains `la_chains` and the audit of seed releases `la_seed_releases`
(scms.services.la.tables). No key material here: the seeds are rows the LA writes at run time.

Revision ID: la_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "la_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "la_chains",
        sa.Column("chain_id", sa.LargeBinary(16), primary_key=True),
        sa.Column("la_id", sa.Integer, nullable=False),
        sa.Column("i_first", sa.Integer, nullable=False),
        sa.Column("seed", sa.LargeBinary(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("la_id BETWEEN 0 AND 65535 AND i_first BETWEEN 0 AND 65535", name="ck_la_chains_ranges"),
    )
    op.create_table(
        "la_seed_releases",
        sa.Column("chain_id", sa.LargeBinary(16), sa.ForeignKey("la_chains.chain_id"), primary_key=True),
        sa.Column("i_rev", sa.Integer, primary_key=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("la_seed_releases")
    op.drop_table("la_chains")
