"""What the ECA issues for an enrollment request: the request checked against the device type's policy
(1609.2.1 clauses 4.3, 6.3.4.2; docs/configuration.md "[devices.*]") and completed into the planned certificate.

    certificate type   implicit needs a request key on the ECA's curve (ECQV, 1609.2 5.3.2)       400-34
    certRequestPermissions  only PSIDs of the device type's authorization sets, explicit, eeType app  400-31
                       (none asked for: the device type's whole set, as OpenSCMS clients expect)
    region             within the device type's region (else the deployment's); absent: that region 400-33
    validity           start at most eca-maxWait after generationTime                            400-72
                       at most enrollment_validity_years long, not over, within the ECA certificate 400-35
                       (none asked for, duration 0: from generationTime for the policy's years)
    other fields       no encryptionKey, no flags                                                400-32

The plan keeps the requested id and key, and sets what the ECA decides: cracaId (the root), crlSeries (the
enrollment series), appPermissions {35: SecurityMgmtSsp ee}. Lint (scms.dot2.lint) checks it again against the
ECA certificate before it is signed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scms.deployment import DevicePolicy, GlobalPolicy
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import DURATION_UNITS, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp, SspRange
from scms.dot2.region import Region, region_within
from scms.dot2.time import Time32
from scms.protocol.ee_eca import EnrollmentRequest
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role, security_mgmt_ssp

__all__ = ["DeviceTypeRules", "IssuingRules", "plan_enrollment"]

_EE = PsidSsp(SECURITY_MGMT_PSID, Ssp(security_mgmt_ssp(Role.EE)))


@dataclass(frozen=True)
class DeviceTypeRules:
    """What one device type may hold in its enrollment certificate."""

    device_type: str
    psids: frozenset[int]
    """The PSIDs of its authorization sets."""
    default_permissions: tuple[PsidGroupPermissions, ...]
    """certRequestPermissions when the request asks for none: every PSID/SSP of its authorization sets."""
    region: Region | None
    validity_years: int

    @classmethod
    def of(cls, device: DevicePolicy, global_policy: GlobalPolicy) -> DeviceTypeRules:
        ssps: dict[int, set[Ssp | None]] = {}
        for permission in device.request_permissions():
            ssps.setdefault(permission.psid, set()).add(permission.ssp)
        ranges = tuple(
            PsidSspRange(psid) if any(s is not None and s.bitmap for s in found)
            else PsidSspRange(psid, SspRange(opaque=tuple(sorted(b"" if s is None else s.value for s in found))))
            for psid, found in sorted(ssps.items())
        )
        spec = device.region or global_policy.region
        return cls(
            device_type=device.device_type,
            psids=frozenset(ssps),
            default_permissions=(PsidGroupPermissions(ranges, 1, 0, app=True, enrol=False),),
            region=None if spec is None else spec.to_region(),
            validity_years=device.enrollment_validity_years,
        )


@dataclass(frozen=True)
class IssuingRules:
    """What the ECA sets in every enrollment certificate, and the eca-maxWait policy parameter."""

    craca_id: bytes
    """HashedId3 of the root CA: the CRACA of every certificate below it."""
    crl_series: int
    """The CRL series of enrollment certificates (`[manager.crl] enrollment_series`)."""
    max_wait: int
    """`eca-maxWait`: longest time from generationTime to the requested validityPeriod.start."""


def _refuse(code: ErrorCode, detail: str) -> Ieee1609Error:
    return Ieee1609Error(code, detail)


def _check_type(request: EnrollmentRequest, eca: Certificate) -> None:
    eca_key = eca.verification_key
    if request.certificate_type is CertificateType.IMPLICIT and (eca_key is None or
                                                                 request.requested_key.curve is not eca_key.curve):
        raise _refuse(ErrorCode.DISALLOWED_CERTIFICATE_TYPE,
                      f"an implicit certificate needs a {eca_key.curve.name if eca_key else '?'} request key")


def _permissions(asked: tuple[PsidGroupPermissions, ...], rules: DeviceTypeRules) -> tuple[PsidGroupPermissions, ...]:
    if not asked:
        return rules.default_permissions
    for group in asked:
        if group.subject is None or group.enrol or not group.app:
            raise _refuse(ErrorCode.DISALLOWED_CERT_REQUEST_PERMISSIONS,
                          "certRequestPermissions must list PSIDs explicitly, for eeType app only")
        outside = sorted({r.psid for r in group.subject} - rules.psids)
        if outside:
            raise _refuse(ErrorCode.DISALLOWED_CERT_REQUEST_PERMISSIONS,
                          f"PSIDs {outside} are not in the {rules.device_type} policy")
    return asked


def _region(asked: Region | None, rules: DeviceTypeRules) -> Region | None:
    if asked is None:
        return rules.region
    if not region_within(asked, rules.region):
        raise _refuse(ErrorCode.DISALLOWED_REGION, f"the region is outside the {rules.device_type} policy's")
    return asked


def _default_validity(start: Time32, years: int, eca: Certificate) -> ValidityPeriod:
    """`years` from `start`, or, if the ECA certificate ends before, up to its end (in hours, or sixty hours)."""
    wanted = ValidityPeriod.years(start, years)
    if wanted.within(eca.validity):
        return wanted
    hours = (eca.validity.end_microseconds - wanted.start_microseconds) // DURATION_UNITS["hours"]
    if hours <= 0:
        raise _refuse(ErrorCode.DISALLOWED_VALIDITY_PERIOD, "the ECA certificate is over")
    return ValidityPeriod.hours(start, hours) if hours <= 0xFFFF else ValidityPeriod(start, "sixtyHours", hours // 60)


def _validity(request: EnrollmentRequest, rules: DeviceTypeRules, issuing: IssuingRules, eca: Certificate,
              now: Time32) -> ValidityPeriod:
    asked = request.tbs.validity
    if asked.count == 0:  # nothing asked for (OpenSCMS clients): the policy's validity from generationTime
        return _default_validity(request.generation_time, rules.validity_years, eca)
    if asked.start > request.generation_time + issuing.max_wait:
        raise _refuse(ErrorCode.OUTSIDE_ECA_MAX_WAIT, f"the validity starts over {issuing.max_wait} s after "
                      "generationTime")
    if asked.duration_microseconds > ValidityPeriod.years(asked.start, rules.validity_years).duration_microseconds:
        raise _refuse(ErrorCode.DISALLOWED_VALIDITY_PERIOD, f"longer than {rules.validity_years} years")
    if asked.end <= now or not asked.within(eca.validity):
        raise _refuse(ErrorCode.DISALLOWED_VALIDITY_PERIOD, "over already, or not within the ECA certificate")
    return asked


def plan_enrollment(request: EnrollmentRequest, rules: DeviceTypeRules, issuing: IssuingRules, eca: Certificate,
                    now: Time32) -> CertificateTemplate:
    """The enrollment certificate to issue for `request` (its key: the requested key), or Ieee1609Error."""
    tbs = request.tbs
    _check_type(request, eca)
    if tbs.encryption_key is not None or tbs.uses_cubk:
        raise _refuse(ErrorCode.DISALLOWED_OTHER_FIELDS, "an enrollment certificate has no encryptionKey, no flags")
    return replace(
        tbs,
        validity=_validity(request, rules, issuing, eca, now),
        region=_region(tbs.region, rules),
        cert_request_permissions=_permissions(tbs.cert_request_permissions, rules),
        app_permissions=(_EE,),
        craca_id=issuing.craca_id,
        crl_series=issuing.crl_series,
        verification_key=request.requested_key,
    )
