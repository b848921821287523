"""Canonical form of a received certificate (1609.2 §6.1.2 canonicalization; standards-notes §2).

Before a certificate is hashed (HashedId8, the signer input of what it signs, the ECQV e) or its signature is
checked, its curve points in `toBeSigned` (`verifyKeyIndicator`, `encryptionKey`) are encoded compressed and the
`rSig` of its signature x-only. Fields after the extension marker are not canonicalized.

Decision (documented in docs/api-dot2-certificates.md): everything we hash is the CANONICAL encoding. A received
certificate that is already canonical (every one we or a conformant CA issue) hashes its received bytes unchanged;
one that is not is re-encoded here first, so a certificate has one HashedId8 whatever form it travelled in.
"""

from __future__ import annotations

from typing import Any

from scms.dot2._codec import encode
from scms.dot2.curve_points import canonical_point, canonical_signature, is_canonical_point

__all__ = [
    "canonical_certificate_bytes",
    "canonical_certificate_value",
    "canonical_tbs_value",
    "is_canonical_certificate",
]


def _key_points(tbs: dict[str, Any]) -> list[tuple[str, Any]]:
    points = []
    kind, indicator = tbs["verifyKeyIndicator"]
    points.append(indicator[1] if kind == "verificationKey" else indicator)
    if "encryptionKey" in tbs:
        points.append(tbs["encryptionKey"]["publicKey"][1])
    return points


def is_canonical_certificate(value: dict[str, Any]) -> bool:
    """Whether a decoded `Certificate` already has compressed key points and an x-only rSig."""
    if not all(is_canonical_point(p) for p in _key_points(value["toBeSigned"])):
        return False
    signature = value.get("signature")
    return signature is None or canonical_signature(signature) is signature


def canonical_tbs_value(tbs: dict[str, Any]) -> dict[str, Any]:
    """A `ToBeSignedCertificate` value with its key points compressed (a new dict; the input is not changed)."""
    out = dict(tbs)
    kind, indicator = tbs["verifyKeyIndicator"]
    if kind == "verificationKey":
        out["verifyKeyIndicator"] = (kind, (indicator[0], canonical_point(indicator[1])))
    else:
        out["verifyKeyIndicator"] = (kind, canonical_point(indicator))
    if "encryptionKey" in tbs:
        key = tbs["encryptionKey"]
        curve_name, point = key["publicKey"]
        out["encryptionKey"] = {**key, "publicKey": (curve_name, canonical_point(point))}
    return out


def canonical_certificate_value(value: dict[str, Any]) -> dict[str, Any]:
    """A decoded `Certificate` in canonical form (a new dict)."""
    out = dict(value)
    out["toBeSigned"] = canonical_tbs_value(value["toBeSigned"])
    if "signature" in value:
        out["signature"] = canonical_signature(value["signature"])
    return out


def canonical_certificate_bytes(data: bytes, value: dict[str, Any]) -> bytes:
    """The canonical COER of a certificate: `data` itself when already canonical, else the re-encoding."""
    if is_canonical_certificate(value):
        return data
    return encode("Certificate", canonical_certificate_value(value))
