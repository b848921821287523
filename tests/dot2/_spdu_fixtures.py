"""Certificates and keys for the SPDU tests, made with the dot2 certificate builder (template -> lint -> sign).

A self-signed CA (allowed to issue anything below it) issues explicit or implicit (ECQV) signer certificates; the
SPDU code never validates chains, but the certificates are real and consistent.
"""

from __future__ import annotations

from dataclasses import dataclass

from scms.crypto import Curve, SoftwareKey, ecqv_e, ecqv_private_key
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import issue_implicit, sign_explicit
from scms.dot2.certificate_fields import CertificateId, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp
from scms.dot2.time import Time32

START = Time32(600_000_000)
HOURS = 24 * 365
_ISSUE_ALL = (PsidGroupPermissions(subject=None, min_chain_length=1, chain_length_range=-1, app=True, enrol=True),)


@dataclass
class Holder:
    """A certificate with its signing key and (when it has an encryptionKey) its decryption key."""

    certificate: Certificate
    key: SoftwareKey
    decryption_key: SoftwareKey | None = None


def _template(
    name: str, psids: tuple[int, ...], key: SoftwareKey | None, encryption: SoftwareKey | None, can_issue: bool
) -> CertificateTemplate:
    return CertificateTemplate(
        id=CertificateId.named(name),
        validity=ValidityPeriod.hours(START, HOURS),
        app_permissions=tuple(PsidSsp(psid, None) for psid in psids),
        cert_issue_permissions=_ISSUE_ALL if can_issue else (),
        encryption_key=None if encryption is None else PublicEncryptionKey(encryption.public_point),
        verification_key=None if key is None else key.public_point,
    )


def make_explicit(
    *,
    issuer: Holder | None = None,
    curve: Curve = Curve.P256,
    name: str = "signer.example",
    psids: tuple[int, ...] = (35,),
    encryption_curve: Curve | None = None,
) -> Holder:
    """An explicit certificate; self-signed (and allowed to issue) when `issuer` is None."""
    key = SoftwareKey.generate(curve)
    decryption_key = None if encryption_curve is None else SoftwareKey.generate(encryption_curve)
    template = _template(name, psids, key, decryption_key, can_issue=issuer is None)
    issuer_certificate = None if issuer is None else issuer.certificate
    linted = lint_certificate(template, issuer_certificate)
    certificate = sign_explicit(linted, issuer_certificate, key if issuer is None else issuer.key, profile="spdu-test")
    return Holder(certificate, key, decryption_key)


def make_implicit(*, issuer: Holder, name: str = "implicit.example", psids: tuple[int, ...] = (35,)) -> Holder:
    """An implicit certificate issued by ECQV (1609.2 §5.3.2), with the private key the EE reconstructs."""
    request_key = SoftwareKey.generate()
    linted = lint_certificate(_template(name, psids, None, None, can_issue=False), issuer.certificate)
    issued = issue_implicit(linted, request_key.public_point, issuer.certificate, issuer.key, profile="spdu-test")
    certificate = issued.certificate
    reconstruction = certificate.reconstruction_value()
    assert reconstruction is not None
    e = ecqv_e(certificate.tbs_bytes(), issuer.certificate.canonical_bytes)
    key = ecqv_private_key(request_key, e, issued.reconstruction_value_r, reconstruction, issuer.key.public_point)
    return Holder(certificate, key)
