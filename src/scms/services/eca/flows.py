"""The ECA's 1609.2.1 flows, one function each, in numbered steps (style rule 6).

`enroll`: enrollment, 1609.2.1 clause 6.3.4.2; `enroll_successor`: the ECA's part of successor enrollment,
clause 6.3.5.4, the request forwarded by the RA (docs/api-services.md, "ECA").
"""

from __future__ import annotations

from scms import asn1
from scms.crypto import HashedId8, Point, sha256
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.ee_eca import EnrollmentRequest, open_enrollment_request, parse_enrollment_request
from scms.services.eca.policy import plan_enrollment
from scms.services.eca.registry import Registration
from scms.services.eca.service import EcaService
from scms.services.eca.store import Enrollment, Issue

__all__ = ["enroll", "enroll_successor"]


async def enroll(service: EcaService, data: bytes) -> bytes:
    """Enrollment (1609.2.1 clause 6.3.4.2): an `EeEcaCertRequestSpdu` in, the `EcaEeCertResponseSpdu` out.

    Issues at most one certificate per request: the request's SHA-256 is unique, the request is committed with
    its response before the answer, and the same request bytes again get the stored response. The signing happens
    before the write transaction (not under the database's write lock, which other workers wait for); a copy of the
    request stored meanwhile by another worker is answered with the stored response and this signature dropped,
    unsent. Raises Ieee1609Error (rendered by the app) or PeerError (the RA is away).
    """
    now = service.now()
    # Step 1: the body is within [eca] max_body_size: the common app refused a larger one (400-42) unread.
    # Step 2: parse and verify the request: with the canonical key the RA holds when it names a canonicalId, else
    # with the requested key, whose canonical id the RA must know (400-42, 400-43, 400-50, 400-64, 400-70, 400-21).
    request, device = await _verified_request(service, data, now)
    # Steps 3-7: issue once for the device (`_issue_once`).
    return await _issue_once(service, request, device, now)


async def enroll_successor(service: EcaService, forwarded: bytes, canonical_id: str,
                           current: HashedId8 | None) -> bytes:
    """Successor enrollment (1609.2.1 clause 6.3.5.4), the ECA's part: the inner `EeEcaCertRequestSpdu` the RA
    forwards for a device, the `EcaEeCertResponseSpdu` back (the RA offers it as `<requestHash>_enroll.oer`).

    The same guarantees as `enroll`. The request is self-signed with the new key; the device is the one the RA
    names (it verified the current enrollment certificate that signed the EE's request to it).
    """
    now = service.now()
    # Step 1: the RA decrypted the EE's request, verified the signature of the current enrollment certificate and
    # ra-maxAge, and forwards the inner request with the device's canonical id over the internal API (mTLS).
    # Step 2: parse and verify the inner request: self-signed with the new key, no canonicalId (400-42, 400-43,
    # 400-50, 400-64); its age was the RA's to judge (ra-maxAge), the forwarding may come later.
    request = parse_enrollment_request(forwarded, now, None, canonical_key=_no_canonical_key)
    # Step 3: the current enrollment certificate, when the RA names it, is one we issued to that device (400-62).
    if current is not None:
        service.store.require_issued_to(current, canonical_id)
    # Step 4: the device as the RA's registry knows it (400-21).
    device = await service.registry.by_canonical_id(canonical_id)
    # Steps 5-9: issue once for the device (`_issue_once`, its steps 3-7).
    return await _issue_once(service, request, device, now)


async def _issue_once(service: EcaService, request: EnrollmentRequest, device: Registration, now: Time32) -> bytes:
    """The steps both enrollment flows end with: a verified request of a known device in, the response out."""
    # Step 3: the device may enrol: registered, enrolled or provisioning; not blocked (400-20) or deleted (400-21).
    device.require_enrollable()
    # Step 4: what to issue, from the request and the device type's policy (400-31..35, 400-72).
    plan = _plan(service, request, device, now)
    # Step 5: for the same request bytes again, what was stored (a read, no lock); else eca-maxReqs and
    # eca-minWait (400-71, 400-73), then lint, sign or ECQV-issue what was planned and sign the response, outside
    # any transaction (the write lock is not held for the ~0.6 ms of signatures).
    # Step 6, one write transaction under the device's lock: the same request bytes stored meanwhile by another
    # worker: the stored response (ours is dropped, never sent); else the limits again with the fresh counts, and
    # the request committed with its plan, certificate and response. A failure in between commits nothing.
    accepted = _accepted(request, device, plan)
    enrollment = service.store.enrol(accepted, service.settings.limits, now, _issuer(service, accepted, plan, now))
    # Step 7: the RA records the enrollment certificate and moves the device to "enrolled" (idempotent), before the
    # answer: a certificate that left the ECA is known to the RA. If this fails (503, or 400-20 when blocked
    # meanwhile), the EE's retry of the same request gets the stored response and the report is sent again.
    assert enrollment.certificate_hash is not None and enrollment.response is not None
    await service.registry.enrolled(device.canonical_id, enrollment.certificate_hash)
    return enrollment.response


def _no_canonical_key(canonical_id: str) -> Point:
    raise Ieee1609Error(ErrorCode.FAILED_PARSING, "a forwarded successor request is signed with its new key")


async def _verified_request(service: EcaService, data: bytes, now: Time32) -> tuple[EnrollmentRequest, Registration]:
    max_age = service.settings.max_age
    opened = open_enrollment_request(data)  # read once; the key that signed it is found before it is verified
    if opened.canonical_id is None:
        request = opened.verify(opened.tbs.verification_key, now, max_age)
        return request, await service.registry.by_key(request.requested_key)
    device = await service.registry.by_canonical_id(opened.canonical_id)  # the RA holds the canonical key
    return opened.verify(device.canonical_key, now, max_age), device


def _plan(service: EcaService, request: EnrollmentRequest, device: Registration, now: Time32) -> CertificateTemplate:
    rules = service.settings.device_types.get(device.device_type)
    if rules is None:
        raise Ieee1609Error(ErrorCode.UNREGISTERED_ENROLLMENT_CERTIFICATE, f"no policy for {device.device_type}")
    return plan_enrollment(request, rules, service.settings.issuing, service.issuer.certificate, now)


def _accepted(request: EnrollmentRequest, device: Registration, plan: CertificateTemplate) -> Enrollment:
    return Enrollment(
        request_digest=sha256(request.raw),
        request_hash=request.request_hash,
        canonical_id=device.canonical_id,
        device_type=device.device_type,
        generation_time=request.generation_time,
        certificate_type=request.certificate_type,
        planned_tbs=asn1.encode("ToBeSignedCertificate", plan.tbs_value()),
    )


def _issuer(service: EcaService, accepted: Enrollment, plan: CertificateTemplate, now: Time32) -> Issue:
    """Issue an accepted enrollment: `plan` for `accepted`; for one an older version accepted and did not finish,
    the plan it stored."""
    def issue(enrollment: Enrollment) -> tuple[HashedId8, bytes]:
        template = plan if enrollment.planned_tbs == accepted.planned_tbs else CertificateTemplate.from_tbs_value(
            asn1.decode("ToBeSignedCertificate", enrollment.planned_tbs))
        issued = service.issuer.issue(template, enrollment.certificate_type, enrollment.request_hash, now)
        return issued.certificate.hashed_id8(), issued.response
    return issue
