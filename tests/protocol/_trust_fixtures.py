"""A small trust hierarchy for the certificate-management tests, made with the real builders (template -> lint ->
sign): P-384 electors (SecurityMgmtSsp elector, self-signed), P-256 root CAs (SecurityMgmtSsp root), an ICA
below a root, an MA and an RA below the ICA. `make_ctl` builds, signs and assembles a CTL; `forge_ctl` and
`forge_ctl_signature` skip every check, for the tests of what a verifier must refuse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from scms import asn1
from scms.crypto import Curve, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateId, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp
from scms.dot2.spdu import HeaderInfo, SignerCertificate, SignerForm, sign_data, unsecured
from scms.dot2.time import Time32
from scms.protocol import Role, assemble_ctl, build_tbs_ctl, elector_id, root_ca_id, security_mgmt_ssp, sign_ctl

START = Time32(600_000_000)
NOW = Time32(START + 100_000)
SERIES = bytes.fromhex("0102030405060708")

_ISSUE = (
    PsidGroupPermissions((PsidSspRange(35), PsidSspRange(256)), min_chain_length=1, chain_length_range=-1, app=True),
)


@dataclass(frozen=True)
class Party:
    """A certificate and its private key (and the decryption key of its encryptionKey, when it has one)."""

    cert: Certificate
    key: SoftwareKey

    @property
    def elector_id(self) -> bytes:
        return elector_id(self.cert)

    @property
    def root_id(self) -> bytes:
        return root_ca_id(self.cert)


def _ssp(role: Role) -> bytes:
    if role is Role.MA:
        return security_mgmt_ssp(role, relevant_psids=[32])
    return security_mgmt_ssp(role, la_id=1 if role is Role.LA else None)


def _template(
    name: str,
    role: Role,
    key: SoftwareKey,
    years: int,
    *,
    issues: bool,
    craca: bytes = b"\x00\x00\x00",
    extra: tuple[PsidSsp, ...] = (),
) -> CertificateTemplate:
    return CertificateTemplate(
        id=CertificateId.named(name),
        validity=ValidityPeriod.years(START, years),
        craca_id=craca,
        crl_series=0 if craca == b"\x00\x00\x00" else 256,
        app_permissions=(PsidSsp(35, Ssp(_ssp(role))), *extra),
        cert_issue_permissions=_ISSUE if issues else (),
        encryption_key=(
            PublicEncryptionKey(SoftwareKey.generate().public_point) if role in (Role.MA, Role.RA) else None
        ),
        verification_key=key.public_point,
    )


def make_self_signed(name: str, role: Role, curve: Curve, years: int = 10) -> Party:
    key = SoftwareKey.generate(curve)
    template = _template(name, role, key, years, issues=role is Role.ROOT)
    return Party(sign_explicit(lint_certificate(template, None), None, key, profile="ctl-test"), key)


def make_elector(name: str = "elector.test", curve: Curve = Curve.P384, years: int = 10) -> Party:
    return make_self_signed(name, Role.ELECTOR, curve, years)


def make_root(name: str = "root.test", curve: Curve = Curve.P256) -> Party:
    return make_self_signed(name, Role.ROOT, curve, 30)


def make_issued(issuer: Party, name: str, role: Role, years: int = 5, crl_series: Sequence[int] = ()) -> Party:
    """A certificate issued by `issuer` (a CA role may issue PSID 35 and 256 certificates further down); with
    `crl_series`, it is also a CRACA for them (PSID 256, CrlSsp isCraca)."""
    key = SoftwareKey.generate()
    craca = bytes(issuer.cert.hashed_id3())
    extra = ()
    if crl_series:
        crl_ssp = asn1.encode("CrlSsp", {"version": 1, "associatedCraca": "isCraca", "crls": list(crl_series)})
        extra = (PsidSsp(256, Ssp(crl_ssp)),)
    issues = role in (Role.ICA, Role.ECA, Role.ACA)
    template = _template(name, role, key, years, issues=issues, craca=craca, extra=extra)
    cert = sign_explicit(lint_certificate(template, issuer.cert), issuer.cert, issuer.key, profile="ctl-test")
    return Party(cert, key)


def make_ctl(
    sequence_number: int,
    electors: Sequence[Party],
    roots: Sequence[Party],
    signers: Sequence[Party],
    *,
    quorum: int,
    effective_date: Time32 | None = None,
    series: bytes = SERIES,
    elector_remove: Sequence[Party] = (),
    root_remove: Sequence[Party] = (),
    certificates: Sequence[Certificate] | None = None,
) -> bytes:
    """Build, sign (by each of `signers`) and assemble one CTL approving `electors` and `roots`."""
    tbs = build_tbs_ctl(
        series,
        sequence_number,
        Time32(START + 1_000 * sequence_number) if effective_date is None else effective_date,
        elector_approve=[p.elector_id for p in electors],
        root_ca_approve=[p.root_id for p in roots],
        quorum=quorum,
        elector_remove=[p.elector_id for p in elector_remove],
        root_ca_remove=[p.root_id for p in root_remove],
    )
    signatures = [sign_ctl(tbs, p.key, p.cert, NOW) for p in signers]
    members = [p.cert for p in (*roots, *electors)] if certificates is None else certificates
    return assemble_ctl(tbs, signatures, members)


def forge_ctl(tbs_ctl: bytes, signatures: Sequence[bytes], certificates: Sequence[Certificate]) -> bytes:
    """A MultiSignedCtlSpdu put together WITHOUT any check, the way a broken generator or an attacker would."""
    msctl = {
        "type": 1,
        "tbsCtl": tbs_ctl,
        "unsigned": asn1.encode("SequenceOfCertificate", [c.value for c in certificates]),
        "signatures": [asn1.decode("Ieee1609Dot2Data", s) for s in signatures],
    }
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("cert", ("multiSignedCtl", msctl))})
    return unsecured(pdu)


def forge_ctl_signature(
    tbs_ctl: bytes, elector: Party, *, sequence_number: int | None = None, signer: SignerForm | None = None
) -> bytes:
    """A CtlSignatureSpdu made WITHOUT lint or elector checks (test-only); `signer` defaults to the certificate."""
    tbs = asn1.decode("FullIeeeTbsCtl", tbs_ctl)
    body = {
        "ctlSeriesId": tbs["ctlSeriesId"],
        "ctlType": 1,
        "sequenceNumber": tbs["sequenceNumber"] if sequence_number is None else sequence_number,
        "tbsCtlHash": hashlib.sha384(tbs_ctl).digest(),
    }
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("cert", ("tbsCtlSignature", body))})
    form = SignerCertificate(elector.cert) if signer is None else signer
    return sign_data(unsecured(pdu), header=HeaderInfo(psid=35), key=elector.key, signer=form)
