"""Authorization certificate requests to the RA (1609.2.1 clauses 6.3.5.2 and 9.3; standards notes §6, §10.1):

    prepare_authorization(spec, policies, enrollment, ra_certificate, now)
        -> PreparedAuthorization (the EeRaCertRequestSpdu and the RequestSecrets: keep both before sending)
    submit_authorization(ra_url, prepared, ra_certificate, now)   POST {ra}/v3/authorization-certificate
        -> CertAck (requestHash, firstI for butterfly requests, nextDlTime), verified as the RA's

What is asked comes from an authorization set of the device type's policy (`AuthorizationSpec.profile`):

* pseudonym sets (butterfly keys, 1609.2.1 clause 9.3): `id` none (the RA puts in linkageData), the set's
  appPermissions, a validity from now to the end of the `periods`-th i-period from the current one
  (`time-iPeriodEpoch`, `time-iPeriodLength` of the global policy; the RA gives each i-period's certificates that
  i-period plus time-overlap), with fresh butterfly keys of the variant asked for;
* identification sets (no butterfly): the set's appPermissions for `validity_hours` from now, with a fresh key
  and, when `encrypted_response`, a response encryption key (additionalParams.encryptionKey: the RA cannot read
  the ACA's answer).

A variant the set or `ra-butterflyType` does not allow, or a kind of request the set is not for, is refused here
(ValueError) rather than by the RA.
"""

from __future__ import annotations

from dataclasses import dataclass

from scms.crypto import ButterflyVariant, SoftwareKey
from scms.deployment.policy import AuthorizationProfile
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.time import IValue, Time32
from scms.ee.exchange import Flow, call
from scms.ee.flows._urls import coer_post
from scms.ee.flows.enrollment import EnrollmentCredential
from scms.ee.flows.registration import Policies
from scms.protocol.butterfly_params import ButterflyKeys, NonButterflyKeys
from scms.protocol.ee_ra_ack import CertAck, read_cert_ack
from scms.protocol.ee_ra_request import RequestKeys, RequestSecrets, build_authorization_request

__all__ = [
    "AuthorizationSpec",
    "PreparedAuthorization",
    "authorization_fields",
    "find_profile",
    "prepare_authorization",
    "submit_authorization",
]


@dataclass(frozen=True)
class AuthorizationSpec:
    """What to ask for: an authorization set of the device policy and how."""

    profile: str = "pseudonym"
    """The name of the authorization set in the device type's policy ("pseudonym", "identification", ...)."""
    butterfly: ButterflyVariant | None = ButterflyVariant.UNIFIED
    """The butterfly variant of a pseudonym set; ignored for identification sets."""
    certificate_type: CertificateType = CertificateType.IMPLICIT
    periods: int = 1
    """How many i-periods of pseudonym certificates, from the current one."""
    encrypted_response: bool = False
    """Identification sets: have the ACA encrypt its answer to a key of the device (additionalParams)."""


def find_profile(policies: Policies, name: str) -> AuthorizationProfile:
    """The authorization set `name` of the device policy; ValueError listing the sets otherwise."""
    sets = policies.device_policy.authorization
    found = next((p for p in sets if p.name == name), None)
    if found is None:
        raise ValueError(f"the {policies.device_policy.device_type} policy has no set {name!r} "
                         f"(it has {', '.join(p.name for p in sets)})")
    return found


def _pseudonym_validity(policies: Policies, periods: int, now: Time32) -> tuple[ValidityPeriod, IValue]:
    """From now to the end of the `periods`-th i-period (the current one first), in whole hours (the duration is
    a Uint16 count: hours reach 7 years); the start moves forward by less than an hour to make that exact. In the
    last hour of an i-period the request starts with the next one."""
    grid = policies.global_policy.parameters.i_periods()
    first = grid.i_at(now)
    hours = (grid.start(first + periods) - now) // 3600
    if hours == 0:
        first = IValue(first + 1)
        hours = (grid.start(first + periods) - now) // 3600
    end = grid.start(first + periods)
    return ValidityPeriod.hours(end - hours * 3600, hours), first


def authorization_fields(spec: AuthorizationSpec, policies: Policies, now: Time32) -> tuple[CertificateTemplate,
                                                                                              IValue | None]:
    """The requested tbsCert for `spec` and, for a pseudonym set, the first i-period it covers (module docstring)."""
    profile = find_profile(policies, spec.profile)
    permissions = tuple(p.to_psid_ssp() for p in profile.app_permissions)
    first: IValue | None = None
    if profile.kind == "pseudonym":
        if spec.periods < 1:
            raise ValueError("a pseudonym request covers at least one i-period")
        validity, first = _pseudonym_validity(policies, spec.periods, now)
    else:
        assert profile.validity_hours is not None  # the policy model requires it for identification sets
        validity = ValidityPeriod.hours(now, profile.validity_hours)
    return CertificateTemplate(id=CertificateId.none(), validity=validity, app_permissions=permissions), first


def _keys(spec: AuthorizationSpec, policies: Policies) -> RequestKeys:
    profile = find_profile(policies, spec.profile)
    if profile.kind == "identification":
        return NonButterflyKeys(SoftwareKey.generate(), SoftwareKey.generate() if spec.encrypted_response else None)
    variant = spec.butterfly
    allowed = set(profile.butterfly_types) & set(policies.global_policy.parameters.butterfly_types)
    if variant is None or variant not in allowed:
        names = ", ".join(sorted(v.value for v in allowed))
        raise ValueError(f"set {profile.name!r} takes butterfly keys of {names}, not {variant}")
    return ButterflyKeys.generate(variant)


@dataclass(frozen=True, repr=False)
class PreparedAuthorization:
    """A request ready to send and the secrets its certificates will need (write both before sending)."""

    spec: AuthorizationSpec
    request: bytes
    secrets: RequestSecrets
    first_i: IValue | None
    """The first i-period asked for (pseudonym requests; the acknowledgement's firstI is the RA's answer)."""
    generated_at: Time32

    @property
    def last_i(self) -> IValue | None:
        """The last i-period asked for."""
        return None if self.first_i is None else IValue(self.first_i + self.spec.periods - 1)

    def __repr__(self) -> str:
        return f"PreparedAuthorization({self.secrets.request_hash}, {self.spec.profile}, [secure])"


def prepare_authorization(
    spec: AuthorizationSpec,
    policies: Policies,
    enrollment: EnrollmentCredential,
    ra_certificate: Certificate,
    now: Time32,
) -> PreparedAuthorization:
    """Fresh keys and the `EeRaCertRequestSpdu` for `spec`, signed by the enrollment certificate at `now` and
    encrypted to `ra_certificate`."""
    fields, first = authorization_fields(spec, policies, now)
    keys = _keys(spec, policies)
    request, secrets = build_authorization_request(fields, keys, enrollment.private_key, enrollment.certificate,
                                                   ra_certificate, now, certificate_type=spec.certificate_type)
    return PreparedAuthorization(spec, request, secrets, first, now)


def submit_authorization(
    ra_url: str, prepared: PreparedAuthorization, ra_certificate: Certificate, now: Time32
) -> Flow[CertAck]:
    """POST the request; the RA's acknowledgement, verified (signed by `ra_certificate`, naming our request)."""
    body, now = yield from call(coer_post(ra_url, "v3/authorization-certificate", "ra/authorization-certificate",
                                          prepared.request))
    return read_cert_ack(body, prepared.secrets.request_hash, ra_certificate, now)
