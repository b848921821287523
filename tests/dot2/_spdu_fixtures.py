"""Certificates and keys for the SPDU tests: explicit and implicit (ECQV) certificates built with scms.asn1.

Each certificate is a real COER encoding, signed (explicit) or reconstructable (implicit) per 1609.2 §5.3;
the SPDU code never validates chains, so the CA below only has to be consistent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms import asn1
from scms.crypto import Curve, SoftwareKey, ecqv_begin, ecqv_e, ecqv_finish, ecqv_private_key, signing_digest
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import PublicEncryptionKey
from scms.dot2.curve_points import point_to_coer, signature_to_coer, verification_key_to_coer
from scms.dot2.time import Time32

START = Time32(600_000_000)
HOURS = 24 * 365


@dataclass
class Holder:
    """A certificate with its signing key and (when it has an encryptionKey) its decryption key."""

    certificate: Certificate
    key: SoftwareKey
    decryption_key: SoftwareKey | None = None


def _tbs(name: str, psids: tuple[int, ...], start: int, hours: int) -> dict[str, Any]:
    tbs: dict[str, Any] = {
        "id": ("name", name),
        "cracaId": bytes(3),
        "crlSeries": 0,
        "validityPeriod": {"start": int(start), "duration": ("hours", hours)},
    }
    if psids:
        tbs["appPermissions"] = [{"psid": psid} for psid in psids]
    return tbs


def _issuer_field(issuer: Holder | None, curve: Curve) -> tuple[str, Any]:
    if issuer is None:
        return ("self", "sha256" if curve.size == 32 else "sha384")
    alg = "sha256AndDigest" if issuer.certificate.hash_algorithm.name == "SHA256" else "sha384AndDigest"
    return (alg, bytes(issuer.certificate.hashed_id8()))


def make_explicit(
    *,
    issuer: Holder | None = None,
    curve: Curve = Curve.P256,
    name: str = "signer.example",
    psids: tuple[int, ...] = (35,),
    encryption_curve: Curve | None = None,
    start: int = START,
    hours: int = HOURS,
) -> Holder:
    """An explicit certificate (self-signed when `issuer` is None), with an encryptionKey if a curve is given."""
    key = SoftwareKey.generate(curve)
    tbs = _tbs(name, psids, start, hours)
    decryption_key = None
    if encryption_curve is not None:
        decryption_key = SoftwareKey.generate(encryption_curve)
        tbs["encryptionKey"] = PublicEncryptionKey(decryption_key.public_point).to_coer()
    tbs["verifyKeyIndicator"] = ("verificationKey", verification_key_to_coer(key.public_point))
    signer_key = key if issuer is None else issuer.key
    issuer_bytes = b"" if issuer is None else issuer.certificate.canonical_bytes
    digest = signing_digest(signer_key.curve, asn1.encode("ToBeSignedCertificate", tbs), issuer_bytes)
    value = {
        "version": 3,
        "type": "explicit",
        "issuer": _issuer_field(issuer, curve),
        "toBeSigned": tbs,
        "signature": signature_to_coer(signer_key.sign_digest(digest)),
    }
    return Holder(Certificate.from_bytes(asn1.encode("Certificate", value)), key, decryption_key)


def make_implicit(
    *, issuer: Holder, name: str = "implicit.example", psids: tuple[int, ...] = (35,), start: int = START
) -> Holder:
    """An implicit certificate issued by ECQV (1609.2 §5.3.2), with the reconstructed private key."""
    request_key = SoftwareKey.generate()
    issuance = ecqv_begin(request_key.public_point)
    tbs = _tbs(name, psids, start, HOURS)
    tbs["verifyKeyIndicator"] = ("reconstructionValue", point_to_coer(issuance.reconstruction_point))
    e = ecqv_e(asn1.encode("ToBeSignedCertificate", tbs), issuer.certificate.canonical_bytes)
    r = ecqv_finish(issuance, e, issuer.key)
    key = ecqv_private_key(request_key, e, r, issuance.reconstruction_point, issuer.key.public_point)
    value = {"version": 3, "type": "implicit", "issuer": _issuer_field(issuer, Curve.P256), "toBeSigned": tbs}
    return Holder(Certificate.from_bytes(asn1.encode("Certificate", value)), key)
