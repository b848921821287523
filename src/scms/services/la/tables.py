"""The linkage authority's tables, created by the migration `la_0001_chains`.

`la_chains`: one row per linkage chain this LA made (1609.2 clause 5.1.3.4): the random chain identifier the RA
knows it by (unique), this LA's LaId, the first i-period and the initial linkage seed ls(i_first). **The seed is
the LA's secret**: with it, anyone can compute every pre-linkage value of the chain and link the device's
certificates (half of it: the other LA holds the other seed). It never leaves the LA except in a seed release for a
revocation, never goes to a log or a repr (`scms.protocol.la.LinkageChain` prints `[secure]`), and at scale it
should be encrypted at rest (docs/services.md, "Linkage authority"). Nothing here names a device.

`la_seed_releases`: the audit record of each release to the MA (chain, i_rev, when), one row per (chain, i_rev);
the released seed itself is not stored again (it is recomputed from the chain's seed).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, LargeBinary, MetaData, Table

from scms.services.common.database import UtcDateTime

__all__ = ["LA_METADATA", "chains", "seed_releases"]

LA_METADATA = MetaData()

chains = Table(
    "la_chains",
    LA_METADATA,
    Column("chain_id", LargeBinary(16), primary_key=True),
    Column("la_id", Integer, nullable=False),
    Column("i_first", Integer, nullable=False),
    Column("seed", LargeBinary(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    CheckConstraint("la_id BETWEEN 0 AND 65535 AND i_first BETWEEN 0 AND 65535", name="ck_la_chains_ranges"),
)

seed_releases = Table(
    "la_seed_releases",
    LA_METADATA,
    Column("chain_id", LargeBinary(16), ForeignKey("la_chains.chain_id"), primary_key=True),
    Column("i_rev", Integer, primary_key=True),
    Column("released_at", UtcDateTime(), nullable=False),
)
