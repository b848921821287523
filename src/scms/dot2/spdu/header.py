"""`HeaderInfo` of a signed SPDU (1609.2 clause 6.3.9): exactly the fields the caller sets, nothing added.

1609.2.1 SPDUs are strict about which fields are present (e.g. a `SecuredCrl` has psid 256 and no
generationTime; the 2022 `Ieee1609Dot2Data-Signed` template forbids generationTime), so no field has a default
other than "absent". The fields after the extension marker are kept as raw COER values in `extensions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scms.crypto import HashedId3
from scms.dot2.certificate_fields import PublicEncryptionKey
from scms.dot2.spdu.encryption_key import SymmetricEncryptionKey
from scms.dot2.time import Time64

__all__ = ["EXTENSION_FIELDS", "HeaderInfo", "MissingCrlIdentifier", "ThreeDLocation"]

# HeaderInfo components after the extension marker, carried through as decoded values.
EXTENSION_FIELDS = ("inlineP2pcdRequest", "requestedCertificate", "pduFunctionalType", "contributedExtensions")


@dataclass(frozen=True)
class ThreeDLocation:
    """Latitude and longitude in 1/10 microdegree, elevation in decimetres (clause 6.4.18)."""

    latitude: int
    longitude: int
    elevation: int


@dataclass(frozen=True)
class MissingCrlIdentifier:
    """The CRL a sender asks peers for (clause 6.3.11)."""

    craca_id: HashedId3
    crl_series: int


EncryptionKey = PublicEncryptionKey | SymmetricEncryptionKey


@dataclass(frozen=True)
class HeaderInfo:
    """The signed header; `psid` is mandatory, every other field absent unless given."""

    psid: int
    generation_time: Time64 | None = None
    expiry_time: Time64 | None = None
    generation_location: ThreeDLocation | None = None
    p2pcd_learning_request: HashedId3 | None = None
    missing_crl_identifier: MissingCrlIdentifier | None = None
    encryption_key: EncryptionKey | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.extensions).difference(EXTENSION_FIELDS) if self.extensions else ()
        if unknown:
            raise ValueError(f"not HeaderInfo extension fields: {sorted(unknown)}")

    def to_coer(self) -> dict[str, Any]:
        """The COER value (canonical: an encryption key's point compressed, clause 6.1.2)."""
        value: dict[str, Any] = {"psid": self.psid}
        if self.generation_time is not None:
            value["generationTime"] = int(self.generation_time)
        if self.expiry_time is not None:
            value["expiryTime"] = int(self.expiry_time)
        if (loc := self.generation_location) is not None:
            value["generationLocation"] = {
                "latitude": loc.latitude,
                "longitude": loc.longitude,
                "elevation": loc.elevation,
            }
        if self.p2pcd_learning_request is not None:
            value["p2pcdLearningRequest"] = bytes(self.p2pcd_learning_request)
        if (missing := self.missing_crl_identifier) is not None:
            value["missingCrlIdentifier"] = {"cracaId": bytes(missing.craca_id), "crlSeries": missing.crl_series}
        if isinstance(self.encryption_key, PublicEncryptionKey):
            value["encryptionKey"] = ("public", self.encryption_key.to_coer())
        elif isinstance(self.encryption_key, SymmetricEncryptionKey):
            value["encryptionKey"] = ("symmetric", self.encryption_key.to_coer())
        value.update(self.extensions)
        return value

    @classmethod
    def from_coer(cls, value: Mapping[str, Any]) -> HeaderInfo:
        """A decoded HeaderInfo; an unusable encryption key raises InvalidPoint (the caller maps it)."""
        loc = value.get("generationLocation")
        missing = value.get("missingCrlIdentifier")
        return cls(
            psid=value["psid"],
            generation_time=_time64(value.get("generationTime")),
            expiry_time=_time64(value.get("expiryTime")),
            generation_location=None if loc is None else ThreeDLocation(**loc),
            p2pcd_learning_request=_hashed_id3(value.get("p2pcdLearningRequest")),
            missing_crl_identifier=(
                None if missing is None else MissingCrlIdentifier(HashedId3(missing["cracaId"]), missing["crlSeries"])
            ),
            encryption_key=_encryption_key(value.get("encryptionKey")),
            extensions={name: value[name] for name in EXTENSION_FIELDS if name in value},
        )


def _time64(value: int | None) -> Time64 | None:
    return None if value is None else Time64(value)


def _hashed_id3(value: bytes | None) -> HashedId3 | None:
    return None if value is None else HashedId3(value)


def _encryption_key(value: tuple[str, Any] | None) -> EncryptionKey | None:
    if value is None:
        return None
    alternative, content = value
    if alternative == "public":
        return PublicEncryptionKey.from_coer(content)
    algorithm, key = content
    if algorithm != "aes128Ccm":
        raise ValueError(f"unsupported symmetric algorithm {algorithm}")
    return SymmetricEncryptionKey(key)
