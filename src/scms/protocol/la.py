"""What a linkage authority does (1609.2 clause 5.1.3.4, 1609.2.1 Annex D; standards notes §7): pre-linkage values
for the RA, encrypted for the ACA, and, for a revocation, the linkage seed the MA puts in a CRL.

An LA keeps one `LinkageChain` per linkage chain: a random initial seed ls(i_first) and a random chain identifier,
the only name the RA knows it by. It never learns the device (the RA asks by chain identifier), and it never sees
a certificate. For each (i, j) it evolves the seed to ls(i) (`seedEvoFn1-sha256`) and computes plv(i, j)
(`lvGenFn1-aes128`), CAMP layout (`scms.crypto.linkage`), then encrypts it for the ACA (`EncryptedIndividualPLV`).

For a revocation the LA releases ls(i_rev) of one chain (`linkage_seed_release`); the MA pairs the releases of
both LAs into the `LinkageRevocation` the CRL builders of `scms.dot2` take (`linkage_revocation`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from scms.crypto import linkage_seed_after, next_linkage_seed, pre_linkage_values
from scms.dot2.crl_entries import LinkageRevocation
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import SymmetricEncryptionKey
from scms.protocol.encrypted_plv import EncryptedPlv, encrypt_plv

__all__ = [
    "CHAIN_ID_SIZE",
    "MAX_I",
    "MAX_J",
    "ChainPlvs",
    "LinkageChain",
    "LinkageSeedRelease",
    "encrypted_pre_linkage_values",
    "linkage_revocation",
    "linkage_seed_release",
]

CHAIN_ID_SIZE = 16
MAX_I = 0xFFFF
"""i is an `IValue` (Uint16)."""
MAX_J = 255
"""j < jmax, and a linkage CRL's `JMaxGroup.jmax` is a Uint8: larger j could never be revoked."""


@dataclass(frozen=True, repr=False)
class LinkageChain:
    """One LA's linkage chain: its LA, identifier, first i-period and seed ls(i_first). The seed is secret."""

    la_id: int
    chain_id: bytes
    i_first: int
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.la_id <= 0xFFFF or not 0 <= self.i_first <= MAX_I:
            raise ValueError("la_id and i_first are 16-bit values")
        if len(self.chain_id) != CHAIN_ID_SIZE or len(self.seed) != 16:
            raise ValueError("a chain identifier and a linkage seed are 16 octets")

    @classmethod
    def new(cls, la_id: int, i_first: int) -> LinkageChain:
        """A fresh chain from i-period `i_first`: random ls(i_first), random identifier."""
        return cls(la_id, os.urandom(CHAIN_ID_SIZE), i_first, os.urandom(16))

    def seed_at(self, i: int) -> bytes:
        """ls(i), evolved from ls(i_first); 400-32 for an i before the chain starts or beyond IValue."""
        _check_range(self, i, 1)
        return linkage_seed_after(self.la_id, self.seed, i - self.i_first)

    def __repr__(self) -> str:
        return f"LinkageChain(la_id={self.la_id}, chain_id={self.chain_id.hex()}, i_first={self.i_first}, [secure])"


def _check_range(chain: LinkageChain, i_first: int, i_count: int) -> None:
    if i_count < 1 or i_first < chain.i_first or i_first + i_count - 1 > MAX_I:
        raise Ieee1609Error(
            ErrorCode.DISALLOWED_OTHER_FIELDS,
            f"i-periods {i_first}..{i_first + i_count - 1} outside chain {chain.chain_id.hex()} "
            f"(from {chain.i_first}, at most {MAX_I})",
        )


@dataclass(frozen=True)
class ChainPlvs:
    """The encrypted pre-linkage values of one chain for i in i_first..i_first+i_count-1 and j in 0..j_max-1,
    i-major: the value for (i, j) is `enc_plvs[(i - i_first) * j_max + j]`."""

    chain_id: bytes
    i_first: int
    i_count: int
    j_max: int
    enc_plvs: tuple[EncryptedPlv, ...]

    def __post_init__(self) -> None:
        if len(self.enc_plvs) != self.i_count * self.j_max:
            raise ValueError("one encrypted pre-linkage value per (i, j)")

    def plv(self, i: int, j: int) -> EncryptedPlv:
        """The encrypted plv(i, j); KeyError outside the ranges."""
        if not (self.i_first <= i < self.i_first + self.i_count and 0 <= j < self.j_max):
            raise KeyError((i, j))
        return self.enc_plvs[(i - self.i_first) * self.j_max + j]


def encrypted_pre_linkage_values(
    chain: LinkageChain, i_first: int, i_count: int, j_max: int, aca_key: SymmetricEncryptionKey
) -> ChainPlvs:
    """LA: plv(i, j) of `chain` for `i_count` i-periods from `i_first` and j < `j_max`, each encrypted for the ACA
    under `aca_key` (the key this LA shares with it). 400-32 for ranges the chain or a CRL cannot hold."""
    _check_range(chain, i_first, i_count)
    if not 1 <= j_max <= MAX_J:
        raise Ieee1609Error(ErrorCode.DISALLOWED_OTHER_FIELDS, f"jMax {j_max} outside 1..{MAX_J}")
    seed = chain.seed_at(i_first)
    encrypted: list[EncryptedPlv] = []
    for step in range(i_count):
        if step:
            seed = next_linkage_seed(chain.la_id, seed)
        for plv in pre_linkage_values(chain.la_id, seed, range(j_max)):
            encrypted.append(encrypt_plv(plv, chain.la_id, aca_key))
    return ChainPlvs(chain.chain_id, i_first, i_count, j_max, tuple(encrypted))


@dataclass(frozen=True)
class LinkageSeedRelease:
    """One LA's linkage seed ls(i) of a chain to be revoked from i-period `i` on (for the MA only)."""

    la_id: int
    i: int
    seed: bytes = field(repr=False)


def linkage_seed_release(chain: LinkageChain, i_rev: int) -> LinkageSeedRelease:
    """LA: ls(i_rev) of `chain`; published in a CRL it links every certificate of the chain from `i_rev` on."""
    return LinkageSeedRelease(chain.la_id, i_rev, chain.seed_at(i_rev))


def linkage_revocation(
    first: LinkageSeedRelease, second: LinkageSeedRelease, *, i_max: int, jmax: int
) -> LinkageRevocation:
    """MA: the CRL entry revoking one chain from both LAs' releases (same i, two different LAs), valid up to
    i-period `i_max`, for j < `jmax`. The entry names the LAs in the order given: LA1 is `first`."""
    if first.la_id == second.la_id:
        raise ValueError("the two seeds come from two different linkage authorities")
    if first.i != second.i:
        raise ValueError("the two seeds are released for the same i-period")
    return LinkageRevocation(first.la_id, second.la_id, first.seed, second.seed, first.i, i_max, jmax)
