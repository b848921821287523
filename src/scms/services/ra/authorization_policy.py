"""What the RA generates for an authorization request: the request checked against its device type's policy and
the 1609.2.1 parameters (clauses 4.3, 6.3.5.2; docs/configuration.md "[devices.*]"), completed into a plan.

    appPermissions    within the enrollment certificate's certRequestPermissions                       400-30
                      within one authorization set of the device type                                  400-30
                      of a set of the request's kind (pseudonym: butterfly keys; else identification)  400-34
    butterfly variant allowed by that set and by ra-butterflyType                                       400-34
    region            within the enrollment certificate's and the device type's (else the deployment's) 400-33
    other fields      no encryptionKey, no flags, no linkageData id for an identification certificate  400-32
    validity          start at most ra-maxGenDelay after generationTime                                 400-78
                      within the enrollment certificate; not over; every certificate within the ACA's    400-35
                      (an i-period that began before the ACA certificate is left out)
                      identification: at most the set's validity_hours

The plan: the authorization set, the template the ACA gets for every certificate (the same fields for every
device of a set: appPermissions, region; the id and key are set per certificate), and for pseudonym certificates
the i-periods (every i-period the requested validity touches, from the one of generationTime on) and j count
(time-baseCertNumber); one certificate otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scms.deployment import DevicePolicy, PolicyParameters
from scms.deployment.policy import AuthorizationProfile
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import DURATION_UNITS, CertificateId, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.region import Region, region_within
from scms.dot2.time import IValue, Time32
from scms.protocol.ee_ra_request import AuthorizationRequest

__all__ = ["AuthorizationPlan", "period_validity", "plan_authorization"]


@dataclass(frozen=True)
class AuthorizationPlan:
    profile: AuthorizationProfile
    """The authorization set the request falls in (its name counts ra-maxReqs)."""
    template: CertificateTemplate
    """What every certificate gets; for pseudonym certificates the validity is replaced per i-period."""
    i_first: IValue | None
    i_last: IValue | None
    j_count: int
    """Certificates per i-period (time-baseCertNumber); 1 for an identification certificate."""

    @property
    def certificates(self) -> int:
        if self.i_first is None or self.i_last is None:
            return 1
        return (self.i_last - self.i_first + 1) * self.j_count


def period_validity(parameters: PolicyParameters, i: int) -> ValidityPeriod:
    """The validityPeriod of the pseudonym certificates of i-period i: its start, for time-iPeriodLength +
    time-overlap (in hours when whole, as the US 169 hours are)."""
    start, seconds = parameters.i_periods().start(i), parameters.pseudonym_validity_seconds
    if seconds % 3600 == 0 and seconds // 3600 <= 0xFFFF:
        return ValidityPeriod(start, "hours", seconds // 3600)
    return ValidityPeriod(start, "seconds", seconds)


def _refuse(code: ErrorCode, detail: str) -> Ieee1609Error:
    return Ieee1609Error(code, detail)


def _profile(request: AuthorizationRequest, policy: DevicePolicy, parameters: PolicyParameters
             ) -> AuthorizationProfile:
    wanted = set(request.tbs.app_permissions)
    covering = [p for p in policy.authorization if wanted <= {s.to_psid_ssp() for s in p.app_permissions}]
    if not covering:
        raise _refuse(ErrorCode.DISALLOWED_APP_PERMISSIONS, f"no {policy.device_type} authorization set has them")
    butterfly = request.butterfly
    kind = "identification" if butterfly is None else "pseudonym"
    for profile in covering:
        if profile.kind != kind:
            continue
        if butterfly is None or (butterfly.variant in profile.butterfly_types
                                 and butterfly.variant in parameters.butterfly_types):
            return profile
    raise _refuse(ErrorCode.DISALLOWED_CERTIFICATE_TYPE,
                  f"{policy.device_type}: no {kind} set for them" + ("" if butterfly is None else
                                                                   f" with {butterfly.variant.value} keys"))


def _other_fields(request: AuthorizationRequest) -> None:
    tbs = request.tbs
    if tbs.encryption_key is not None or tbs.uses_cubk or tbs.can_request_rollover:
        raise _refuse(ErrorCode.DISALLOWED_OTHER_FIELDS, "an authorization certificate has no encryptionKey or flags")
    if request.butterfly is None and tbs.id.linkage is not None:
        raise _refuse(ErrorCode.DISALLOWED_OTHER_FIELDS, "linkageData is for pseudonym certificates")


def _region(request: AuthorizationRequest, policy: DevicePolicy, deployment_region: Region | None) -> Region | None:
    allowed = policy.region.to_region() if policy.region is not None else deployment_region
    asked = request.tbs.region
    if not region_within(asked, allowed):
        raise _refuse(ErrorCode.DISALLOWED_REGION, f"outside the {policy.device_type} policy's region")
    return allowed if asked is None else asked


def _check_start(request: AuthorizationRequest, parameters: PolicyParameters) -> None:
    delay = request.tbs.validity.start - request.generation_time
    if delay > parameters.ra_max_gen_delay:
        raise _refuse(ErrorCode.OUTSIDE_RA_MAX_GEN_DELAY, f"the validity starts {delay} s after generationTime")


def _within(validity: ValidityPeriod, certificate: Certificate, what: str) -> None:
    if not validity.within(certificate.validity):
        raise _refuse(ErrorCode.DISALLOWED_VALIDITY_PERIOD, f"{what} is not within {certificate}")


def _periods(request: AuthorizationRequest, parameters: PolicyParameters, aca: Certificate,
             now: Time32) -> tuple[IValue, IValue]:
    asked = request.tbs.validity
    if asked.duration_microseconds <= 0 or asked.end <= now:
        raise _refuse(ErrorCode.DISALLOWED_VALIDITY_PERIOD, "the requested validity is empty or over")
    periods = parameters.i_periods()
    try:
        first = periods.i_at(Time32(max(asked.start, request.generation_time)))
        last = periods.i_at(Time32(asked.end - 1))
    except ValueError:
        raise _refuse(ErrorCode.DISALLOWED_VALIDITY_PERIOD, "outside the i-periods (before the epoch or past "
                      "the last IValue)") from None
    while first <= last and not period_validity(parameters, first).within(aca.validity):
        first = IValue(first + 1)  # an i-period that began before the ACA certificate: from the next one on
    if first > last:
        raise _refuse(ErrorCode.DISALLOWED_VALIDITY_PERIOD, f"no i-period of it fits in {aca}")
    _within(period_validity(parameters, last), aca, f"the certificates of i-period {int(last)}")
    return first, last


def _single_validity(request: AuthorizationRequest, profile: AuthorizationProfile, now: Time32) -> ValidityPeriod:
    asked, hours = request.tbs.validity, profile.validity_hours
    assert hours is not None  # an identification set has validity_hours (policy validation)
    if asked.duration_microseconds == 0:  # nothing asked for: the set's validity from generationTime
        return ValidityPeriod.hours(request.generation_time, hours)
    if asked.duration_microseconds > hours * DURATION_UNITS["hours"]:
        raise _refuse(ErrorCode.DISALLOWED_VALIDITY_PERIOD, f"longer than the set's {hours} hours")
    if asked.end <= now:
        raise _refuse(ErrorCode.DISALLOWED_VALIDITY_PERIOD, "the requested validity is over")
    return asked


def plan_authorization(request: AuthorizationRequest, policy: DevicePolicy, parameters: PolicyParameters,
                       deployment_region: Region | None, aca: Certificate, now: Time32) -> AuthorizationPlan:
    """The plan for `request` (signed by an enrollment certificate of a `policy.device_type` device), or
    Ieee1609Error with the code of the table in the module docstring. `aca` is the ACA certificate that will issue."""
    request.check_within_enrollment()
    profile = _profile(request, policy, parameters)
    _other_fields(request)
    region = _region(request, policy, deployment_region)
    _check_start(request, parameters)
    _within(request.tbs.validity, request.enrollment_certificate, "the requested validity")
    template = CertificateTemplate(
        id=CertificateId.none() if request.butterfly is not None else request.tbs.id,
        validity=request.tbs.validity,
        region=region,
        app_permissions=request.tbs.app_permissions,
    )
    if request.butterfly is None:
        validity = _single_validity(request, profile, now)
        _within(validity, aca, "the certificate")
        return AuthorizationPlan(profile, replace(template, validity=validity), None, None, 1)
    first, last = _periods(request, parameters, aca, now)
    return AuthorizationPlan(profile, template, first, last, parameters.base_cert_number)
