"""The linkage chains the two LAs keep for each device (1609.2 clause 5.1.3.4; docs/api-protocol-internal.md).

The RA never learns a linkage seed: it knows each chain by the identifier the LA chose, and which device it belongs
to. A device's next request extends its chains (the LA evolves the same seeds), so one seed release revokes every
later certificate of the device; only a request reaching back before a chain's first i-period starts new chains.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, select

from scms.services.ra.authorization_tables import linkage_chains

__all__ = ["device_chain", "record_chain"]


def device_chain(engine: Engine, canonical_id: str, la_id: int, i_first: int) -> bytes | None:
    """The newest chain of the device at LA `la_id` that starts at or before i-period `i_first`."""
    table = linkage_chains
    with engine.connect() as connection:
        found = connection.execute(
            select(table.c.chain_id)
            .where(table.c.canonical_id == canonical_id, table.c.la_id == la_id, table.c.i_first <= i_first)
            .order_by(table.c.created_at.desc(), table.c.i_first.desc()).limit(1)).scalar()
    return None if found is None else bytes(found)


def record_chain(connection: Connection, canonical_id: str, la_id: int, chain_id: bytes, i_first: int,
                 now: int) -> None:
    """Remember a chain an LA has just made for the device (in the caller's transaction)."""
    exists = connection.execute(select(linkage_chains.c.chain_id).where(
        linkage_chains.c.la_id == la_id, linkage_chains.c.chain_id == chain_id)).first()
    if exists is None:
        connection.execute(linkage_chains.insert().values(
            la_id=la_id, chain_id=chain_id, canonical_id=canonical_id, i_first=i_first, created_at=now))
