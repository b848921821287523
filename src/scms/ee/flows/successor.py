"""Successor enrollment through the RA (1609.2.1 clauses 6.3.5.4 and 6.3.5.5; standards notes §10.1, §11):

    prepare_successor(policy, trust, enrollment, ra_certificate, now)
        -> PreparedSuccessor (outer request, inner request, new key: keep all three before sending)
    request_successor(ra_url, prepared, ra_certificate, now)     POST {ra}/v3/successor-enrollment-certificate
        -> CertInfo (the RA's signed acknowledgement: requestHash, nextDlTime)
    download_successor(ra_url, prepared, enrollment, ..., not_before)
                                                     GET {ra}/v3/successor-enrollment-certificate
        -> EnrollmentResult (`<requestHash>_enroll.oer`, the ECA's answer to the inner request, verified)

The new key is asked for with the same fields as the first enrollment (`enrollment_fields`); the outer request is
signed by the current enrollment certificate, which also signs the download request.
"""

from __future__ import annotations

from dataclasses import dataclass

from scms.crypto import HashedId8, SoftwareKey
from scms.deployment.policy import DevicePolicy
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.time import Time32
from scms.ee.exchange import Flow, call
from scms.ee.flows._urls import coer_post
from scms.ee.flows.enrollment import EnrollmentCredential, enrollment_fields
from scms.ee.flows.fetch import fetch_file
from scms.ee.trust import TrustMaterial
from scms.protocol.download_files import enrollment_filename
from scms.protocol.ee_eca import EnrollmentResult, read_enrollment_response
from scms.protocol.ee_ra_ack import CertInfo, read_enrollment_ack
from scms.protocol.ee_ra_successor import build_successor_request

__all__ = ["SUCCESSOR_PATH", "PreparedSuccessor", "download_successor", "prepare_successor", "request_successor"]

SUCCESSOR_PATH = "v3/successor-enrollment-certificate"


@dataclass(frozen=True, repr=False)
class PreparedSuccessor:
    """The request to send, the inner request the ECA's answer will name, and the new key."""

    request: bytes
    inner_request: bytes
    key: SoftwareKey
    certificate_type: CertificateType

    @property
    def request_hash(self) -> HashedId8:
        """HashedId8 of the request as sent: the acknowledgement's requestHash and the download name."""
        return HashedId8.of(self.request)

    def __repr__(self) -> str:
        return f"PreparedSuccessor({self.request_hash}, [secure])"


def prepare_successor(
    policy: DevicePolicy,
    trust: TrustMaterial,
    enrollment: EnrollmentCredential,
    ra_certificate: Certificate,
    now: Time32,
    *,
    certificate_type: CertificateType = CertificateType.IMPLICIT,
) -> PreparedSuccessor:
    """A fresh key and the `EeRaSuccessorEnrollmentCertRequestSpdu` for it, signed by the current enrollment
    certificate at `now` and encrypted to `ra_certificate`."""
    key = SoftwareKey.generate()
    fields = enrollment_fields(policy, trust, now)
    outer, inner = build_successor_request(fields, key, enrollment.private_key, enrollment.certificate,
                                           ra_certificate, now, certificate_type=certificate_type)
    return PreparedSuccessor(outer, inner, key, certificate_type)


def request_successor(
    ra_url: str, prepared: PreparedSuccessor, ra_certificate: Certificate, now: Time32
) -> Flow[CertInfo]:
    """POST the request; the RA's acknowledgement, verified."""
    body, now = yield from call(coer_post(ra_url, SUCCESSOR_PATH, "ra/successor-enrollment-certificate",
                                          prepared.request))
    return read_enrollment_ack(body, prepared.request_hash, ra_certificate, now)


def download_successor(
    ra_url: str,
    prepared: PreparedSuccessor,
    enrollment: EnrollmentCredential,
    ra_certificate: Certificate,
    trust: TrustMaterial,
    now: Time32,
    *,
    not_before: Time32,
    deadline: Time32,
    retry_interval: int = 60,
) -> Flow[EnrollmentResult]:
    """Download `<requestHash>_enroll.oer` when due and read it against the inner request and the new key."""
    data, now = yield from fetch_file(ra_url, SUCCESSOR_PATH, enrollment_filename(prepared.request_hash), enrollment,
                                      ra_certificate, now, not_before=not_before, deadline=deadline,
                                      retry_interval=retry_interval)
    return read_enrollment_response(data, prepared.inner_request, prepared.key, trust.roots, now)
