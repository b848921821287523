"""Enrollment with the ECA (1609.2.1 clause 6.3.4.2; standards notes §10.1):

    prepare_enrollment(device_policy, trust, canonical, now)  -> PreparedEnrollment (request + new key; keep both)
    enroll(eca_url, prepared, trust, now)                     POST {eca}/v3/enrollment-certificate
        -> EnrollmentResult (certificate, private key checked against it, ECA chain verified to a CTL root)

The request asks for what the device type's policy allows: certRequestPermissions for the PSIDs of its
authorization sets (any SSP: the RA checks each authorization request against the policy), a validity of
`enrollment_validity_years` from now, cut to the ECA certificate's end, and no region (the ECA puts in the policy's).
It carries the canonicalId and is signed with the canonical key (clause 4.1.4.2), which the RA registered.
`enrollment_fields` is also what a successor enrollment asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from scms.crypto import SoftwareKey
from scms.deployment.policy import DevicePolicy
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import DURATION_UNITS, CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidGroupPermissions, PsidSspRange
from scms.dot2.time import Time32
from scms.ee.exchange import Flow, call
from scms.ee.flows._urls import coer_post
from scms.ee.trust import TrustMaterial
from scms.protocol.ee_eca import (
    CanonicalIdentity,
    EnrollmentResult,
    build_enrollment_request,
    read_enrollment_response,
)
from scms.protocol.security_mgmt_ssp import Role

__all__ = ["EnrollmentCredential", "PreparedEnrollment", "enroll", "enrollment_fields", "prepare_enrollment"]


class EnrollmentCredential(Protocol):
    """An enrollment certificate and its private key (`EnrollmentResult` is one)."""

    @property
    def certificate(self) -> Certificate: ...

    @property
    def private_key(self) -> SoftwareKey: ...


def _validity(years: int, trust: TrustMaterial, now: Time32) -> ValidityPeriod:
    wanted = ValidityPeriod.years(now, years)
    ends = [c.validity.end_microseconds for c in trust.with_role(Role.ECA) if c.valid_at(now)]
    if not ends or wanted.end_microseconds <= max(ends):
        return wanted
    hours = (max(ends) - wanted.start_microseconds) // DURATION_UNITS["hours"]
    return ValidityPeriod.hours(now, min(hours, 0xFFFF))


def enrollment_fields(policy: DevicePolicy, trust: TrustMaterial, now: Time32) -> CertificateTemplate:
    """What the device asks the ECA for (module docstring)."""
    psids = sorted({p.psid for p in policy.request_permissions()})
    return CertificateTemplate(
        id=CertificateId.none(),
        validity=_validity(policy.enrollment_validity_years, trust, now),
        cert_request_permissions=(PsidGroupPermissions(tuple(PsidSspRange(p) for p in psids), 1, 0, app=True),),
    )


@dataclass(frozen=True, repr=False)
class PreparedEnrollment:
    """An enrollment request and the key it asks a certificate for: keep both until the answer is read (the ECA
    answers the same request bytes again with the same certificate)."""

    request: bytes
    key: SoftwareKey
    certificate_type: CertificateType

    def __repr__(self) -> str:
        return f"PreparedEnrollment({len(self.request)} bytes, {self.certificate_type.value}, [secure])"


def prepare_enrollment(
    policy: DevicePolicy,
    trust: TrustMaterial,
    canonical: CanonicalIdentity,
    now: Time32,
    *,
    certificate_type: CertificateType = CertificateType.IMPLICIT,
) -> PreparedEnrollment:
    """A fresh key and the `EeEcaCertRequestSpdu` for it, signed with the canonical key at `now`."""
    key = SoftwareKey.generate()
    fields = enrollment_fields(policy, trust, now)
    request = build_enrollment_request(fields, key, now, certificate_type=certificate_type, canonical=canonical)
    return PreparedEnrollment(request, key, certificate_type)


def enroll(eca_url: str, prepared: PreparedEnrollment, trust: TrustMaterial, now: Time32) -> Flow[EnrollmentResult]:
    """POST the request; the ECA's answer read and verified (Ieee1609Error) or its refusal (ServerError)."""
    body, now = yield from call(coer_post(eca_url, "v3/enrollment-certificate", "eca/enrollment-certificate",
                                          prepared.request))
    return read_enrollment_response(body, prepared.request, prepared.key, trust.roots, now)
