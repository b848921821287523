"""The LA's store of linkage chains (tables of `scms.services.la.tables`).

    find(chain_ids)             the stored chains of this LA among these identifiers
    add(chains, now)            new chains, committed in one transaction before they are answered
    record_release(...)         the audit row of a seed release (once per chain and i_rev)

A chain is written once and never changed: its values for any i-period are recomputed from its seed, so the same
request always answers the same pre-linkage values and nothing but the chain needs to be kept. Time is an
argument (`now`, an aware UTC datetime); nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from sqlalchemy import Engine, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from scms.protocol.la import LinkageChain
from scms.services.common import begin_write
from scms.services.la.tables import chains, seed_releases

__all__ = ["ChainStore"]


class ChainStore:
    """The chains of LA `la_id` in its database (the seeds are read into `LinkageChain`s, whose repr hides them)."""

    def __init__(self, engine: Engine, la_id: int) -> None:
        self.engine = engine
        self.la_id = la_id

    def find(self, chain_ids: Collection[bytes]) -> dict[bytes, LinkageChain]:
        """The stored chains of this LA among `chain_ids`, by identifier (unknown ones are left out)."""
        if not chain_ids:
            return {}
        query = select(chains.c.chain_id, chains.c.i_first, chains.c.seed).where(
            chains.c.chain_id.in_(set(chain_ids)), chains.c.la_id == self.la_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return {bytes(c): LinkageChain(self.la_id, bytes(c), i_first, bytes(seed)) for c, i_first, seed in rows}

    def add(self, new: Sequence[LinkageChain], now: dt.datetime) -> None:
        """Store new chains (random identifiers: a collision is an IntegrityError, never an overwrite)."""
        if not new:
            return
        if any(chain.la_id != self.la_id for chain in new):
            raise ValueError(f"a chain of another LA given to LA {self.la_id}")
        rows = [{"chain_id": c.chain_id, "la_id": c.la_id, "i_first": c.i_first, "seed": c.seed, "created_at": now}
                for c in new]
        with begin_write(self.engine) as connection:
            connection.execute(insert(chains), rows)

    def record_release(self, chain_id: bytes, i_rev: int, now: dt.datetime) -> dt.datetime:
        """Record that ls(i_rev) of the chain was released (the first release's time is kept); when it was."""
        with begin_write(self.engine) as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            connection.execute(dialect.insert(seed_releases).values(chain_id=chain_id, i_rev=i_rev, released_at=now)
                               .on_conflict_do_nothing(index_elements=[seed_releases.c.chain_id,
                                                                       seed_releases.c.i_rev]))
            first: dt.datetime = connection.execute(select(seed_releases.c.released_at).where(
                seed_releases.c.chain_id == chain_id, seed_releases.c.i_rev == i_rev)).scalar_one()
        return first
