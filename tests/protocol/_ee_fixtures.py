"""An SCMS hierarchy for the end-entity protocol tests, made with the real builders (template -> lint -> sign):
a root CA issuing an ECA (enrollment certificates: app {35: ee}, requests for the device PSIDs), an RA (with an
encryptionKey) and an ACA (authorization certificates for the device PSIDs). The ECA and ACA steps here are
test-only stand-ins for the services: they issue what the request asks, through the certificate builder, and the
ACA answers in the form the request calls for (1609.2.1 clause 9.3; like bench/bench_aca.py `_issue`, except that
the signed data holds the encrypted data in unsecuredData, as the `Ieee1609Dot2Data-EncryptedSigned` template has it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

from scms import asn1
from scms.crypto import ButterflyVariant, KeyAgreement, Point, SoftwareKey, explicit_randomize
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import issue_implicit, sign_explicit
from scms.dot2.certificate_fields import (
    CertificateId,
    CertificateType,
    LinkageData,
    PublicEncryptionKey,
    ValidityPeriod,
)
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import Ieee1609Error
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp, SspRange
from scms.dot2.region import Region
from scms.dot2.spdu import RekRecipient, encrypt, unsecured
from scms.dot2.time import IPeriods, IValue, Time32
from scms.protocol._signed_pdu import sign_pdu
from scms.protocol.ee_eca import (
    EnrollmentRequest,
    EnrollmentResult,
    build_enrollment_request,
    build_enrollment_response,
    parse_enrollment_request,
    read_enrollment_response,
)
from scms.protocol.ee_ra_request import AuthorizationRequest
from scms.protocol.ra_receiver import EnrollmentCheck, RaReceiver
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role, security_mgmt_ssp

START = Time32(600_000_000)
NOW = Time32(START + 200_000)
DEVICE_PSIDS = (32, 38, 135)


@dataclass(frozen=True)
class Party:
    """A certificate, its signing key and (RA) the private key of its encryptionKey."""

    cert: Certificate
    key: SoftwareKey
    decryption_key: SoftwareKey | None = None


@dataclass(frozen=True)
class EePki:
    root: Party
    eca: Party
    ra: Party
    aca: Party

    @property
    def anchors(self) -> tuple[Certificate, ...]:
        return (self.root.cert,)

    @property
    def eca_chain(self) -> tuple[Certificate, ...]:
        return (self.eca.cert, self.root.cert)


def accept(_: Certificate, __: Time32) -> None:
    """An RA enrollment check that accepts every enrollment certificate."""


def receiver(
    pki: EePki,
    check: EnrollmentCheck = accept,
    *,
    eca: bool = True,
    key: KeyAgreement | None = None,
    certificate: Certificate | None = None,
) -> RaReceiver:
    """The RA of `pki` (or `certificate` / `key` instead of its own) opening EE requests."""
    decryption_key = key or pki.ra.decryption_key
    assert decryption_key is not None
    return RaReceiver(certificate or pki.ra.cert, decryption_key, check, (pki.eca.cert,) if eca else ())


def code(error: pytest.ExceptionInfo[Ieee1609Error]) -> str:
    """The `Ieee-1609.2.1-Error` value of a raised error, e.g. "400-43"."""
    return error.value.header_value


def check_time_rules(open_at: Callable[[Time32], object], generated: Time32, max_age: int, too_old: str) -> None:
    """A request generated at `generated`, opened with `max_age`: 400-50 one second before, `too_old` one second
    after max_age, accepted at exactly max_age."""
    with pytest.raises(Ieee1609Error) as error:
        open_at(Time32(generated - 1))
    assert code(error) == "400-50"
    with pytest.raises(Ieee1609Error) as error:
        open_at(Time32(generated + max_age + 1))
    assert code(error) == too_old
    open_at(Time32(generated + max_age))


def _role(role: Role) -> PsidSsp:
    return PsidSsp(SECURITY_MGMT_PSID, Ssp(security_mgmt_ssp(role)))


_DEVICES = tuple(PsidSspRange(psid) for psid in DEVICE_PSIDS)
_EE_SSP = SspRange(opaque=(security_mgmt_ssp(Role.EE),))


def _component(
    root: Party,
    name: str,
    role: Role,
    *,
    issue: tuple[PsidGroupPermissions, ...] = (),
    encryption: bool = False,
    cubk: bool = False,
) -> Party:
    key = SoftwareKey.generate()
    decryption_key = SoftwareKey.generate() if encryption else None
    template = CertificateTemplate(
        id=CertificateId.named(name),
        validity=ValidityPeriod.years(START, 5),
        craca_id=bytes(root.cert.hashed_id3()),
        crl_series=1,
        app_permissions=(_role(role),),
        cert_issue_permissions=issue,
        encryption_key=None if decryption_key is None else PublicEncryptionKey(decryption_key.public_point),
        verification_key=key.public_point,
        uses_cubk=cubk,
    )
    cert = sign_explicit(lint_certificate(template, root.cert), root.cert, root.key, profile="ee-test")
    return Party(cert, key, decryption_key)


def make_ee_pki(*, cubk: bool = True) -> EePki:
    """The hierarchy; the ACA certificate has flags.usesCubk (it may answer compact unified requests) unless not
    `cubk`."""
    root_key = SoftwareKey.generate()
    root_template = CertificateTemplate(
        id=CertificateId.named("root.ee-test"),
        validity=ValidityPeriod.years(START, 30),
        app_permissions=(_role(Role.ROOT),),
        cert_issue_permissions=(PsidGroupPermissions(None, 1, -1, app=True, enrol=True),),
        verification_key=root_key.public_point,
    )
    root = Party(sign_explicit(lint_certificate(root_template, None), None, root_key, profile="ee-test"), root_key)
    eca_issue = (
        PsidGroupPermissions((PsidSspRange(SECURITY_MGMT_PSID, _EE_SSP),), 1, 0, app=True, enrol=False),
        PsidGroupPermissions(_DEVICES, 1, 0, app=False, enrol=True),
    )
    return EePki(
        root=root,
        eca=_component(root, "eca.ee-test", Role.ECA, issue=eca_issue),
        ra=_component(root, "ra.ee-test", Role.RA, encryption=True),
        aca=_component(
            root, "aca.ee-test", Role.ACA, issue=(PsidGroupPermissions(_DEVICES, 1, 0, app=True),), cubk=cubk
        ),
    )


def enrollment_fields(*, region: Region | None = None) -> CertificateTemplate:
    """What a device asks the ECA for: to request certificates for the device PSIDs, for three years from NOW."""
    return CertificateTemplate(
        id=CertificateId.named("obu-0001.ee-test"),
        validity=ValidityPeriod.years(NOW, 3),
        region=region,
        cert_request_permissions=(PsidGroupPermissions(_DEVICES, 1, 0, app=True),),
    )


def issue_enrollment(pki: EePki, request: EnrollmentRequest, now: Time32 = NOW) -> bytes:
    """A test ECA: issue what `request` asks (plus {35: ee}) and answer with an EcaEeCertResponseSpdu."""
    eca = pki.eca
    template = replace(
        request.tbs,
        craca_id=bytes(pki.root.cert.hashed_id3()),
        crl_series=1,
        app_permissions=(_role(Role.EE),),
    )
    if request.certificate_type is CertificateType.EXPLICIT:
        cert = sign_explicit(lint_certificate(template, eca.cert), eca.cert, eca.key, profile="ee-test")
        r = None
    else:
        linted = lint_certificate(replace(template, verification_key=None), eca.cert)
        cert, r = issue_implicit(linted, request.requested_key, eca.cert, eca.key, profile="ee-test")
    return build_enrollment_response(request.request_hash, cert, r, eca.key, pki.eca_chain, now)


def enrol(
    pki: EePki, kind: CertificateType = CertificateType.IMPLICIT, *, region: Region | None = None
) -> EnrollmentResult:
    """A device enrolled through the round trip: its enrollment certificate and key."""
    key = SoftwareKey.generate()
    request = build_enrollment_request(enrollment_fields(region=region), key, NOW, certificate_type=kind)
    response = issue_enrollment(pki, parse_enrollment_request(request, NOW, 60), NOW)
    return read_enrollment_response(response, request, key, pki.anchors, NOW)


IPERIODS = IPeriods()
FIRST_I = IValue(IPERIODS.i_at(NOW) + 1)
"""The first i-period whose certificates start after the ACA certificate (NOW's own starts before START)."""


def authorization_fields() -> CertificateTemplate:
    """What a device asks the RA for: BSM (32) and 38, for a year from NOW."""
    return CertificateTemplate(
        id=CertificateId.none(),
        validity=ValidityPeriod.years(NOW, 1),
        app_permissions=(PsidSsp(32), PsidSsp(38)),
    )


def _aca_template(pki: EePki, request: AuthorizationRequest, i: int | None, key: Point | None) -> CertificateTemplate:
    template = replace(
        request.tbs, craca_id=bytes(pki.root.cert.hashed_id3()), crl_series=1, verification_key=key
    )
    if i is None:
        return template
    return replace(
        template,
        id=CertificateId.linkage_data(LinkageData(IValue(i), bytes(9))),
        validity=ValidityPeriod(IPERIODS.start(i), "hours", 169),
    )


def issue_authorization(
    pki: EePki, request: AuthorizationRequest, i: int | None = None, j: int | None = None, now: Time32 = NOW
) -> bytes:
    """A test RA + ACA: the AcaEeCertResponse{Plain|Private|Cubk}Spdu for (i, j) of `request`."""
    aca = pki.aca
    butterfly = request.butterfly
    if butterfly is not None:
        assert i is not None and j is not None
        request_point = butterfly.cocoon_public_key(i, j)
        reply_key: Point | None = butterfly.response_encryption_key(i, j)
    else:
        request_point = request.requested_key
        reply_key = None if request.response_encryption_key is None else request.response_encryption_key.point
    if request.certificate_type is CertificateType.EXPLICIT:
        c, key = explicit_randomize(request_point) if butterfly is not None else (None, request_point)
        linted = lint_certificate(_aca_template(pki, request, i, key), aca.cert)
        cert, info = sign_explicit(linted, aca.cert, aca.key, profile="ee-test"), c
    else:
        linted = lint_certificate(_aca_template(pki, request, i, None), aca.cert)
        cert, info = issue_implicit(linted, request_point, aca.cert, aca.key, profile="ee-test")
    value = {"version": 2, "generationTime": int(now), "certificate": asn1.Encoded("Certificate", cert.data)}
    if info is not None:
        value["privateKeyInfo"] = info
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("aca-ee", ("acaEeCertResponse", value))})
    if reply_key is None:
        return unsecured(pdu)
    encrypted = encrypt(unsecured(pdu), [RekRecipient(PublicEncryptionKey(reply_key))])
    if butterfly is not None and butterfly.variant is ButterflyVariant.COMPACT_UNIFIED:
        return encrypted
    return sign_pdu(encrypted, aca.key, aca.cert, now)
