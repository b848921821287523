"""Certificates for the CRL tests: explicit P-256 certificates built with scms.asn1 and signed per 1609.2 §6.4.3.

Kept deliberately small (CRACA / CRL signer / subject certificates with the fields the CRL rules look at); the
general certificate builder lives in scms.dot2 (dot2cert).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms import asn1
from scms.crypto import SoftwareKey, signing_digest
from scms.dot2.certificate import Certificate
from scms.dot2.curve_points import signature_to_coer, verification_key_to_coer
from scms.dot2.time import Time32

START = Time32(600_000_000)
CRL_PSID = 256


@dataclass
class Holder:
    """A certificate and the key it certifies."""

    certificate: Certificate
    key: SoftwareKey


def crl_ssp(series: list[int], *, is_craca: bool = True) -> bytes:
    """COER `CrlSsp` (1609.2 Ieee1609Dot2CrlSsp): version 1, isCraca / issuerIsCraca, the permitted series."""
    craca = "isCraca" if is_craca else "issuerIsCraca"
    return asn1.encode("CrlSsp", {"version": 1, "associatedCraca": craca, "crls": series})


def make_certificate(
    *,
    issuer: Holder | None = None,
    key: SoftwareKey | None = None,
    name: str = "test.example",
    linkage: dict[str, Any] | None = None,
    craca_id: bytes = bytes(3),
    crl_series: int = 0,
    permissions: list[tuple[int, bytes | None]] | None = None,
    start: int = START,
) -> Holder:
    """An explicit certificate; self-signed when `issuer` is None. `linkage` is a LinkageData value."""
    key = key or SoftwareKey.generate()
    permissions = permissions if permissions is not None else [(35, b"\x8c\x00")]
    app_permissions = [
        {"psid": psid} | ({"ssp": ("opaque", ssp)} if ssp is not None else {}) for psid, ssp in permissions
    ]
    tbs = {
        "id": ("linkageData", linkage) if linkage is not None else ("name", name),
        "cracaId": craca_id,
        "crlSeries": crl_series,
        "validityPeriod": {"start": int(start), "duration": ("years", 5)},
        "appPermissions": app_permissions,
        "verifyKeyIndicator": ("verificationKey", verification_key_to_coer(key.public_point)),
    }
    issuer_bytes = b"" if issuer is None else issuer.certificate.canonical_bytes
    signer_key = key if issuer is None else issuer.key
    digest = signing_digest(signer_key.curve, asn1.encode("ToBeSignedCertificate", tbs), issuer_bytes)
    value = {
        "version": 3,
        "type": "explicit",
        "issuer": ("self", "sha256") if issuer is None else ("sha256AndDigest", bytes(issuer.certificate.hashed_id8())),
        "toBeSigned": tbs,
        "signature": signature_to_coer(signer_key.sign_digest(digest)),
    }
    return Holder(Certificate.from_bytes(asn1.encode("Certificate", value)), key)


def make_craca(series: list[int], *, name: str = "craca.example") -> Holder:
    """A self-signed CRACA: psid 256 with CrlSsp {isCraca, crls = series}."""
    return make_certificate(name=name, permissions=[(CRL_PSID, crl_ssp(series))])


def linkage_data(i_cert: int, lv: bytes, group: tuple[int, bytes] | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"iCert": i_cert, "linkage-value": lv}
    if group is not None:
        value["group-linkage-value"] = {"jValue": group[0].to_bytes(4), "value": group[1]}
    return value
