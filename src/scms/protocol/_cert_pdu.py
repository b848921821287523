"""The `ScmsPdu {version 2, content cert: CertManagementPdu}` envelope of every certificate-management structure
(1609.2.1 clause 6.3 `ScmsPdu`, clause 8 `CertManagementPdu`; COER `02 84 8x ...`)."""

from __future__ import annotations

from typing import Any

from scms import asn1
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data, unsecured
from scms.protocol._codec import decode

__all__ = [
    "SCMS_PDU_VERSION",
    "cert_management_pdu",
    "open_cert_management_pdu",
    "open_signed",
    "open_unsecured",
    "wrap_unsecured",
]

SCMS_PDU_VERSION = 2


def cert_management_pdu(alternative: str, value: Any) -> bytes:
    """COER `ScmsPdu` carrying the `CertManagementPdu` alternative `alternative` (e.g. "multiSignedCtl")."""
    return asn1.encode("ScmsPdu", {"version": SCMS_PDU_VERSION, "content": ("cert", (alternative, value))})


def open_cert_management_pdu(data: bytes, alternative: str) -> Any:
    """The value of `alternative` inside the COER `ScmsPdu` `data`; 400-42 for any other content."""
    interface, inner = decode("ScmsPdu", data)["content"]
    if interface != "cert" or inner[0] != alternative:
        got = interface if interface != "cert" else f"cert {inner[0]}"
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"expected an ScmsPdu cert {alternative}, got {got}")
    return inner[1]


def wrap_unsecured(alternative: str, value: Any) -> bytes:
    """An unsecured SPDU (`Ieee1609Dot2Data-Unsecured`) around the cert-management `alternative`."""
    return unsecured(cert_management_pdu(alternative, value))


def open_unsecured(data: bytes, alternative: str) -> Any:
    """The `alternative` value inside an unsecured cert-management SPDU; 400-42 for any other shape."""
    return open_cert_management_pdu(Ieee1609Dot2Data.from_bytes(data).unsecured_payload(), alternative)


def open_signed(data: bytes, alternative: str) -> tuple[dict[str, Any], Any]:
    """(signedData value, `alternative` value) of a signed cert-management SPDU (`Ieee1609Dot2Data-Signed`), read
    WITHOUT verifying the signature; 400-42 for any other shape."""
    signed = Ieee1609Dot2Data.from_bytes(data).expect("signedData")
    inner = signed["tbsData"]["payload"].get("data")
    if inner is None:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"a signed {alternative} signs data, not an external hash")
    kind, payload = inner["content"]
    if kind != "unsecuredData":
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"a signed {alternative} signs unsecuredData, not {kind}")
    return signed, open_cert_management_pdu(payload, alternative)
