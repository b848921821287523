"""A typed description of a `ToBeSignedCertificate` (1609.2 §6.4.8) — what a CA decides to put in a certificate.

`CertificateTemplate(...).tbs_value()` gives the asn1 value to lint and sign; `from_tbs_value` reads a received tbs
(e.g. the one inside a certificate request) back into the typed form. `verification_key` set → explicit certificate;
None → implicit (the reconstruction value is put in at issuance, `certificate_builder.issue_implicit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms.crypto import HashedId3, InvalidPoint, Point
from scms.dot2.certificate_fields import CertificateId, PublicEncryptionKey, ValidityPeriod
from scms.dot2.curve_points import VERIFICATION_KEY_CURVES, point_from_coer, point_to_coer, verification_key_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permissions import (
    PsidGroupPermissions,
    PsidSsp,
    app_permissions_from_coer,
    app_permissions_to_coer,
    group_permissions_from_coer,
    group_permissions_to_coer,
)
from scms.dot2.region import Region, region_from_coer

__all__ = ["ROOT_CRACA_ID", "CertificateTemplate"]

ROOT_CRACA_ID = HashedId3(b"\x00\x00\x00")
"""The cracaId of a root certificate (no CRACA above it), as on the real ISS root."""


@dataclass(frozen=True)
class CertificateTemplate:
    id: CertificateId
    validity: ValidityPeriod
    craca_id: bytes = bytes(ROOT_CRACA_ID)
    crl_series: int = 0
    region: Region | None = None
    assurance_level: bytes | None = None
    app_permissions: tuple[PsidSsp, ...] = ()
    cert_issue_permissions: tuple[PsidGroupPermissions, ...] = ()
    cert_request_permissions: tuple[PsidGroupPermissions, ...] = ()
    can_request_rollover: bool = False
    encryption_key: PublicEncryptionKey | None = None
    verification_key: Point | None = None
    uses_cubk: bool = False

    @property
    def is_implicit(self) -> bool:
        return self.verification_key is None

    def tbs_value(self, reconstruction_value: Point | None = None) -> dict[str, Any]:
        """The `ToBeSignedCertificate` value; implicit templates take P_U (else verifyKeyIndicator is left out)."""
        tbs: dict[str, Any] = {
            "id": self.id.to_coer(),
            "cracaId": bytes(self.craca_id),
            "crlSeries": self.crl_series,
            "validityPeriod": self.validity.to_coer(),
        }
        if self.region is not None:
            tbs["region"] = self.region.to_coer()
        if self.assurance_level is not None:
            tbs["assuranceLevel"] = self.assurance_level
        if self.app_permissions:
            tbs["appPermissions"] = app_permissions_to_coer(self.app_permissions)
        if self.cert_issue_permissions:
            tbs["certIssuePermissions"] = group_permissions_to_coer(self.cert_issue_permissions)
        if self.cert_request_permissions:
            tbs["certRequestPermissions"] = group_permissions_to_coer(self.cert_request_permissions)
        if self.can_request_rollover:
            tbs["canRequestRollover"] = None
        if self.encryption_key is not None:
            tbs["encryptionKey"] = self.encryption_key.to_coer()
        if self.verification_key is not None:
            tbs["verifyKeyIndicator"] = ("verificationKey", verification_key_to_coer(self.verification_key))
        elif reconstruction_value is not None:
            tbs["verifyKeyIndicator"] = ("reconstructionValue", point_to_coer(reconstruction_value))
        if self.uses_cubk:
            tbs["flags"] = (b"\x80", 8)
        return tbs

    @classmethod
    def from_tbs_value(cls, tbs: dict[str, Any]) -> CertificateTemplate:
        """The typed form of a received tbs (a reconstructionValue is dropped: the issuer sets its own)."""
        region = tbs.get("region")
        key: Point | None = None
        indicator = tbs.get("verifyKeyIndicator")
        try:
            if indicator is not None and indicator[0] == "verificationKey":
                name, point = indicator[1]
                if name not in VERIFICATION_KEY_CURVES:
                    raise InvalidPoint(f"unsupported verification key algorithm {name}")
                key = point_from_coer(VERIFICATION_KEY_CURVES[name], point)
            encryption = tbs.get("encryptionKey")
            encryption_key = None if encryption is None else PublicEncryptionKey.from_coer(encryption)
        except InvalidPoint as exc:
            raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"tbs: {exc}") from None
        flags = tbs.get("flags")
        return cls(
            id=CertificateId.from_coer(tbs["id"]),
            validity=ValidityPeriod.from_coer(tbs["validityPeriod"]),
            craca_id=bytes(tbs["cracaId"]),
            crl_series=tbs["crlSeries"],
            region=None if region is None else region_from_coer(region),
            assurance_level=tbs.get("assuranceLevel"),
            app_permissions=app_permissions_from_coer(tbs.get("appPermissions")),
            cert_issue_permissions=group_permissions_from_coer(tbs.get("certIssuePermissions")),
            cert_request_permissions=group_permissions_from_coer(tbs.get("certRequestPermissions")),
            can_request_rollover="canRequestRollover" in tbs,
            encryption_key=encryption_key,
            verification_key=key,
            uses_cubk=flags is not None and bool(flags[0][0] & 0x80),
        )
