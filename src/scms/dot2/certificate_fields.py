"""Typed fields of a 1609.2 certificate (§6.4): issuer identifier, certificate id, validity period, encryption key.

Each has `from_coer` (the asn1tools value of the received field) and `to_coer` (the value to encode), so the view
(`scms.dot2.certificate`) and the builder (`scms.dot2.certificate_builder`) share one mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from scms.crypto import Curve, HashAlgorithm, HashedId8, InvalidPoint, Point
from scms.dot2.curve_points import ENCRYPTION_KEY_CURVES, point_from_coer, point_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import IValue, Time32, Time64

__all__ = [
    "DURATION_UNITS",
    "CertificateId",
    "CertificateType",
    "GroupLinkageValue",
    "IssuerId",
    "LinkageData",
    "PublicEncryptionKey",
    "ValidityPeriod",
]

DURATION_UNITS: dict[str, int] = {
    "microseconds": 1,
    "milliseconds": 1_000,
    "seconds": 1_000_000,
    "minutes": 60_000_000,
    "hours": 3_600_000_000,
    "sixtyHours": 216_000_000_000,
    "years": 31_556_952_000_000,
}
"""Microseconds per unit of each `Duration` alternative (a year is 31 556 952 s, 1609.2 §6.4.15)."""


class CertificateType(Enum):
    EXPLICIT = "explicit"
    IMPLICIT = "implicit"


_ISSUER_HASHES = {"sha256AndDigest": HashAlgorithm.SHA256, "sha384AndDigest": HashAlgorithm.SHA384}
_SELF_HASHES = {"sha256": HashAlgorithm.SHA256, "sha384": HashAlgorithm.SHA384}


@dataclass(frozen=True, slots=True)
class IssuerId:
    """`IssuerIdentifier`: self (with its hash algorithm) or the issuer's HashedId8 under `hash_algorithm`."""

    hash_algorithm: HashAlgorithm
    digest: HashedId8 | None = None

    @property
    def is_self(self) -> bool:
        return self.digest is None

    def to_coer(self) -> tuple[str, Any]:
        if self.digest is None:
            return ("self", self.hash_algorithm.value)
        return (f"{self.hash_algorithm.value}AndDigest", bytes(self.digest))

    @classmethod
    def from_coer(cls, choice: tuple[str, Any]) -> IssuerId:
        kind, value = choice
        if kind == "self" and value in _SELF_HASHES:
            return cls(_SELF_HASHES[value])
        if kind in _ISSUER_HASHES:
            return cls(_ISSUER_HASHES[kind], HashedId8(value))
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"unsupported issuer identifier {kind} {value!r}")

    def __str__(self) -> str:
        return (
            f"self({self.hash_algorithm.value})"
            if self.digest is None
            else f"{self.hash_algorithm.value}:{self.digest}"
        )


@dataclass(frozen=True, slots=True)
class GroupLinkageValue:
    j_value: bytes
    value: bytes


@dataclass(frozen=True, slots=True)
class LinkageData:
    """`LinkageData` of a pseudonym certificate (matched against linkage-based CRLs, §5.1.3.4)."""

    i_cert: IValue
    linkage_value: bytes
    group_linkage_value: GroupLinkageValue | None = None


