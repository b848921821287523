"""Canonical form of a signed `Ieee1609Dot2Data` (1609.2 clause 6.1.2; standards-notes §2).

Before signed data is hashed (its signature input, a signedDataRecipInfo id or P1), the point of
`headerInfo.encryptionKey` is compressed, `rSig` is x-only and the carried signer certificates are canonical.
Nested signed data inside the payload is canonicalized the same way. Fields after extension markers are left alone.
A 1609.2.1 signedCertificateRequest (an open type holding a `SignedCertificateRequest`) gets the same treatment of
its signer certificates and rSig; its tbsRequest is what was signed and stays as it came.
"""

from __future__ import annotations

from typing import Any

from scms.dot2._codec import decode, encode
from scms.dot2.canonical import canonical_certificate_value
from scms.dot2.curve_points import canonical_point, canonical_signature
from scms.dot2.errors import Ieee1609Error

__all__ = ["canonical_data_value", "canonical_tbs_data"]


def canonical_tbs_data(tbs: dict[str, Any]) -> dict[str, Any]:
    """A `ToBeSignedData` value with the header's encryption key compressed and nested data canonical."""
    header = tbs["headerInfo"]
    key = header.get("encryptionKey")
    if key is not None and key[0] == "public":
        alternative, point = key[1]["publicKey"]
        header = {**header, "encryptionKey": ("public", {**key[1], "publicKey": (alternative, canonical_point(point))})}
    payload = tbs["payload"]
    if "data" in payload:
        payload = {**payload, "data": canonical_data_value(payload["data"])}
    return {**tbs, "payload": payload, "headerInfo": header}


def canonical_data_value(value: dict[str, Any]) -> dict[str, Any]:
    """A decoded `Ieee1609Dot2Data` in canonical form (a new dict when anything changes)."""
    kind, content = value["content"]
    if kind == "signedCertificateRequest":
        return {**value, "content": (kind, _canonical_request(content))}
    if kind != "signedData":
        return value
    signed = {
        **content,
        "tbsData": canonical_tbs_data(content["tbsData"]),
        "signer": _canonical_signer(content["signer"]),
        "signature": canonical_signature(content["signature"]),
    }
    return {**value, "content": (kind, signed)}


def _canonical_signer(signer: tuple[str, Any]) -> tuple[str, Any]:
    kind, value = signer
    return (kind, [canonical_certificate_value(cert) for cert in value]) if kind == "certificate" else signer


def _canonical_request(opaque: bytes) -> bytes:
    try:
        request = decode("SignedCertificateRequest", opaque)
    except Ieee1609Error:
        return opaque  # not a SignedCertificateRequest: nothing to put in canonical form
    canonical = {
        **request,
        "signer": _canonical_signer(request["signer"]),
        "signature": canonical_signature(request["signature"]),
    }
    return bytes(encode("SignedCertificateRequest", canonical))
