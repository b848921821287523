"""What the RA tells the end entity about its requests (1609.2.1 clauses 6.3.5.2, 6.3.5.4, 8.2; standards notes
§10.1, §11), both sides as pure steps:

* `RaEeCertAckSpdu` (`build_cert_ack`), the answer to an authorization request: `RaEeCertAck {generationTime,
  requestHash, firstI (butterfly requests), nextDlTime}` signed by the RA;
* `RaEeCertInfoSpdu` (`build_cert_info`), the `x.info` entry of each batch zip: `RaEeCertInfo {generationTime,
  currentI, requestHash, nextDlTime}`, unsecured;
* `RaEeEnrollmentCertAckSpdu` (`build_enrollment_ack`), the answer to a successor enrollment request: the same
  `RaEeCertInfo`, signed by the RA.

nextDlTime says when to download (the batch, or the next i-period's batch). The EE reads the signed ones with the
RA certificate it encrypted its request to: 400-43 bad signature, 400-40 another signer, 400-42 not that message
or a requestHash that is not its request's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms.crypto import HashedId8, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data, unsecured
from scms.dot2.time import IValue, Time32
from scms.protocol._scms_pdu import open_scms_pdu, scms_pdu
from scms.protocol._signed_pdu import sign_pdu, verify_pdu
from scms.protocol.security_mgmt_ssp import Role

__all__ = [
    "CertAck",
    "CertInfo",
    "build_cert_ack",
    "build_cert_info",
    "build_enrollment_ack",
    "read_cert_ack",
    "read_cert_info",
    "read_enrollment_ack",
]

_VERSION = 2


def _expect_hash(value: dict[str, Any], request_hash: HashedId8) -> HashedId8:
    if value["requestHash"] != request_hash:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"requestHash {value['requestHash'].hex()} is not {request_hash}")
    return request_hash


@dataclass(frozen=True)
class CertAck:
    """`RaEeCertAck`: firstI is present for butterfly requests (the first batch's i)."""

    request_hash: HashedId8
    first_i: IValue | None
    next_dl_time: Time32
    generation_time: Time32


def build_cert_ack(
    request_hash: HashedId8,
    first_i: int | None,
    next_dl_time: Time32,
    ra_key: Signer,
    ra_certificate: Certificate,
    now: Time32,
) -> bytes:
    """RA: the COER `RaEeCertAckSpdu` for the request `request_hash`, signed at `now` by `ra_certificate`."""
    ack: dict[str, Any] = {"version": _VERSION, "generationTime": int(now), "requestHash": bytes(request_hash)}
    if first_i is not None:
        ack["firstI"] = int(IValue(first_i))
    ack["nextDlTime"] = int(next_dl_time)
    return sign_pdu(scms_pdu("ee-ra", "raEeCertAck", ack), ra_key, ra_certificate, now)


def read_cert_ack(data: bytes, request_hash: HashedId8, ra_certificate: Certificate, now: Time32) -> CertAck:
    """EE: verify the RA's acknowledgement of the request `request_hash` (signed by `ra_certificate`)."""
    signed = verify_pdu(data, Role.RA, now, expected=ra_certificate)
    value = open_scms_pdu(signed.payload, "ee-ra", "raEeCertAck")
    first_i = value.get("firstI")
    return CertAck(
        _expect_hash(value, request_hash),
        None if first_i is None else IValue(first_i),
        Time32(value["nextDlTime"]),
        Time32(value["generationTime"]),
    )


@dataclass(frozen=True)
class CertInfo:
    """`RaEeCertInfo` (without acpcTreeId): the i-period a batch is for and when to come back."""

    request_hash: HashedId8
    current_i: IValue
    next_dl_time: Time32
    generation_time: Time32

    def to_coer(self) -> dict[str, Any]:
        return {
            "version": _VERSION,
            "generationTime": int(self.generation_time),
            "currentI": int(self.current_i),
            "requestHash": bytes(self.request_hash),
            "nextDlTime": int(self.next_dl_time),
        }

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> CertInfo:
        if "acpcTreeId" in value:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, "RaEeCertInfo with acpcTreeId (ACPC is not supported)")
        return cls(
            HashedId8(value["requestHash"]),
            IValue(value["currentI"]),
            Time32(value["nextDlTime"]),
            Time32(value["generationTime"]),
        )


def build_cert_info(info: CertInfo) -> bytes:
    """RA: the COER `RaEeCertInfoSpdu` (unsecured), the `x.info` entry of a batch zip."""
    return unsecured(scms_pdu("ee-ra", "raEeCertInfo", info.to_coer()))


def read_cert_info(data: bytes) -> CertInfo:
    """EE: read an `RaEeCertInfoSpdu`; 400-42 for anything else."""
    payload = Ieee1609Dot2Data.from_bytes(data).unsecured_payload()
    return CertInfo.from_coer(open_scms_pdu(payload, "ee-ra", "raEeCertInfo"))


def build_enrollment_ack(info: CertInfo, ra_key: Signer, ra_certificate: Certificate, now: Time32) -> bytes:
    """RA: the COER `RaEeEnrollmentCertAckSpdu` (`info` signed at `now` by `ra_certificate`), the answer to a
    successor enrollment request."""
    return sign_pdu(scms_pdu("ee-ra", "raEeCertInfo", info.to_coer()), ra_key, ra_certificate, now)


def read_enrollment_ack(data: bytes, request_hash: HashedId8, ra_certificate: Certificate, now: Time32) -> CertInfo:
    """EE: verify the RA's acknowledgement of the successor enrollment request `request_hash`."""
    signed = verify_pdu(data, Role.RA, now, expected=ra_certificate)
    info = CertInfo.from_coer(open_scms_pdu(signed.payload, "ee-ra", "raEeCertInfo"))
    _expect_hash(info.to_coer(), request_hash)
    return info
