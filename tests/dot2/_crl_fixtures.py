"""Certificates for the CRL tests, made with the dot2 certificate builder (template -> lint -> sign_explicit).

A CRACA is a self-signed certificate with psid 256 and CrlSsp {isCraca, crls}; it may issue anything below it
(certIssuePermissions all), so CRL signers (CrlSsp issuerIsCraca) and subject certificates can hang off it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms import asn1
from scms.crypto import SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateId, GroupLinkageValue, LinkageData, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, Ssp
from scms.dot2.time import IValue, Time32

START = Time32(600_000_000)
CRL_PSID = 256
_ISSUE_ALL = (PsidGroupPermissions(subject=None, min_chain_length=1, chain_length_range=-1, app=True, enrol=True),)


@dataclass
class Holder:
    """A certificate and the key it certifies."""

    certificate: Certificate
    key: SoftwareKey


def crl_ssp(series: list[int], *, is_craca: bool = True) -> bytes:
    """COER `CrlSsp` (1609.2 Ieee1609Dot2CrlSsp): version 1, isCraca / issuerIsCraca, the permitted series."""
    craca = "isCraca" if is_craca else "issuerIsCraca"
    return asn1.encode("CrlSsp", {"version": 1, "associatedCraca": craca, "crls": series})


def make_certificate(
    *,
    issuer: Holder | None = None,
    name: str = "test.example",
    linkage: LinkageData | None = None,
    craca_id: bytes = bytes(3),
    crl_series: int = 0,
    permissions: list[tuple[int, bytes | None]] | None = None,
    can_issue: bool = False,
    start: int = START,
    years: int = 5,
) -> Holder:
    """An explicit certificate; self-signed when `issuer` is None. `linkage` makes it a pseudonym certificate."""
    key = SoftwareKey.generate()
    permissions = permissions if permissions is not None else [(35, b"\x8c\x00")]
    template = CertificateTemplate(
        id=CertificateId("linkageData", linkage=linkage) if linkage is not None else CertificateId.named(name),
        validity=ValidityPeriod.years(start, years),
        craca_id=craca_id,
        crl_series=crl_series,
        app_permissions=tuple(PsidSsp(psid, None if ssp is None else Ssp(ssp)) for psid, ssp in permissions),
        cert_issue_permissions=_ISSUE_ALL if can_issue else (),
        verification_key=key.public_point,
    )
    issuer_certificate = None if issuer is None else issuer.certificate
    signer = key if issuer is None else issuer.key
    linted = lint_certificate(template, issuer_certificate)
    return Holder(sign_explicit(linted, issuer_certificate, signer, profile="crl-test"), key)


def make_craca(series: list[int], *, name: str = "craca.example") -> Holder:
    """A self-signed CRACA: psid 256 with CrlSsp {isCraca, crls = series}, allowed to issue below it."""
    return make_certificate(name=name, permissions=[(CRL_PSID, crl_ssp(series))], can_issue=True, years=10)


def linkage_data(i_cert: int, lv: bytes, group: tuple[int, bytes] | None = None) -> LinkageData:
    """`LinkageData {iCert, linkage-value, group-linkage-value {jValue, value}}` of a pseudonym certificate."""
    glv = None if group is None else GroupLinkageValue(group[0].to_bytes(4), group[1])
    return LinkageData(IValue(i_cert), lv, glv)


def subject_of(craca: Holder, series: int, **kwargs: Any) -> Holder:
    """A certificate issued by `craca` and in the scope of its CRLs of `series` (cracaId = HashedId3 of the CRACA)."""
    return make_certificate(issuer=craca, craca_id=bytes(craca.certificate.hashed_id3()), crl_series=series, **kwargs)
