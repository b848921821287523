"""`AcaRaCertResponseSpdu`: the ACA's answer to one `RaAcaCertRequestSpdu` (1609.2.1 clause 6.3.3 / Annex A
`Ieee1609Dot2Dot1AcaRaInterface.AcaRaCertResponse`).

    AcaRaCertResponse ::= {version 2, generationTime, requestHash HashedId8, acaResponse AcaResponse}
    AcaResponse ::= CHOICE {plain AcaEeCertResponsePlainSpdu, private ...PrivateSpdu, cubk ...CubkSpdu}

signed by the ACA certificate (psid 35, `SignerSingleCert`). `requestHash` is the HashedId8 of the request SPDU as
the ACA received it, so the RA can match answers that come back batched or out of order. The RA keeps the
`acaResponse` SPDU unchanged for the EE's download (it is the `<i>_<j>` entry of the batch zip); for a private or
cubk response it is encrypted to a key of the EE, so the RA never sees the certificate in clear.

The RA cuts that SPDU out of the received octets rather than encoding it again: COER puts it last, after 18 bytes
of fixed layout when the response has no extension, and it is checked there on its own (`_cut`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scms import asn1
from scms.crypto import HashedId8, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode
from scms.dot2.spdu.signed import read_signed_parts
from scms.dot2.time import Time32
from scms.protocol._codec import decode
from scms.protocol._scms_pdu import check_generation_time, open_scms_pdu, scms_pdu
from scms.protocol._signed_pdu import sign_pdu, verify_pdu
from scms.protocol.ra_aca_request import AcaResponseKind
from scms.protocol.security_mgmt_ssp import Role

__all__ = ["AcaCertificateCheck", "AcaRaResponse", "open_aca_ra_response", "sign_aca_ra_response"]

RESPONSE_VERSION = 2

_HEAD = b"\x02\x83\x81\x00\x02"
"""COER of an `ScmsPdu` acaRaCertResponse up to its generationTime: version 2, the tags of content alternative 3
(aca-ra) and of AcaRaInterfacePdu alternative 1 (acaRaCertResponse), the preamble of AcaRaCertResponse with its
extension bit clear, version 2. Then generationTime (4 bytes), requestHash (8) and the tag of acaResponse."""

_KINDS: dict[int, AcaResponseKind] = {0x80: "plain", 0x81: "private", 0x82: "cubk"}
"""The tags of the root alternatives of `AcaResponse`."""

_EE_SPDU_AT = len(_HEAD) + 4 + 8 + 1

AcaCertificateCheck = Callable[[Certificate, Time32], object]
"""Verifies the ACA certificate's chain at a time, raising Ieee1609Error (400-40) when it is not trusted."""


def sign_aca_ra_response(
    request_hash: HashedId8, kind: AcaResponseKind, ee_spdu: bytes, key: Signer, certificate: Certificate, now: Time32
) -> bytes:
    """ACA: the COER `AcaRaCertResponseSpdu` carrying `ee_spdu` (the AcaEeCertResponse{Plain|Private|Cubk}Spdu we
    have just built) as `kind`, answering the request whose hash is `request_hash`."""
    value = {
        "version": RESPONSE_VERSION,
        "generationTime": int(now),
        "requestHash": bytes(request_hash),
        "acaResponse": (kind, asn1.Encoded("Ieee1609Dot2Data", ee_spdu)),
    }
    return sign_pdu(scms_pdu("aca-ra", "acaRaCertResponse", value), key, certificate, now)


@dataclass(frozen=True)
class AcaRaResponse:
    """A verified ACA response: which request it answers, the EE's SPDU (bytes to store unchanged) and its form."""

    request_hash: HashedId8
    kind: AcaResponseKind
    ee_spdu: bytes
    aca_certificate: Certificate
    generation_time: Time32


def open_aca_ra_response(
    data: bytes, now: Time32, *, check_aca: AcaCertificateCheck, certificates: Sequence[Certificate] = ()
) -> AcaRaResponse:
    """RA: verify an `AcaRaCertResponseSpdu` received at `now`; raises Ieee1609Error.

    400-43 the signature fails; 400-42 not an acaRaCertResponse signed for psid 35 by one carried certificate;
    400-40 the signer is not an ACA certificate valid at `now`, or `check_aca(certificate, now)` refuses its chain;
    400-50 generationTime after `now`. Matching `request_hash` to a request is the caller's.
    """
    signed = verify_pdu(data, Role.ACA, now, certificates=certificates)
    check_aca(signed.signer, now)
    response = _cut(signed.payload, signed.signer)
    if response is None:
        value = open_scms_pdu(signed.payload, "aca-ra", "acaRaCertResponse")
        kind, spdu = value["acaResponse"]
        ee_spdu = asn1.encode("Ieee1609Dot2Data", spdu)  # strictly decoded, so these are the bytes the ACA sent
        response = (Time32(value["generationTime"]), HashedId8(value["requestHash"]), kind, ee_spdu)
    generation_time, request_hash, kind, ee_spdu = response
    check_generation_time(generation_time, now, None, ErrorCode.GENERATION_TIME_IN_FUTURE)
    return AcaRaResponse(request_hash, kind, ee_spdu, signed.signer, generation_time)


def _cut(payload: bytes, aca: Certificate) -> tuple[Time32, HashedId8, AcaResponseKind, bytes] | None:
    """(generationTime, requestHash, kind, EE's SPDU) of an acaRaCertResponse `ScmsPdu` without extension, read
    at their fixed places, the EE's SPDU being the bytes after the acaResponse tag; None for any other layout (the
    caller decodes the whole). The EE's SPDU is checked alone: its strict decoding, or, when signed by the `aca`
    certificate it carries, that read around the certificate. Both accept what the decoding of the whole accepts:
    COER lays the components end to end, and a Time32 or a HashedId8 may be any 4 or 8 bytes; 400-42 otherwise.
    """
    kind = _KINDS.get(payload[_EE_SPDU_AT - 1]) if len(payload) > _EE_SPDU_AT else None
    if kind is None or not payload.startswith(_HEAD):
        return None
    ee_spdu = payload[_EE_SPDU_AT:]
    if read_signed_parts(ee_spdu, (aca,)) is None:
        decode("Ieee1609Dot2Data", ee_spdu)
    at = len(_HEAD)
    generation_time = Time32(int.from_bytes(payload[at : at + 4]))
    return generation_time, HashedId8(payload[at + 4 : at + 12]), kind, ee_spdu
