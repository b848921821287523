"""`plan_enrollment` on its own: the device type's rules from the policy files, and the refusals and defaults
that the HTTP tests do not reach."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scms.crypto import SoftwareKey
from scms.deployment import Deployment
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import Ieee1609Error
from scms.dot2.permissions import PsidGroupPermissions, PsidSspRange, SspRange
from scms.dot2.time import Time32
from scms.protocol.ee_eca import EnrollmentRequest
from scms.services.eca import DeviceTypeRules, IssuingRules, plan_enrollment

ISSUING = IssuingRules(craca_id=b"\x01\x02\x03", crl_series=2, max_wait=3600)


def request(generated: Time32, *, validity: ValidityPeriod | None = None,
            groups: tuple[PsidGroupPermissions, ...] = ()) -> EnrollmentRequest:
    tbs = CertificateTemplate(id=CertificateId.none(), validity=validity or ValidityPeriod(Time32(0), "hours", 0),
                              cert_request_permissions=groups,
                              verification_key=SoftwareKey.generate().public_point)
    return EnrollmentRequest(b"request", generated, CertificateType.EXPLICIT, tbs, None)


def test_rules_of_the_default_device_policies(deployment: Deployment) -> None:
    obu = DeviceTypeRules.of(deployment.device_policies["OBU"], deployment.global_policy)
    assert obu.psids == {32, 38, 135} and obu.validity_years == 6 and obu.region is None
    empty = SspRange(opaque=(b"",))
    ranges = (PsidSspRange(32, empty), PsidSspRange(38, empty), PsidSspRange(135, empty))
    assert obu.default_permissions == (PsidGroupPermissions(ranges, 1, 0, app=True, enrol=False),)


@pytest.mark.parametrize("group", [
    PsidGroupPermissions(None, 1, 0, app=True),                               # every PSID
    PsidGroupPermissions((PsidSspRange(32),), 1, 0, app=True, enrol=True),    # to request enrollment certificates
    PsidGroupPermissions((PsidSspRange(32),), 1, 0, app=False, enrol=True),
], ids=["all", "app+enrol", "enrol"])
def test_permissions_beyond_app_requests_are_400_31(deployment: Deployment, group: PsidGroupPermissions) -> None:
    rules = DeviceTypeRules.of(deployment.device_policies["OBU"], deployment.global_policy)
    eca = deployment.certificate("eca")
    with pytest.raises(Ieee1609Error) as error:
        plan_enrollment(request(eca.validity.start, groups=(group,)), rules, ISSUING, eca, eca.validity.start)
    assert error.value.header_value == "400-31"


def test_the_default_validity_ends_with_the_eca_certificate(deployment: Deployment) -> None:
    rules = DeviceTypeRules.of(deployment.device_policies["RSU"], deployment.global_policy)
    eca = deployment.certificate("eca")
    end = eca.validity.end
    near_the_end = Time32(end - 1000 * 3600 - 1800)  # 1000.5 hours before the ECA certificate ends
    plan = plan_enrollment(request(near_the_end), rules, ISSUING, eca, near_the_end)
    assert plan.validity == ValidityPeriod.hours(near_the_end, 1000)
    years_before = Time32(end - 9 * 365 * 86400)  # a 10-year policy, 78840 hours left: sixty-hour units
    plan = plan_enrollment(request(years_before), replace(rules, validity_years=10), ISSUING, eca, years_before)
    assert plan.validity == ValidityPeriod(years_before, "sixtyHours", 78840 // 60)
    assert plan.validity.within(eca.validity)
    assert (plan.craca_id, plan.crl_series) == (ISSUING.craca_id, 2)
    at_the_end = Time32(end - 1)
    with pytest.raises(Ieee1609Error) as error:
        plan_enrollment(request(at_the_end), rules, ISSUING, eca, at_the_end)
    assert error.value.header_value == "400-35"


def test_an_expired_validity_is_400_35(deployment: Deployment) -> None:
    rules = DeviceTypeRules.of(deployment.device_policies["OBU"], deployment.global_policy)
    eca = deployment.certificate("eca")
    start = Time32(eca.validity.start + 3600)
    asked = request(start, validity=ValidityPeriod.hours(start, 1))
    with pytest.raises(Ieee1609Error) as error:
        plan_enrollment(asked, rules, ISSUING, eca, Time32(start + 3600))
    assert error.value.header_value == "400-35"
    assert plan_enrollment(asked, rules, ISSUING, eca, Time32(start + 3599)).validity == asked.tbs.validity
