"""PSID/SSP permissions of a certificate (1609.2 §5.1.2, §6.4.28-6.4.34) and their consistency rules.

* `PsidSsp` (appPermissions): what the holder may sign for; `Ssp` is opaque octets or a bitmapSsp.
* `PsidSspRange` (inside `SubjectPermissions`): what the holder may issue or request; `SspRange` is `all`, a list
  of opaque values or a `bitmapSspRange` (value + mask: the bits set in the mask are fixed).
* `PsidGroupPermissions`: a `SubjectPermissions` (all or an explicit list) with the chain length allowed below the
  holder (`minChainLength` .. `minChainLength + chainLengthRange`, -1 = unbounded) and the end-entity types (app:
  authorization certificates, enrol: enrollment certificates).

Consistency of an SSP with a range follows the notes on PsidSsp, ServiceSpecificPermissions, BitmapSsp, SspRange
and BitmapSspRange in 1609.2 (§6.4.28 ff.):
* an absent `ssp` is within `all` or an opaque range listing the empty octet string;
* an opaque SSP is within `all` or an opaque range listing it; a bitmapSsp within `all` or a bitmapSspRange whose
  masked bits it matches (we also require the same length, which the standard implies);
* an absent `sspRange` means `all`; an opaque range is within `all` or an opaque range listing every one of its
  values; a bitmap range within `all` or a bitmap range whose mask bits it also fixes to the same values.
The "all" entry of a SequenceOfPsidGroupPermissions covers only the PSIDs no other entry lists (`groups_for_psid`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "UNBOUNDED",
    "PsidGroupPermissions",
    "PsidSsp",
    "PsidSspRange",
    "Ssp",
    "SspRange",
    "app_permissions_from_coer",
    "app_permissions_to_coer",
    "group_permissions_from_coer",
    "group_permissions_to_coer",
    "groups_for_psid",
    "listed_psids",
]

UNBOUNDED = -1
"""`chainLengthRange = -1`: any chain length from minChainLength up."""


@dataclass(frozen=True, slots=True)
class Ssp:
    """`ServiceSpecificPermissions`: opaque octets, or a `bitmapSsp` when `bitmap`."""

    value: bytes
    bitmap: bool = False

    def to_coer(self) -> tuple[str, bytes]:
        return ("bitmapSsp" if self.bitmap else "opaque", self.value)

    @classmethod
    def from_coer(cls, choice: tuple[str, bytes]) -> Ssp:
        return cls(bytes(choice[1]), choice[0] == "bitmapSsp")


@dataclass(frozen=True, slots=True)
class PsidSsp:
    """One entry of appPermissions."""

    psid: int
    ssp: Ssp | None = None

    def to_coer(self) -> dict[str, Any]:
        value: dict[str, Any] = {"psid": self.psid}
        if self.ssp is not None:
            value["ssp"] = self.ssp.to_coer()
        return value

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> PsidSsp:
        ssp = value.get("ssp")
        return cls(value["psid"], None if ssp is None else Ssp.from_coer(ssp))


@dataclass(frozen=True, slots=True)
class SspRange:
    """`SspRange`: `all` (both tuples empty, `is_all`), an opaque list, or a bitmap value/mask pair."""

    is_all: bool = False
    opaque: tuple[bytes, ...] = ()
    bitmap_value: bytes = b""
    bitmap_mask: bytes = b""

    @classmethod
    def all(cls) -> SspRange:
        return cls(is_all=True)

    @property
    def is_bitmap(self) -> bool:
        return bool(self.bitmap_mask)

    def contains(self, ssp: Ssp | None) -> bool:
        """Whether an SSP (of appPermissions) lies in this range."""
        if self.is_all:
            return True
        if ssp is not None and ssp.bitmap:
            return (
                self.is_bitmap
                and len(ssp.value) == len(self.bitmap_value)
                and _masked(ssp.value, self.bitmap_mask) == _masked(self.bitmap_value, self.bitmap_mask)
            )
        return not self.is_bitmap and (b"" if ssp is None else ssp.value) in self.opaque

    def covers(self, other: SspRange) -> bool:
        """Whether every SSP of `other` lies in this range (issuer's range ⊇ subject's range)."""
        if self.is_all:
            return True
        if other.is_all or self.is_bitmap != other.is_bitmap:
            return False
        if not other.is_bitmap:
            return all(value in self.opaque for value in other.opaque)
        # Every bit the issuer fixes must be fixed by the subject to the same value.
        return (
            len(other.bitmap_value) == len(self.bitmap_value)
            and _masked(other.bitmap_mask, self.bitmap_mask) == self.bitmap_mask
            and _masked(other.bitmap_value, self.bitmap_mask) == _masked(self.bitmap_value, self.bitmap_mask)
        )

    def to_coer(self) -> tuple[str, Any]:
        if self.is_all:
            return ("all", None)
        if self.is_bitmap:
            return ("bitmapSspRange", {"sspValue": self.bitmap_value, "sspBitmask": self.bitmap_mask})
        return ("opaque", list(self.opaque))

    @classmethod
    def from_coer(cls, choice: tuple[str, Any]) -> SspRange:
        kind, value = choice
        if kind == "all":
            return cls.all()
        if kind == "bitmapSspRange":
            return cls(bitmap_value=bytes(value["sspValue"]), bitmap_mask=bytes(value["sspBitmask"]))
        return cls(opaque=tuple(bytes(v) for v in value))


def _masked(data: bytes, mask: bytes) -> bytes:
    return bytes(a & b for a, b in zip(data, mask, strict=False))


@dataclass(frozen=True, slots=True)
class PsidSspRange:
    """One PSID of a `SubjectPermissions.explicit` list; `ssp_range` None (absent) means all SSPs."""

    psid: int
    ssp_range: SspRange | None = None

    @property
    def effective_range(self) -> SspRange:
        return SspRange.all() if self.ssp_range is None else self.ssp_range

    def contains(self, permission: PsidSsp) -> bool:
        return permission.psid == self.psid and self.effective_range.contains(permission.ssp)

    def covers(self, other: PsidSspRange) -> bool:
        return other.psid == self.psid and self.effective_range.covers(other.effective_range)

    def to_coer(self) -> dict[str, Any]:
        value: dict[str, Any] = {"psid": self.psid}
        if self.ssp_range is not None:
            value["sspRange"] = self.ssp_range.to_coer()
        return value

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> PsidSspRange:
        ssp_range = value.get("sspRange")
        return cls(value["psid"], None if ssp_range is None else SspRange.from_coer(ssp_range))


@dataclass(frozen=True, slots=True)
class PsidGroupPermissions:
    """`PsidGroupPermissions`: `subject` None means `SubjectPermissions.all`."""

    subject: tuple[PsidSspRange, ...] | None = None
    min_chain_length: int = 1
    chain_length_range: int = 0
    app: bool = True
    enrol: bool = False

    @property
    def max_chain_length(self) -> int | None:
        """The longest chain below the holder, None when unbounded (chainLengthRange = -1)."""
        if self.chain_length_range == UNBOUNDED:
            return None
        return self.min_chain_length + self.chain_length_range

    def allows_depth(self, depth: int) -> bool:
        """Whether a certificate `depth` levels below the holder may use these permissions."""
        top = self.max_chain_length
        return self.min_chain_length <= depth and (top is None or depth <= top)

    def allows_depths(self, low: int, high: int | None) -> bool:
        """Whether every depth in low..high (None: unbounded) is allowed."""
        top = self.max_chain_length
        if low < self.min_chain_length:
            return False
        return top is None or (high is not None and high <= top)

    def contains(self, permission: PsidSsp) -> bool:
        return self.subject is None or any(r.contains(permission) for r in self.subject)

    def covers_range(self, other: PsidSspRange) -> bool:
        return self.subject is None or any(r.covers(other) for r in self.subject)

    def to_coer(self) -> dict[str, Any]:
        subject = ("all", None) if self.subject is None else ("explicit", [r.to_coer() for r in self.subject])
        bits = (0x80 if self.app else 0) | (0x40 if self.enrol else 0)
        return {
            "subjectPermissions": subject,
            "minChainLength": self.min_chain_length,
            "chainLengthRange": self.chain_length_range,
            "eeType": (bytes((bits,)), 8),
        }

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> PsidGroupPermissions:
        kind, inner = value["subjectPermissions"]
        subject = None if kind == "all" else tuple(PsidSspRange.from_coer(v) for v in inner)
        bits = value.get("eeType", (b"\x80", 8))[0]
        first = bits[0] if bits else 0
        return cls(
            subject,
            value.get("minChainLength", 1),
            value.get("chainLengthRange", 0),
            bool(first & 0x80),
            bool(first & 0x40),
        )


def groups_for_psid(groups: Sequence[PsidGroupPermissions], psid: int) -> tuple[PsidGroupPermissions, ...]:
    """The entries that govern `psid`: those listing it, else the `all` entries (1609.2 §6.4.33 SubjectPermissions)."""
    listed = tuple(g for g in groups if g.subject is not None and any(r.psid == psid for r in g.subject))
    return listed or tuple(g for g in groups if g.subject is None)


def listed_psids(groups: Sequence[PsidGroupPermissions]) -> frozenset[int]:
    """The PSIDs named explicitly by some entry."""
    return frozenset(r.psid for g in groups if g.subject is not None for r in g.subject)


def app_permissions_from_coer(value: Sequence[dict[str, Any]] | None) -> tuple[PsidSsp, ...]:
    return () if value is None else tuple(PsidSsp.from_coer(v) for v in value)


def app_permissions_to_coer(permissions: Sequence[PsidSsp]) -> list[dict[str, Any]]:
    return [p.to_coer() for p in permissions]


def group_permissions_from_coer(value: Sequence[dict[str, Any]] | None) -> tuple[PsidGroupPermissions, ...]:
    return () if value is None else tuple(PsidGroupPermissions.from_coer(v) for v in value)


def group_permissions_to_coer(groups: Sequence[PsidGroupPermissions]) -> list[dict[str, Any]]:
    return [g.to_coer() for g in groups]
