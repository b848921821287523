"""Successor enrollment through the RA (1609.2.1 clauses 6.3.5.4 and 6.3.5.5; standards notes §10.1, §11), both
sides as pure steps.

    EE  build_successor_request(fields, new_key, enrollment key + certificate, ra_certificate, now)
            -> (EeRaSuccessorEnrollmentCertRequestSpdu bytes, the inner EeEcaCertRequestSpdu to keep)
    RA  open_successor_request(data, ra: RaReceiver, now, max_age=)
            -> SuccessorRequest (the inner request to forward to the ECA, and who asked)
    RA  build_enrollment_ack(...)  /  EE  read_enrollment_ack(...)       (scms.protocol.ee_ra_ack)
    EE  downloads `<requestHash>_enroll.oer` (the ECA's EcaEeCertResponseSpdu) and reads it with
        read_enrollment_response(response, inner request, new_key, ...)  (scms.protocol.ee_eca)

The inner request is an ordinary enrollment request, self-signed with the new key (a canonicalId is refused: the
current enrollment certificate, which signs the outer layer, is what authenticates the device). The outer
`ScmsPdu {ee-ra: eeRaSuccessorEnrollmentCertRequest}` is a signedCertificateRequest by the current enrollment
certificate, encrypted to the RA. Two hashes: the RA's acknowledgement and the download name use HashedId8 of the
outer SPDU as received; the ECA's response carries HashedId8 of the inner request (what the ECA received).

RA errors: those of opening (`scms.protocol.ra_receiver`: 400-42, 400-10, 400-81, 400-41, 400-40, 400-43), 400-43
when the inner signature fails, 400-42 for a canonicalId or a malformed inner request, 400-50 / 400-77
(ra-maxAge) on the inner request's generationTime, then the enrollment certificate (400-712, and whatever
`RaReceiver.check_enrollment` raises).
"""

from __future__ import annotations

from dataclasses import dataclass

from scms import asn1
from scms.crypto import HashedId8, Point, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import SignerCertificate, sign_certificate_request
from scms.dot2.time import Time32
from scms.protocol._scms_pdu import check_generation_time, scms_pdu, scms_pdu_content
from scms.protocol.ee_eca import build_enrollment_request, parse_enrollment_request
from scms.protocol.ra_receiver import RaReceiver, seal_for_ra

__all__ = ["SuccessorRequest", "build_successor_request", "open_successor_request"]


def build_successor_request(
    fields: CertificateTemplate,
    new_key: Signer,
    enrollment_key: Signer,
    enrollment_certificate: Certificate,
    ra_certificate: Certificate,
    now: Time32,
    *,
    certificate_type: CertificateType = CertificateType.IMPLICIT,
) -> tuple[bytes, bytes]:
    """EE: the COER `EeRaSuccessorEnrollmentCertRequestSpdu` asking for `fields` with `new_key`, signed at `now` by
    the current enrollment certificate and encrypted to `ra_certificate`; and the inner `EeEcaCertRequestSpdu`,
    which the ECA's response will name by its hash (keep it for `read_enrollment_response`)."""
    inner = build_enrollment_request(fields, new_key, now, certificate_type=certificate_type)
    pdu = scms_pdu("ee-ra", "eeRaSuccessorEnrollmentCertRequest", asn1.Encoded("Ieee1609Dot2Data", inner))
    signed = sign_certificate_request(pdu, key=enrollment_key, signer=SignerCertificate(enrollment_certificate))
    return seal_for_ra(signed, ra_certificate), inner


@dataclass(frozen=True, repr=False)
class SuccessorRequest:
    """RA side: a verified successor enrollment request."""

    raw: bytes
    """The encrypted SPDU exactly as received."""
    eca_request: bytes
    """The inner `EeEcaCertRequestSpdu`, byte for byte, to forward to the ECA."""
    enrollment_certificate: Certificate
    """The current enrollment certificate, which signed the request."""
    generation_time: Time32

    @property
    def request_hash(self) -> HashedId8:
        """HashedId8 of the request as received: the acknowledgement's requestHash and the download name."""
        return HashedId8.of(self.raw)

    def __repr__(self) -> str:
        return f"SuccessorRequest({self.request_hash}, by {self.enrollment_certificate})"


def _no_canonical_key(canonical_id: str) -> Point:
    raise Ieee1609Error(ErrorCode.FAILED_PARSING, "a successor request is signed with its new key, not a canonical key")


def open_successor_request(data: bytes, ra: RaReceiver, now: Time32, *, max_age: int | None) -> SuccessorRequest:
    """RA: decrypt and verify an `EeRaSuccessorEnrollmentCertRequestSpdu` received at `now` (module doc);
    `max_age` is ra-maxAge in seconds (None: not enforced)."""
    verified = ra.open_certificate_request(data)
    value = scms_pdu_content(verified.scms_pdu(), "ee-ra", "eeRaSuccessorEnrollmentCertRequest")
    inner = asn1.encode("Ieee1609Dot2Data", value)  # strictly decoded: the very bytes the EE signed
    enrollment = parse_enrollment_request(inner, now, None, canonical_key=_no_canonical_key)
    check_generation_time(enrollment.generation_time, now, max_age, ErrorCode.OUTSIDE_RA_MAX_AGE)
    current = ra.enrollment_signer(verified, enrollment.generation_time, now)
    return SuccessorRequest(bytes(data), inner, current, enrollment.generation_time)
