"""What a CRL revokes, as typed records (IEEE 1609.2 clause 7.3, `Ieee1609Dot2CrlBaseTypes`).

- `HashRevocation`: one `HashBasedRevocationInfo` of a hash-based CRL — HashedId10 of the whole revoked certificate
  (5.1.3.2; the hash of the entire COER certificate) and the certificate's expiry.
- `LinkageRevocation`: one revoked linkage chain of an individual linkage CRL (5.1.3.4): the two linkage
  authorities' ids and their seeds at `i_rev`, plus the `jmax` of its `JMaxGroup` and the `iMax` of its `IMaxGroup`.
- `GroupRevocation`: one `GroupCrlEntry` (group linkage): group seeds of LA1/LA2 at `i_rev` and `iMax`.

The records carry their own `i_rev` so that entries of several CRLs (a full CRL and its deltas) can live in one set
(`scms.dot2.crl_delta`). Seeds are hidden from reprs: an LA's seed is secret until a CRL publishes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from scms.crypto import HashedId10, linkage_seed_after
from scms.dot2.certificate import Certificate
from scms.dot2.time import Time32

__all__ = ["GroupRevocation", "HashRevocation", "LinkageRevocation"]

_SEED_SIZE = 16


def _check_linkage_fields(la_ids: tuple[int, ...], seeds: tuple[bytes, ...], i_rev: int, i_max: int) -> None:
    if any(not 0 <= la_id <= 0xFFFF for la_id in la_ids):
        raise ValueError("an LaId is a 16-bit value")
    if any(len(seed) != _SEED_SIZE for seed in seeds):
        raise ValueError("a LinkageSeed is 16 bytes")
    if not (0 <= i_rev <= 0xFFFF and 0 <= i_max <= 0xFFFF):
        raise ValueError("i_rev and i_max are 16-bit i-period numbers (IValue, Uint16)")


@dataclass(frozen=True, order=True)
class HashRevocation:
    """A revoked certificate named by the HashedId10 of its whole-certificate hash, kept until `expiry`."""

    id: HashedId10
    expiry: Time32

    def __post_init__(self) -> None:
        if not isinstance(self.id, HashedId10):
            raise TypeError("HashRevocation.id is a HashedId10 (the last 10 bytes of the whole-certificate hash)")
        if not isinstance(self.expiry, Time32):
            raise TypeError("HashRevocation.expiry is a Time32")

    @classmethod
    def for_certificate(cls, certificate: Certificate) -> HashRevocation:
        """The entry revoking `certificate`: HashedId10 of its whole (canonical) encoding, expiry = end of validity."""
        return cls(certificate.hashed_id10(), certificate.validity.end)


@dataclass(frozen=True)
class LinkageRevocation:
    """A revoked pseudonym linkage chain: ls1(i_rev), ls2(i_rev) of LAs `la1_id`/`la2_id` (5.1.3.4).

    Certificates with `i_rev <= iCert <= i_max` and `0 <= j < jmax` of this chain are revoked.
    """

    la1_id: int
    la2_id: int
    seed1: bytes = field(repr=False)
    seed2: bytes = field(repr=False)
    i_rev: int
    i_max: int
    jmax: int

    def __post_init__(self) -> None:
        _check_linkage_fields((self.la1_id, self.la2_id), (self.seed1, self.seed2), self.i_rev, self.i_max)
        if not 0 <= self.jmax <= 0xFF:
            raise ValueError("jmax is a Uint8")

    def at(self, i_rev: int) -> LinkageRevocation:
        """The same chain with both seeds evolved forwards to `i_rev` (each with its own la_id)."""
        steps = i_rev - self.i_rev
        seed1 = linkage_seed_after(self.la1_id, self.seed1, steps)
        return replace(self, seed1=seed1, seed2=linkage_seed_after(self.la2_id, self.seed2, steps), i_rev=i_rev)

    def sort_key(self) -> tuple[int, int, int, int, bytes, bytes]:
        """Canonical CRL order: JMaxGroup, then LAGroup, then IMaxGroup, then the seed pair."""
        return (self.jmax, self.la1_id, self.la2_id, self.i_max, self.seed1, self.seed2)


@dataclass(frozen=True)
class GroupRevocation:
    """A revoked group (`GroupCrlEntry`): group seeds gs1(i_rev), gs2(i_rev) of LAs `la1_id`/`la2_id`."""

    la1_id: int
    la2_id: int
    seed1: bytes = field(repr=False)
    seed2: bytes = field(repr=False)
    i_rev: int
    i_max: int

    def __post_init__(self) -> None:
        _check_linkage_fields((self.la1_id, self.la2_id), (self.seed1, self.seed2), self.i_rev, self.i_max)

    def at(self, i_rev: int) -> GroupRevocation:
        """The same group with both seeds evolved forwards to `i_rev`."""
        steps = i_rev - self.i_rev
        seed1 = linkage_seed_after(self.la1_id, self.seed1, steps)
        return replace(self, seed1=seed1, seed2=linkage_seed_after(self.la2_id, self.seed2, steps), i_rev=i_rev)

    def sort_key(self) -> tuple[int, int, int, bytes, bytes]:
        """Canonical CRL order of `groups`: iMax, la1Id, la2Id, then the seeds."""
        return (self.i_max, self.la1_id, self.la2_id, self.seed1, self.seed2)
