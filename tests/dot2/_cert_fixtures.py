"""Certificates built for the dot2 certificate tests: a small PKI (root → ICA → explicit and implicit EEs).

`make_pki(curve)` builds the chain through the real builder (lint, sign, ECQV). `forge_explicit` signs a template
WITHOUT lint, the way an attacker or a broken CA would, so the chain tests can present certificates that exceed
their issuer (the builder refuses to make those).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from scms.crypto import Curve, SoftwareKey, signing_digest
from scms.dot2._codec import encode
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import issue_implicit, sign_explicit
from scms.dot2.certificate_fields import CertificateId, IssuerId, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.curve_points import signature_to_coer
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp, SspRange
from scms.dot2.region import CircularRegion, RectangularRegion, RectangularRegions, TwoDLocation
from scms.dot2.time import Time32

START = Time32(600_000_000)
NOW = Time32(START + 5_000)
EE_START = Time32(START + 1_000)

# Roughly the continental US, and a 10 km circle around Detroit inside it (1/10 microdegree units).
US_BOX = RectangularRegions(
    (RectangularRegion(TwoDLocation(490_000_000, -1_250_000_000), TwoDLocation(250_000_000, -670_000_000)),)
)
DETROIT = CircularRegion(TwoDLocation(423_314_000, -830_458_000), 10_000)


@dataclass
class Pki:
    root_key: SoftwareKey
    root: Certificate
    ica_key: SoftwareKey
    ica: Certificate
    ee_key: SoftwareKey
    ee: Certificate
    request_key: SoftwareKey
    implicit: Certificate | None
    implicit_r: bytes
    ee_template: CertificateTemplate

    @property
    def chain(self) -> tuple[Certificate, ...]:
        return (self.ee, self.ica, self.root)


def root_template(key: SoftwareKey) -> CertificateTemplate:
    return CertificateTemplate(
        id=CertificateId.named("root.test.example"),
        validity=ValidityPeriod.years(START, 30),
        app_permissions=(PsidSsp(35, Ssp(b"\x81\x00\x01")),),
        cert_issue_permissions=(
            PsidGroupPermissions(None, min_chain_length=2, chain_length_range=-1, app=True, enrol=True),
            PsidGroupPermissions((PsidSspRange(35),), min_chain_length=1, chain_length_range=-1, app=True, enrol=True),
        ),
        verification_key=key.public_point,
    )


def ica_template(key: SoftwareKey, root: Certificate) -> CertificateTemplate:
    return CertificateTemplate(
        id=CertificateId.named("ica.test.example"),
        validity=ValidityPeriod.years(START, 10),
        craca_id=bytes(root.hashed_id3()),
        crl_series=256,
        region=US_BOX,
        app_permissions=(PsidSsp(35, Ssp(b"\x83\x00\x01")),),
        cert_issue_permissions=(
            PsidGroupPermissions(
                (
                    PsidSspRange(32),
                    PsidSspRange(38, SspRange(opaque=(b"", b"\x01"))),
                    PsidSspRange(135, SspRange(bitmap_value=b"\x80\x00", bitmap_mask=b"\xc0\x00")),
                ),
                min_chain_length=1,
                chain_length_range=0,
                app=True,
            ),
        ),
        encryption_key=PublicEncryptionKey(SoftwareKey.generate(Curve.P256).public_point),
        verification_key=key.public_point,
    )


def ee_template(ica: Certificate, key: SoftwareKey | None) -> CertificateTemplate:
    return CertificateTemplate(
        id=CertificateId.binary_id(b"\x01\x02\x03\x04"),
        validity=ValidityPeriod.hours(EE_START, 169),
        craca_id=bytes(ica.hashed_id3()),
        crl_series=1,
        region=DETROIT,
        app_permissions=(PsidSsp(32), PsidSsp(38, Ssp(b"\x01")), PsidSsp(135, Ssp(b"\x9f\x17", bitmap=True))),
        verification_key=None if key is None else key.public_point,
    )


def make_pki(curve: Curve = Curve.P256) -> Pki:
    root_key = SoftwareKey.generate(curve)
    root = sign_explicit(lint_certificate(root_template(root_key), None), None, root_key)
    ica_key = SoftwareKey.generate(curve)
    ica = sign_explicit(lint_certificate(ica_template(ica_key, root), root), root, root_key)
    ee_key = SoftwareKey.generate(curve)
    template = ee_template(ica, ee_key)
    ee = sign_explicit(lint_certificate(template, ica), ica, ica_key)
    request_key = SoftwareKey.generate(curve)
    implicit, r = None, b""
    if curve.size == 32:  # ECQV needs a 256-bit issuer key
        linted = lint_certificate(replace(template, verification_key=None), ica)
        implicit, r = issue_implicit(linted, request_key.public_point, ica, ica_key)
    return Pki(root_key, root, ica_key, ica, ee_key, ee, request_key, implicit, r, template)


def forge_explicit(template: CertificateTemplate, issuer: Certificate | None, key: SoftwareKey) -> Certificate:
    """Sign `template` under `issuer` with `key`, skipping every lint rule (test-only)."""
    tbs: dict[str, Any] = template.tbs_value()
    signer_input = b"" if issuer is None else issuer.canonical_bytes
    digest = signing_digest(key.curve, encode("ToBeSignedCertificate", tbs), signer_input)
    if issuer is None:
        issuer_id = IssuerId(key.curve.hash_algorithm)
    else:
        issuer_id = IssuerId(issuer.hash_algorithm, issuer.hashed_id8())
    value = {
        "version": 3,
        "type": "explicit",
        "issuer": issuer_id.to_coer(),
        "toBeSigned": tbs,
        "signature": signature_to_coer(key.sign_digest(digest).to_x_only()),
    }
    return Certificate.from_bytes(encode("Certificate", value))
