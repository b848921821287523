"""`AcaRaCertResponseSpdu`: the ACA's answer to one `RaAcaCertRequestSpdu` (1609.2.1 clause 6.3.3 / Annex A
`Ieee1609Dot2Dot1AcaRaInterface.AcaRaCertResponse`).

    AcaRaCertResponse ::= {version 2, generationTime, requestHash HashedId8, acaResponse AcaResponse}
    AcaResponse ::= CHOICE {plain AcaEeCertResponsePlainSpdu, private ...PrivateSpdu, cubk ...CubkSpdu}

signed by the ACA certificate (psid 35, `SignerSingleCert`). `requestHash` is the HashedId8 of the request SPDU as
the ACA received it, so the RA can match answers that come back batched or out of order. The RA keeps the
`acaResponse` SPDU unchanged for the EE's download (it is the `<i>_<j>` entry of the batch zip); for a private or
cubk response it is encrypted to a key of the EE, so the RA never sees the certificate in clear.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scms import asn1
from scms.crypto import HashedId8, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode
from scms.dot2.time import Time32
from scms.protocol._scms_pdu import check_generation_time, open_scms_pdu, scms_pdu
from scms.protocol._signed_pdu import sign_pdu, verify_pdu
from scms.protocol.ra_aca_request import AcaResponseKind
from scms.protocol.security_mgmt_ssp import Role

__all__ = ["AcaCertificateCheck", "AcaRaResponse", "open_aca_ra_response", "sign_aca_ra_response"]

RESPONSE_VERSION = 2

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
    value = open_scms_pdu(signed.payload, "aca-ra", "acaRaCertResponse")
    generation_time = Time32(value["generationTime"])
    check_generation_time(generation_time, now, None, ErrorCode.GENERATION_TIME_IN_FUTURE)
    kind, spdu = value["acaResponse"]
    ee_spdu = asn1.encode("Ieee1609Dot2Data", spdu)  # strictly decoded, so these are the bytes the ACA sent
    return AcaRaResponse(HashedId8(value["requestHash"]), kind, ee_spdu, signed.signer, generation_time)
