"""The JSON of the MA -> LA linkage-seed release (ours, version 1; 1609.2.1 has no LA-MA interface, DESIGN
"Interfaces"). The RA -> LA pre-linkage value messages are `scms.protocol.la_messages` (`PlvRequest`,
`PlvResponse`), parsed there.

    request  {"version": 1, "type": "seed-release-request", "chainId": "<base64, 16 octets>", "iRev": i}
    answer   {"version": 1, "type": "seed-release", "laId": la, "chainId": "<base64>", "iRev": i,
              "linkageSeed": "<base64 ls(iRev), 16 octets>", "releasedAt": "<first release, ISO 8601 UTC>"}

Strict: unknown fields, a missing field, a number that is not an integer, or a chain identifier that is not the
canonical base64 of 16 octets are 400-42.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from scms.protocol.la import MAX_I, LinkageSeedRelease

__all__ = ["RELEASE_FORMAT_VERSION", "SeedRelease", "SeedReleaseRequest"]

RELEASE_FORMAT_VERSION: Literal[1] = 1
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True,
                     alias_generator=to_camel)
"""Received: the camelCase JSON names only."""
_ANSWER = ConfigDict(**_STRICT, populate_by_name=True)
"""Sent: built from Python names, written with the JSON names."""
_B64_16 = r"^[A-Za-z0-9+/]{21}[AQgw]==$"
"""Canonical base64 of exactly 16 octets."""


class SeedReleaseRequest(BaseModel):
    """Release ls(iRev) of one chain, to revoke its certificates from i-period iRev on."""

    model_config = _STRICT

    version: Literal[1]
    type: Literal["seed-release-request"]
    chain_id: str = Field(pattern=_B64_16, examples=["AAECAwQFBgcICQoLDA0ODw=="])
    """The chain, by the identifier the LA gave the RA (base64)."""
    i_rev: int = Field(ge=0, le=MAX_I)
    """The first i-period to revoke."""

    @property
    def chain(self) -> bytes:
        return base64.b64decode(self.chain_id, validate=True)


class SeedRelease(BaseModel):
    """ls(iRev) of the chain: with the other LA's, the MA's linkage CRL entry (`linkage_revocation`)."""

    model_config = _ANSWER

    version: Literal[1] = RELEASE_FORMAT_VERSION
    type: Literal["seed-release"] = "seed-release"
    la_id: int
    chain_id: str
    i_rev: int
    linkage_seed: str = Field(repr=False)
    """The linkage seed ls(iRev), base64: a secret until the MA publishes it in a CRL."""
    released_at: dt.datetime
    """When this chain's seed for iRev was first released (the audit record)."""

    @classmethod
    def of(cls, release: LinkageSeedRelease, chain: bytes, released_at: dt.datetime) -> SeedRelease:
        return cls(la_id=release.la_id, chain_id=_b64(chain), i_rev=release.i, linkage_seed=_b64(release.seed),
                   released_at=released_at)

    def release(self) -> LinkageSeedRelease:
        """The protocol value the MA pairs with the other LA's (`scms.protocol.la.linkage_revocation`)."""
        return LinkageSeedRelease(self.la_id, self.i_rev, base64.b64decode(self.linkage_seed, validate=True))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
