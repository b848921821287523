"""What each certificate of the SCMS hierarchy says: one template per role (1609.2 §6.4.8, 1609.2.1 §4.1, §6.3).

    electors (self-signed)     appPermissions {35: elector}
    root CA (self-signed)      {35: root, 256: CrlSsp isCraca [ca series]}; issues anything (all, any depth)
    ├── CRL signer             {35: crl, 256: CrlSsp issuerIsCraca [every series]}: signs the CRLs of the root
    └── ICA                    {35: ica}; issues {35, device PSIDs} down to two levels (components, EEs)
        ├── ECA                {35: eca}; issues enrollment certs: app {35: ee}, request {device PSIDs, any SSP}
        ├── RA                 {35: ra} + encryptionKey; certRequestPermissions {device PSIDs/SSPs}
        ├── ACA                {35: aca} (+ flags.cubk); issues authorization certs: app {device PSIDs/SSPs}
        ├── LA1, LA2           {35: la, laId}
        └── MA                 {35: ma, relevantPsids} + encryptionKey

Every certificate below the root names the root as its CRACA (cracaId = HashedId3 of the root, crlSeries = the CA
series), so the CRL signer's CRLs cover them all. The device PSID/SSP sets come from the device-type settings
(`scms.toml` [devices], the device policy files). The ACA and the RA get SSP ranges listing the exact SSPs of the
policy when they are opaque (`all` when a PSID has a bitmap SSP): what goes into an authorization certificate is
bound there. The ECA gets the device PSIDs with any SSP, so that an enrollment certificate may request a PSID with
whatever SSP range the EE asks (the RA checks each request against the device policy). Each template is linted by
the dot2 builder before signing.

Validity: the root CA, the CRL signer, the ICA and the components start at the start of the current i-period
(`hierarchy_start`), not at the moment they are made. The ACA issues each i-period's pseudonym certificates from
that i-period's start (1609.2.1 clause 6.3.5.2) and a certificate's validity lies within its issuer's (1609.2
clause 5.1.2.4, a strict rule here: docs/conformance.md), so an ACA certificate starting "now" could issue nothing
for the current i-period: a fresh deployment (or a rotated ACA) would leave devices without pseudonyms until the
next one. Starting the whole chain there keeps it nested. The electors sign only CTLs, effective when they are
made, and keep starting at "now".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from scms import asn1
from scms.crypto import Point
from scms.deployment.config import DeploymentConfig
from scms.deployment.layout import SERVICE_COMPONENTS
from scms.deployment.regions import RegionSpec
from scms.deployment.roles import ROLES
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import DURATION_UNITS, CertificateId, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.crl_authority import CRL_PSID
from scms.dot2.permissions import UNBOUNDED, PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp, SspRange
from scms.dot2.region import Region
from scms.dot2.time import Time32
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role, security_mgmt_ssp

__all__ = [
    "COMPONENT_ROLES",
    "component_template",
    "crl_signer_template",
    "crl_ssp",
    "device_ranges",
    "elector_template",
    "hierarchy_start",
    "ica_template",
    "root_template",
    "validity_within",
]

COMPONENT_ROLES: dict[str, Role] = {name: ROLES[name] for name in SERVICE_COMPONENTS}
"""The SecurityMgmtSsp role of each component the ICA certifies."""

_ALL_PSIDS = (PsidGroupPermissions(None, min_chain_length=1, chain_length_range=UNBOUNDED, app=True, enrol=True),)


def crl_ssp(*, is_craca: bool, series: Sequence[int]) -> bytes:
    """COER `CrlSsp` (1609.2 `Ieee1609Dot2CrlSsp`): version 1, isCraca or issuerIsCraca, the series it may sign."""
    craca = "isCraca" if is_craca else "issuerIsCraca"
    return asn1.encode("CrlSsp", {"version": 1, "associatedCraca": craca, "crls": sorted(series)})


def _role(role: Role, *, la_id: int | None = None, relevant_psids: Sequence[int] | None = None) -> PsidSsp:
    return PsidSsp(SECURITY_MGMT_PSID, Ssp(security_mgmt_ssp(role, la_id=la_id, relevant_psids=relevant_psids)))


def _name(component: str, config: DeploymentConfig) -> CertificateId:
    return CertificateId.named(f"{component}.{config.deployment.name}")


def _region(spec: RegionSpec | None) -> Region | None:
    return None if spec is None else spec.to_region()


def hierarchy_start(config: DeploymentConfig, now: Time32) -> Time32:
    """The start of the i-period holding `now` (policy `time-iPeriodEpoch` + k x `time-iPeriodLength`): where the
    CA and component certificates start (module docstring); `now` itself before the epoch or past the last IValue."""
    periods = config.policy.i_periods()
    try:
        return periods.start(periods.i_at(now))
    except ValueError:
        return now


def validity_within(issuer: Certificate | None, start: Time32, years: int) -> ValidityPeriod:
    """`years` from `start` (moved forward to the issuer's start if earlier: a deployment made before certificates
    started at the i-period), cut short (in hours or sixty-hour units) so it ends no later than `issuer`'s."""
    if issuer is not None and start < issuer.validity.start:
        start = issuer.validity.start
    wanted = ValidityPeriod.years(start, years)
    if issuer is None or wanted.within(issuer.validity):
        return wanted
    room = issuer.validity.end_microseconds - wanted.start_microseconds
    for unit in ("hours", "sixtyHours"):
        count = room // DURATION_UNITS[unit]
        if count <= 0xFFFF:
            return ValidityPeriod(Time32(start), unit, count)
    return ValidityPeriod(Time32(start), "years", room // DURATION_UNITS["years"])


def device_ranges(config: DeploymentConfig) -> tuple[PsidSspRange, ...]:
    """One range per device PSID: the exact opaque SSPs the device policies name (no SSP = the empty one)."""
    by_psid: dict[int, set[Ssp | None]] = {}
    for settings in config.devices.by_type().values():
        for permission in settings.request_permissions():
            by_psid.setdefault(permission.psid, set()).add(permission.ssp)
    ranges = []
    for psid in sorted(by_psid):
        ssps = by_psid[psid]
        if any(ssp is not None and ssp.bitmap for ssp in ssps):
            ranges.append(PsidSspRange(psid))  # mixed or bitmap SSPs: any SSP of this PSID
        else:
            values = sorted(b"" if ssp is None else ssp.value for ssp in ssps)
            ranges.append(PsidSspRange(psid, SspRange(opaque=tuple(values))))
    return tuple(ranges)


def elector_template(config: DeploymentConfig, number: int, key: Point, now: Time32) -> CertificateTemplate:
    electors = config.manager.electors
    return CertificateTemplate(
        id=_name(f"elector-{number}", config),
        validity=ValidityPeriod.years(now, electors.validity_years),
        app_permissions=(_role(Role.ELECTOR),),
        verification_key=key,
    )


def root_template(config: DeploymentConfig, key: Point, now: Time32) -> CertificateTemplate:
    root, crl = config.manager.root, config.manager.crl
    return CertificateTemplate(
        id=_name("root", config),
        validity=ValidityPeriod.years(hierarchy_start(config, now), root.validity_years),
        region=_region(root.region),
        app_permissions=(_role(Role.ROOT), PsidSsp(CRL_PSID, Ssp(crl_ssp(is_craca=True, series=[crl.ca_series])))),
        cert_issue_permissions=_ALL_PSIDS,
        verification_key=key,
    )


class _Permissions(NamedTuple):
    app: tuple[PsidSsp, ...]
    issue: tuple[PsidGroupPermissions, ...] = ()
    request: tuple[PsidGroupPermissions, ...] = ()
    cubk: bool = False


def ica_template(config: DeploymentConfig, key: Point, root: Certificate, now: Time32) -> CertificateTemplate:
    ica = config.manager.ica
    subject = (PsidSspRange(SECURITY_MGMT_PSID), *(PsidSspRange(r.psid) for r in device_ranges(config)))
    return CertificateTemplate(
        id=_name("ica", config),
        validity=validity_within(root, hierarchy_start(config, now), ica.validity_years),
        region=_region(ica.region),
        app_permissions=(_role(Role.ICA),),
        # Depth 1: the component certificates; depth 2: what the ECA and the ACA issue to devices.
        cert_issue_permissions=(PsidGroupPermissions(subject, 1, 1, app=True, enrol=True),),
        verification_key=key,
        craca_id=bytes(root.hashed_id3()),
        crl_series=config.manager.crl.ca_series,
    )


def crl_signer_template(config: DeploymentConfig, key: Point, root: Certificate, now: Time32) -> CertificateTemplate:
    crl = config.manager.crl
    return CertificateTemplate(
        id=_name("crl-signer", config),
        validity=validity_within(root, hierarchy_start(config, now), crl.validity_years),
        region=_region(crl.region),
        app_permissions=(
            _role(Role.CRL_SIGNER),
            PsidSsp(CRL_PSID, Ssp(crl_ssp(is_craca=False, series=crl.all_series))),
        ),
        verification_key=key,
        craca_id=bytes(root.hashed_id3()),
        crl_series=config.manager.crl.ca_series,
    )


def _component_permissions(config: DeploymentConfig, component: str) -> _Permissions:
    devices = device_ranges(config)
    if component == "eca":
        ee = SspRange(opaque=(security_mgmt_ssp(Role.EE),))
        return _Permissions(
            (_role(Role.ECA),),
            issue=(
                PsidGroupPermissions((PsidSspRange(SECURITY_MGMT_PSID, ee),), 1, 0, app=True, enrol=False),
                PsidGroupPermissions(tuple(PsidSspRange(r.psid) for r in devices), 1, 0, app=False, enrol=True),
            ),
        )
    if component == "ra":
        return _Permissions((_role(Role.RA),), request=(PsidGroupPermissions(devices, 1, 0, app=True, enrol=False),))
    if component == "aca":
        issue = (PsidGroupPermissions(devices, 1, 0, app=True, enrol=False),)
        return _Permissions((_role(Role.ACA),), issue=issue, cubk=config.aca.compact_unified)
    if component in ("la1", "la2"):
        la_id = config.la1.la_id if component == "la1" else config.la2.la_id
        return _Permissions((_role(Role.LA, la_id=la_id),))
    psids = config.ma.relevant_psids or config.device_psids()
    return _Permissions((_role(Role.MA, relevant_psids=psids),))


def component_template(
    config: DeploymentConfig,
    component: str,
    key: Point,
    ica: Certificate,
    root: Certificate,
    now: Time32,
    encryption_key: Point | None = None,
) -> CertificateTemplate:
    """The certificate of an online component ("eca", "ra", "aca", "la1", "la2", "ma"), issued by the ICA, valid
    from the start of the i-period holding `now`."""
    if component not in COMPONENT_ROLES:
        raise ValueError(f"{component!r} is not a component the ICA certifies")
    settings = config.service(component)
    permissions = _component_permissions(config, component)
    return CertificateTemplate(
        id=_name(component, config),
        validity=validity_within(ica, hierarchy_start(config, now), settings.validity_years),
        region=_region(settings.region),
        app_permissions=permissions.app,
        cert_issue_permissions=permissions.issue,
        cert_request_permissions=permissions.request,
        uses_cubk=permissions.cubk,
        encryption_key=None if encryption_key is None else PublicEncryptionKey(encryption_key),
        verification_key=key,
        craca_id=bytes(root.hashed_id3()),
        crl_series=config.manager.crl.ca_series,
    )
