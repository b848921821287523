"""A view over `CrlContents` (IEEE 1609.2 clause 7.3): the unsigned body of a CRL, built from its COER bytes.

`CrlContents.from_bytes(b)` decodes strictly (a defect raises Ieee1609Error 400-42) and keeps both the exact bytes
and the decoded value. The accessors answer the questions a relying party asks: which (CRACA, series) the CRL is
for (`covers`), when it was issued and when the next one is due, whether it is full or delta, and which entries it
lists, as the typed records of `scms.dot2.crl_entries`.

Entries whose evaluation rule we do not know (single-seed linkage, `IMaxGroup.singleSeed` and `groupsSingleSeed`,
added in 1609.2-2022 without a public algorithm) are counted in `unsupported_entries`; the revocation decision
refuses such a CRL instead of answering "not revoked" (see `scms.dot2.revocation`).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from functools import cached_property
from typing import Any

from scms.crypto import HashedId3, HashedId8, HashedId10
from scms.dot2 import _codec
from scms.dot2.crl_entries import GroupRevocation, HashRevocation, LinkageRevocation
from scms.dot2.revocation_index import RevocationIndex
from scms.dot2.time import Time32

__all__ = ["CrlContents", "CrlKind"]


class CrlKind(Enum):
    """The alternative of `TypeSpecificCrlContents`; the value is its ASN.1 name."""

    FULL_HASH = "fullHashCrl"
    DELTA_HASH = "deltaHashCrl"
    FULL_LINKED = "fullLinkedCrl"
    DELTA_LINKED = "deltaLinkedCrl"
    FULL_LINKED_WITH_ALG = "fullLinkedCrlWithAlg"
    DELTA_LINKED_WITH_ALG = "deltaLinkedCrlWithAlg"

    @property
    def is_delta(self) -> bool:
        return self.value.startswith("delta")

    @property
    def is_hash_based(self) -> bool:
        return self in (CrlKind.FULL_HASH, CrlKind.DELTA_HASH)


def _la_id(octets: bytes) -> int:
    return int.from_bytes(octets)


class CrlContents:
    """The decoded body of a CRL, with the exact COER bytes it came from (`encoded`)."""

    def __init__(self, encoded: bytes, value: dict[str, Any]) -> None:
        self.encoded = encoded
        self.value = value
        self.kind = CrlKind(value["typeSpecific"][0])
        self._body: dict[str, Any] = value["typeSpecific"][1]
        self._index: RevocationIndex | None = None

    # Entries are turned into records on first use: verifying a CRL of many thousand entries does not need them.

    @cached_property
    def hash_entries(self) -> tuple[HashRevocation, ...]:
        """The `HashBasedRevocationInfo` entries (empty for a linkage CRL)."""
        if not self.kind.is_hash_based:
            return ()
        return tuple(HashRevocation(HashedId10(e["id"]), Time32(e["expiry"])) for e in self._body["entries"])

    def _imax_groups(self) -> Iterator[tuple[int, int, int, dict[str, Any]]]:
        """(jmax, la1Id, la2Id, IMaxGroup) for every IMaxGroup of `individual`."""
        if self.kind.is_hash_based:
            return
        for jmax_group in self._body.get("individual", ()):
            for la_group in jmax_group["contents"]:
                la1, la2 = _la_id(la_group["la1Id"]), _la_id(la_group["la2Id"])
                for imax_group in la_group["contents"]:
                    yield jmax_group["jmax"], la1, la2, imax_group

    @cached_property
    def linkage_entries(self) -> tuple[LinkageRevocation, ...]:
        """Every revoked chain of `individual`, with the CRL's iRev and its groups' iMax and jmax."""
        if self.kind.is_hash_based:
            return ()
        i_rev: int = self._body["iRev"]
        return tuple(
            LinkageRevocation(la1, la2, e["linkageSeed1"], e["linkageSeed2"], i_rev, group["iMax"], jmax)
            for jmax, la1, la2, group in self._imax_groups()
            for e in group["contents"]
        )

    @cached_property
    def group_entries(self) -> tuple[GroupRevocation, ...]:
        """Every `GroupCrlEntry` of `groups`."""
        if self.kind.is_hash_based:
            return ()
        i_rev: int = self._body["iRev"]
        return tuple(
            GroupRevocation(
                _la_id(g["la1Id"]), _la_id(g["la2Id"]), g["linkageSeed1"], g["linkageSeed2"], i_rev, g["iMax"]
            )
            for g in self._body.get("groups", ())
        )

    @cached_property
    def unsupported_entries(self) -> int:
        """How many single-seed entries (`IMaxGroup.singleSeed`, `groupsSingleSeed`) the CRL carries."""
        if self.kind.is_hash_based:
            return 0
        in_groups = sum(len(group.get("singleSeed", ())) for *_, group in self._imax_groups())
        return in_groups + len(self._body.get("groupsSingleSeed", ()))

    @property
    def crl_serial(self) -> int | None:
        """`crlSerial` of a hash CRL (None for a linkage CRL)."""
        return int(self._body["crlSerial"]) if self.kind.is_hash_based else None

    @property
    def i_rev(self) -> int | None:
        """`iRev` of a linkage CRL (None for a hash CRL)."""
        return None if self.kind.is_hash_based else int(self._body["iRev"])

    @property
    def index_within_i(self) -> int | None:
        return None if self.kind.is_hash_based else int(self._body["indexWithinI"])

    @classmethod
    def from_bytes(cls, data: bytes) -> CrlContents:
        """Strictly decode COER `CrlContents` (400-42 on any defect)."""
        return cls(bytes(data), _codec.decode("CrlContents", data))

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> CrlContents:
        """Encode a value we built (asn1 EncodeError if it is not a valid CrlContents) and view it."""
        return cls.from_bytes(_codec.encode("CrlContents", value))

    @property
    def version(self) -> int:
        return int(self.value["version"])

    @property
    def series(self) -> int:
        """`crlSeries`."""
        return int(self.value["crlSeries"])

    @property
    def craca(self) -> HashedId8:
        """`crlCraca`: HashedId8 of the CRACA certificate."""
        return HashedId8(self.value["crlCraca"])

    @property
    def issue_date(self) -> Time32:
        return Time32(self.value["issueDate"])

    @property
    def next_crl(self) -> Time32:
        return Time32(self.value["nextCrl"])

    @property
    def priority(self) -> int | None:
        priority: int | None = self.value["priorityInfo"].get("priority")
        return priority

    @property
    def is_delta(self) -> bool:
        return self.kind.is_delta

    def covers(self, craca_id: HashedId3, crl_series: int) -> bool:
        """Scope rule (5.1.3.2): a certificate's `cracaId` is the last 3 bytes of `crlCraca`, and the series match."""
        return bytes(craca_id) == bytes(self.craca)[-3:] and crl_series == self.series

    def revocation_index(self) -> RevocationIndex:
        """The lazily built, cached revocation index of this CRL (one per view)."""
        if self._index is None:
            self._index = RevocationIndex(self.hash_entries, self.linkage_entries, self.group_entries)
        return self._index

    def __repr__(self) -> str:
        return (
            f"CrlContents({self.kind.value}, series={self.series}, craca={self.craca.hex()}, "
            f"issueDate={int(self.issue_date)}, nextCrl={int(self.next_crl)}, "
            f"entries={len(self.hash_entries) + len(self.linkage_entries) + len(self.group_entries)})"
        )
