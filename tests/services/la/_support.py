"""What the LA tests (and the ACA tests, which need real pre-linkage values) share: both LAs built on separate
databases of one kind, their seed-release tokens, and the values a chain gives, computed from its stored seed with
`scms.crypto` (not through the LA's code)."""

from __future__ import annotations

import secrets

import psycopg
from sqlalchemy import select

from scms.crypto import linkage_seed_after, pre_linkage_value
from scms.deployment import Deployment
from scms.services.la import LaApps, create_la_app
from scms.services.la.tables import chains

from ..ra._support import FakeClock, trust_report

TOKENS = {"la1": b"release-token-of-la1-0123456789", "la2": b"release-token-of-la2-9876543210"}
PLV_ROUTE = "/v1/pre-linkage-values"
SEED_ROUTE = "/v1/linkage-seeds"


def own_database(url: str, which: str) -> str:
    """A database of `url`'s kind for component `which` alone: another SQLite file, or another PostgreSQL schema."""
    if url.startswith("sqlite:///"):
        return url.removesuffix(".db") + f"-{which}.db"
    base, _, _ = url.partition("?")
    schema = f"{which}_{secrets.token_hex(5)}"
    with psycopg.connect(base.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}?options=-csearch_path%3D{schema}"


def build_la(deployment: Deployment, which: str, database_url: str, clock: FakeClock) -> LaApps:
    return create_la_app(deployment, which, clock=clock, database_url=own_database(database_url, which),
                         release_token=TOKENS[which], verified=trust_report(deployment))


def stored_seed(apps: LaApps, chain_id: bytes) -> tuple[int, bytes]:
    """(i_first, ls(i_first)) of a chain, read from the LA's table."""
    with apps.engine.connect() as connection:
        row = connection.execute(select(chains.c.i_first, chains.c.seed).where(chains.c.chain_id == chain_id)).one()
    return row.i_first, bytes(row.seed)


def expected_plv(apps: LaApps, chain_id: bytes, i: int, j: int) -> bytes:
    """plv(i, j) of a chain from its stored seed (1609.2 clause 5.1.3.4, CAMP layout)."""
    la_id = apps.service.settings.la_id
    i_first, seed = stored_seed(apps, chain_id)
    return pre_linkage_value(la_id, linkage_seed_after(la_id, seed, i - i_first), j)
