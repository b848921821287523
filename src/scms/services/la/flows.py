"""The linkage authority's flows, one function each, in numbered steps (style rule 6; DESIGN "Interfaces").

* `pre_linkage_values`: RA -> LA (1609.2.1 Annex D; `LaRaInterfacePdu ::= NULL`, our JSON in
  `scms.protocol.la_messages`): make or find each chain, answer plv(i, j) encrypted for the ACA.
* `release_linkage_seed`: MA -> LA (1609.2 clause 5.1.3.4, a linkage-based CRL entry): ls(i_rev) of one chain.

The LA learns no device: the RA asks by chain identifier, and a new chain gets a random one.
"""

from __future__ import annotations

import datetime as dt
import logging

from scms.protocol.la import LinkageChain, LinkageSeedRelease, linkage_seed_release
from scms.protocol.la_messages import PlvRequest, PlvResponse, answer_plv_request
from scms.services.la.service import LaService

__all__ = ["UnknownChain", "pre_linkage_values", "release_linkage_seed"]

_AUDIT = logging.getLogger("scms.audit")


class UnknownChain(Exception):
    """A chain identifier this LA never gave out (HTTP 404 `"reason": "unknown-chain"`)."""

    def __init__(self, chain_id: bytes) -> None:
        self.chain_id = chain_id
        super().__init__(f"no chain {chain_id.hex()}")


def pre_linkage_values(service: LaService, request: PlvRequest) -> PlvResponse:
    """Encrypted pre-linkage values for each chain of `request` (docs/api-protocol-internal.md, RA <-> LA).

    Idempotent for a stored chain: its values are recomputed from its seed, so the same (chain, i range, jMax)
    always gives the same pre-linkage values (fresh encryptions of them). A new chain (`chainId` null) is made
    and committed before the answer leaves; a request that fails stores nothing. Raises UnknownChain, or
    Ieee1609Error 400-32 for an i-period before a chain's first.
    """
    settings = service.settings
    # Step 1: the body is within [laN] max_body_size and parsed strictly (the handler: 400-42).
    # Step 2: the stored chains asked for, each of this LA (UnknownChain otherwise).
    stored = service.store.find({asked.chain_id for asked in request.chains if asked.chain_id is not None})
    # Step 3: a new chain, random identifier and seed, for each entry without one.
    chains = [_chain(settings.la_id, stored, asked.chain_id, asked.i_first) for asked in request.chains]
    new = [chain for chain, asked in zip(chains, request.chains, strict=True) if asked.chain_id is None]
    # Step 4: plv(i, j) of every chain, encrypted for the ACA (400-32 for i-periods a chain cannot answer).
    response = answer_plv_request(request, chains, settings.aca_key)
    # Step 5: the new chains committed before the RA learns their identifiers.
    service.store.add(new, service.clock())
    return response


def _chain(la_id: int, stored: dict[bytes, LinkageChain], chain_id: bytes | None, i_first: int) -> LinkageChain:
    if chain_id is None:
        return LinkageChain.new(la_id, i_first)
    if chain_id not in stored:
        raise UnknownChain(chain_id)
    return stored[chain_id]


def release_linkage_seed(service: LaService, chain_id: bytes, i_rev: int) -> tuple[LinkageSeedRelease, dt.datetime]:
    """ls(i_rev) of the chain, for the MA's linkage CRL entry, and when it was first released (the audit row).

    Raises UnknownChain, or Ieee1609Error 400-32 for an i_rev before the chain's first i-period.
    """
    # Step 1: the caller holds the release token (the route's guard: 401 otherwise).
    # Step 2: the chain (UnknownChain otherwise).
    chain = service.store.find([chain_id]).get(chain_id)
    if chain is None:
        raise UnknownChain(chain_id)
    # Step 3: ls(i_rev), evolved from the chain's seed (400-32 before its first i-period).
    release = linkage_seed_release(chain, i_rev)
    # Step 4: the audit row (the first release's time stays) and an audit event, never the seed.
    released_at = service.store.record_release(chain_id, i_rev, service.clock())
    _AUDIT.info("linkage seed released: la_id=%d chain=%s i_rev=%d", chain.la_id, chain_id.hex(), i_rev)
    return release, released_at