@dataclass(frozen=True, slots=True)
class CertificateId:
    """`CertificateId`: exactly one of name / linkage / binary is set, per `kind`; `kind == "none"` has none."""

    kind: str
    name: str | None = None
    linkage: LinkageData | None = None
    binary: bytes | None = None

    @classmethod
    def named(cls, name: str) -> CertificateId:
        return cls("name", name=name)

    @classmethod
    def binary_id(cls, value: bytes) -> CertificateId:
        return cls("binaryId", binary=value)

    @classmethod
    def linkage_data(cls, linkage: LinkageData) -> CertificateId:
        return cls("linkageData", linkage=linkage)

    @classmethod
    def none(cls) -> CertificateId:
        return cls("none")

    def to_coer(self) -> tuple[str, Any]:
        if self.kind == "name":
            return ("name", self.name)
        if self.kind == "binaryId":
            return ("binaryId", self.binary)
        if self.kind == "linkageData" and self.linkage is not None:
            linkage = self.linkage
            value: dict[str, Any] = {"iCert": int(linkage.i_cert), "linkage-value": linkage.linkage_value}
            if linkage.group_linkage_value is not None:
                glv = linkage.group_linkage_value
                value["group-linkage-value"] = {"jValue": glv.j_value, "value": glv.value}
            return ("linkageData", value)
        return ("none", None)

    @classmethod
    def from_coer(cls, choice: tuple[str, Any]) -> CertificateId:
        kind, value = choice
        if kind == "name":
            return cls.named(value)
        if kind == "binaryId":
            return cls.binary_id(bytes(value))
        if kind == "linkageData":
            glv = value.get("group-linkage-value")
            group = None if glv is None else GroupLinkageValue(bytes(glv["jValue"]), bytes(glv["value"]))
            return cls.linkage_data(LinkageData(IValue(value["iCert"]), bytes(value["linkage-value"]), group))
        return cls.none()

    def __str__(self) -> str:
        if self.kind == "name":
            return f"name {self.name}"
        if self.kind == "binaryId" and self.binary is not None:
            return f"binaryId {self.binary.hex()}"
        if self.linkage is not None:
            text = f"linkageData iCert={int(self.linkage.i_cert)} lv={self.linkage.linkage_value.hex()}"
            glv = self.linkage.group_linkage_value
            return text if glv is None else text + f" glv(j={glv.j_value.hex()})={glv.value.hex()}"
        return "none"


@dataclass(frozen=True, slots=True)
class ValidityPeriod:
    """`ValidityPeriod`: valid from `start` (inclusive) for `count` `unit`s (end exclusive)."""

    start: Time32
    unit: str
    count: int

    @classmethod
    def hours(cls, start: int, count: int) -> ValidityPeriod:
        return cls(Time32(start), "hours", count)

    @classmethod
    def years(cls, start: int, count: int) -> ValidityPeriod:
        return cls(Time32(start), "years", count)

    @property
    def duration_microseconds(self) -> int:
        return self.count * DURATION_UNITS[self.unit]

    @property
    def start_microseconds(self) -> int:
        return int(self.start) * 1_000_000

    @property
    def end_microseconds(self) -> int:
        return self.start_microseconds + self.duration_microseconds

    @property
    def end(self) -> Time32:
        """The first second no longer covered (clipped to the Time32 range)."""
        return Time32(min(-(-self.end_microseconds // 1_000_000), 0xFFFFFFFF))

    def contains(self, now: Time32 | Time64) -> bool:
        """start <= now < start + duration; a Time64 is compared in microseconds, a Time32 (or int) in seconds."""
        micros = int(now) if isinstance(now, Time64) else int(now) * 1_000_000
        return self.start_microseconds <= micros < self.end_microseconds

    def within(self, outer: ValidityPeriod) -> bool:
        return outer.start_microseconds <= self.start_microseconds and self.end_microseconds <= outer.end_microseconds

    def to_coer(self) -> dict[str, Any]:
        return {"start": int(self.start), "duration": (self.unit, self.count)}

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> ValidityPeriod:
        unit, count = value["duration"]
        return cls(Time32(value["start"]), unit, count)


@dataclass(frozen=True, slots=True)
class PublicEncryptionKey:
    """`PublicEncryptionKey`: an ECIES key (NIST P-256 or brainpoolP256r1) and the symmetric algorithm."""

    point: Point
    symmetric_algorithm: str = "aes128Ccm"

    def __post_init__(self) -> None:
        if self.point.curve not in ENCRYPTION_KEY_CURVES.values():
            raise ValueError(f"{self.point.curve.name} is not an ECIES curve of 1609.2 (§5.3.5: 256-bit curves)")

    @property
    def curve(self) -> Curve:
        return self.point.curve

    def to_coer(self) -> dict[str, Any]:
        name = next(n for n, c in ENCRYPTION_KEY_CURVES.items() if c is self.point.curve)
        return {"supportedSymmAlg": self.symmetric_algorithm, "publicKey": (name, point_to_coer(self.point))}

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> PublicEncryptionKey:
        """Raises InvalidPoint (crypto) for a bad or unsupported key; the view maps it."""
        name, point = value["publicKey"]
        curve = ENCRYPTION_KEY_CURVES.get(name)
        if curve is None:
            raise InvalidPoint(f"unsupported encryption key algorithm {name}")
        return cls(point_from_coer(curve, point), value["supportedSymmAlg"])
