"""RA chain, revision 2: the certificate tables `ra_authorization_requests`, `ra_linkage_chains`,
`ra_authorization_items`, `ra_download_files` and `ra_successor_requests` (scms.services.ra.authorization_tables).

Revision ID: ra_0002
Revises: ra_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ra_0002"
down_revision = "ra_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ra_authorization_requests",
        sa.Column("request_hash", sa.LargeBinary(8), primary_key=True),
        sa.Column("request_digest", sa.LargeBinary(32), nullable=False),
        sa.Column("enrollment_id", sa.LargeBinary(8), nullable=False),
        sa.Column("canonical_id", sa.String(64), sa.ForeignKey("ra_devices.canonical_id"), nullable=False),
        sa.Column("device_type", sa.String(8), nullable=False),
        sa.Column("profile", sa.String(32), nullable=False),
        sa.Column("variant", sa.String(16)),
        sa.Column("certificate_type", sa.String(8), nullable=False),
        sa.Column("parameters", sa.LargeBinary()),
        sa.Column("template", sa.LargeBinary(), nullable=False),
        sa.Column("generation_time", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("i_first", sa.Integer()),
        sa.Column("i_last", sa.Integer()),
        sa.Column("j_count", sa.Integer(), nullable=False),
        sa.Column("next_dl_time", sa.BigInteger(), nullable=False),
        sa.Column("ack", sa.LargeBinary(), nullable=False),
        sa.Column("chain_1", sa.LargeBinary(16)),
        sa.Column("chain_2", sa.LargeBinary(16)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("finished_at", sa.BigInteger()),
        sa.CheckConstraint("state IN ('accepted', 'complete', 'cancelled', 'failed')",
                           name="ck_ra_authorization_state"),
    )
    op.create_index("ix_ra_authorization_requests_limits", "ra_authorization_requests",
                    ["enrollment_id", "profile", "generation_time"])
    op.create_index("ix_ra_authorization_requests_device", "ra_authorization_requests", ["canonical_id", "state"])
    op.create_table(
        "ra_linkage_chains",
        sa.Column("la_id", sa.Integer(), primary_key=True),
        sa.Column("chain_id", sa.LargeBinary(16), primary_key=True),
        sa.Column("canonical_id", sa.String(64), sa.ForeignKey("ra_devices.canonical_id"), nullable=False),
        sa.Column("i_first", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_ra_linkage_chains_device", "ra_linkage_chains", ["canonical_id", "la_id"])
    op.create_table(
        "ra_authorization_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("request_hash", sa.LargeBinary(8), sa.ForeignKey("ra_authorization_requests.request_hash"),
                  nullable=False),
        sa.Column("i", sa.Integer(), nullable=False),
        sa.Column("j", sa.Integer(), nullable=False),
        sa.Column("enc_plv1", sa.LargeBinary()),
        sa.Column("enc_plv2", sa.LargeBinary()),
        sa.Column("aca_request", sa.LargeBinary()),
        sa.Column("aca_request_hash", sa.LargeBinary(8)),
        sa.Column("response", sa.LargeBinary()),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_expires", sa.BigInteger()),
        sa.CheckConstraint("state IN ('open', 'answered')", name="ck_ra_authorization_items_state"),
        sa.UniqueConstraint("request_hash", "i", "j", name="uq_ra_authorization_items_ij"),
    )
    op.create_index("ix_ra_authorization_items_sent", "ra_authorization_items", ["aca_request_hash"], unique=True)
    op.create_index("ix_ra_authorization_items_open", "ra_authorization_items", ["state", "lease_expires"])
    op.create_table(
        "ra_download_files",
        sa.Column("request_hash", sa.LargeBinary(8), sa.ForeignKey("ra_authorization_requests.request_hash"),
                  primary_key=True),
        sa.Column("i", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "ra_successor_requests",
        sa.Column("request_hash", sa.LargeBinary(8), primary_key=True),
        sa.Column("request_digest", sa.LargeBinary(32), nullable=False),
        sa.Column("enrollment_id", sa.LargeBinary(8), nullable=False),
        sa.Column("canonical_id", sa.String(64), sa.ForeignKey("ra_devices.canonical_id"), nullable=False),
        sa.Column("eca_request", sa.LargeBinary(), nullable=False),
        sa.Column("generation_time", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("next_dl_time", sa.BigInteger(), nullable=False),
        sa.Column("ack", sa.LargeBinary(), nullable=False),
        sa.Column("response", sa.LargeBinary()),
        sa.Column("error", sa.String(8)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("finished_at", sa.BigInteger()),
        sa.CheckConstraint("state IN ('accepted', 'complete', 'refused')", name="ck_ra_successor_state"),
    )
    op.create_index("ix_ra_successor_requests_limits", "ra_successor_requests", ["enrollment_id", "generation_time"])


def downgrade() -> None:
    op.drop_index("ix_ra_successor_requests_limits", table_name="ra_successor_requests")
    op.drop_table("ra_successor_requests")
    op.drop_table("ra_download_files")
    op.drop_index("ix_ra_authorization_items_open", table_name="ra_authorization_items")
    op.drop_index("ix_ra_authorization_items_sent", table_name="ra_authorization_items")
    op.drop_table("ra_authorization_items")
    op.drop_index("ix_ra_linkage_chains_device", table_name="ra_linkage_chains")
    op.drop_table("ra_linkage_chains")
    op.drop_index("ix_ra_authorization_requests_device", table_name="ra_authorization_requests")
    op.drop_index("ix_ra_authorization_requests_limits", table_name="ra_authorization_requests")
    op.drop_table("ra_authorization_requests")
