"""Each certificate lint rule: it passes a good tbs and catches the fault it is about (with its own error code)."""

from __future__ import annotations

import ast
import importlib
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from scms.crypto import Curve, Point, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateId, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import ErrorCode
from scms.dot2.lint import LintError, Rule, Severity
from scms.dot2.lint.certificate import CERTIFICATE_RULES, PROFILE_FIELDS, LintedTbs, lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp, SspRange
from scms.dot2.region import CircularRegion, TwoDLocation

from ._cert_fixtures import EE_START, Pki, make_pki, root_template


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


def _fails(tbs: CertificateTemplate | dict[str, Any], issuer: Certificate | None, rule: str, code: ErrorCode) -> str:
    with pytest.raises(LintError) as err:
        lint_certificate(tbs, issuer)
    findings = [f for f in err.value.findings if f.rule == rule]
    assert findings, f"{rule} did not fire: {err.value}"
    assert findings[0].code is code and err.value.error is err.value.findings[0].code
    return findings[0].message


def test_good_certificates_lint_clean(pki: Pki) -> None:
    assert isinstance(lint_certificate(root_template(pki.root_key), None), LintedTbs)
    linted = lint_certificate(pki.ee_template, pki.ica)
    assert linted.warnings == () and linted.issuer == pki.ica and not linted.is_implicit
    assert linted.tbs == pki.ee_template.tbs_value()


def _uncompressed(point: Point) -> tuple[str, dict[str, bytes]]:
    return ("uncompressedP256", {"x": point.x_bytes(), "y": point.y.to_bytes(32)})


def test_cert_points_compressed(pki: Pki) -> None:
    tbs = pki.ee_template.tbs_value()
    tbs["verifyKeyIndicator"] = ("verificationKey", ("ecdsaNistP256", _uncompressed(pki.ee_key.public_point)))
    message = _fails(tbs, pki.ica, "cert_points_compressed", ErrorCode.INVALID_VERIFY_KEY_INDICATOR)
    assert "uncompressedP256" in message
    tbs = pki.ee_template.tbs_value()
    tbs["encryptionKey"] = {
        "supportedSymmAlg": "aes128Ccm",
        "publicKey": ("eciesNistP256", _uncompressed(pki.ee_key.public_point)),
    }
    assert "encryptionKey" in _fails(tbs, pki.ica, "cert_points_compressed", ErrorCode.INVALID_VERIFY_KEY_INDICATOR)
    # The same tbs with compressed points passes: the exact received value is what would be signed.
    assert lint_certificate(pki.ee_template.tbs_value(), pki.ica).tbs == pki.ee_template.tbs_value()


def test_cert_has_permissions(pki: Pki) -> None:
    bare = replace(pki.ee_template, app_permissions=())
    _fails(bare, pki.ica, "cert_has_permissions", ErrorCode.DISALLOWED_OTHER_FIELDS)


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"app_permissions": (PsidSsp(32), PsidSsp(32, Ssp(b"\x01")))}, "psid 32 more than once"),
        ({"cert_issue_permissions": (PsidGroupPermissions(), PsidGroupPermissions())}, "more than one `all`"),
        ({"cert_issue_permissions": (PsidGroupPermissions(None, 0, 0),)}, "minChainLength 0"),
        ({"cert_issue_permissions": (PsidGroupPermissions(None, 1, -2),)}, "chainLengthRange -2"),
        ({"cert_issue_permissions": (PsidGroupPermissions(None, 1, 0, app=False),)}, "eeType has no bit"),
        (
            {
                "cert_request_permissions": (
                    PsidGroupPermissions((PsidSspRange(32, SspRange(bitmap_value=b"\x01", bitmap_mask=b"\x01\x00")),)),
                )
            },
            "differ in length",
        ),
    ],
)
def test_cert_permissions_well_formed(pki: Pki, change: dict[str, Any], text: str) -> None:
    template = replace(root_template(pki.root_key), **change)
    assert text in _fails(template, None, "cert_permissions_well_formed", ErrorCode.DISALLOWED_OTHER_FIELDS)


def test_cert_implicit_issuer(pki: Pki) -> None:
    implicit = replace(pki.ee_template, verification_key=None)
    assert "self-signed" in _fails(implicit, None, "cert_implicit_issuer", ErrorCode.DISALLOWED_CERTIFICATE_TYPE)
    assert pki.implicit is not None
    message = _fails(implicit, pki.implicit, "cert_implicit_issuer", ErrorCode.DISALLOWED_CERTIFICATE_TYPE)
    assert "explicit" in message
    p384 = make_pki(Curve.P384)
    assert "256-bit" in _fails(implicit, p384.ica, "cert_implicit_issuer", ErrorCode.DISALLOWED_CERTIFICATE_TYPE)
    assert lint_certificate(implicit, pki.ica).is_implicit


def test_cert_issuer_can_issue(pki: Pki) -> None:
    message = _fails(pki.ee_template, pki.ee, "cert_issuer_can_issue", ErrorCode.DISALLOWED_OTHER_FIELDS)
    assert str(pki.ee.hashed_id8()) in message


def test_cert_encryption_key(pki: Pki) -> None:
    key = PublicEncryptionKey(SoftwareKey.generate().public_point, "sm4Ccm")
    template = replace(pki.ee_template, encryption_key=key)
    assert "sm4Ccm" in _fails(template, pki.ica, "cert_encryption_key", ErrorCode.DISALLOWED_OTHER_FIELDS)
    with pytest.raises(ValueError, match="ECIES"):
        PublicEncryptionKey(SoftwareKey.generate(Curve.P384).public_point)


def test_cert_validity_within_issuer(pki: Pki) -> None:
    too_long = replace(pki.ee_template, validity=ValidityPeriod.years(EE_START, 20))
    _fails(too_long, pki.ica, "cert_validity_within_issuer", ErrorCode.DISALLOWED_VALIDITY_PERIOD)
    empty = replace(pki.ee_template, validity=ValidityPeriod.hours(EE_START, 0))
    assert "zero" in _fails(empty, pki.ica, "cert_validity_within_issuer", ErrorCode.DISALLOWED_VALIDITY_PERIOD)


def test_cert_region_within_issuer(pki: Pki) -> None:
    paris = CircularRegion(TwoDLocation(488_566_000, 23_522_000), 5_000)
    _fails(replace(pki.ee_template, region=paris), pki.ica, "cert_region_within_issuer", ErrorCode.DISALLOWED_REGION)


def test_cert_app_permissions_within_issuer(pki: Pki) -> None:
    template = replace(pki.ee_template, app_permissions=(PsidSsp(36),))
    rule, code = "cert_app_permissions_within_issuer", ErrorCode.DISALLOWED_APP_PERMISSIONS
    assert "psid 36" in _fails(template, pki.ica, rule, code)


def test_cert_issue_permissions_within_issuer(pki: Pki) -> None:
    template = replace(pki.ee_template, cert_issue_permissions=(PsidGroupPermissions(),))
    _fails(template, pki.ica, "cert_issue_permissions_within_issuer", ErrorCode.DISALLOWED_OTHER_FIELDS)


def test_cert_request_permissions_within_issuer(pki: Pki) -> None:
    template = replace(pki.ee_template, cert_request_permissions=(PsidGroupPermissions((PsidSspRange(32),)),))
    rule, code = "cert_request_permissions_within_issuer", ErrorCode.DISALLOWED_CERT_REQUEST_PERMISSIONS
    assert "certRequestPermissions psid 32" in _fails(template, pki.ica, rule, code)


def test_cert_crl_fields_warns(pki: Pki) -> None:
    def warnings(template: CertificateTemplate, issuer: Certificate | None) -> list[str]:
        linted = lint_certificate(template, issuer)
        assert all(w.severity is Severity.WARNING for w in linted.warnings)
        return [w.message for w in linted.warnings if w.rule == "cert_crl_fields"]

    assert warnings(pki.ee_template, pki.ica) == []
    assert warnings(replace(pki.ee_template, craca_id=pki.ica.craca_id), pki.ica) == []  # the issuer's CRACA
    assert "000000" in warnings(replace(pki.ee_template, craca_id=b"\x00\x00\x00"), pki.ica)[0]
    assert "neither" in warnings(replace(pki.ee_template, craca_id=b"\x01\x02\x03"), pki.ica)[0]
    assert "expected 000000" in warnings(replace(root_template(pki.root_key), craca_id=b"\x01\x02\x03"), None)[0]


def _template_fields_read(rule_module: str) -> set[str]:
    """The template fields a rule module reads (`ctx.template.x`, or `t.x` after `t = ctx.template`), and "tbs"
    if it reads `ctx.tbs`."""
    tree = ast.parse(Path(importlib.import_module(rule_module).__file__ or "").read_text())
    nodes = list(ast.walk(tree))
    aliases = {
        target.id
        for node in nodes
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and node.value.attr == "template"
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    read = {"tbs"} if any(isinstance(n, ast.Attribute) and n.attr == "tbs" for n in nodes) else set()
    for node in nodes:
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if (isinstance(owner, ast.Attribute) and owner.attr == "template") or (
            isinstance(owner, ast.Name) and owner.id in aliases
        ):
            read.add(node.attr)
    return read


@pytest.mark.parametrize("rule", CERTIFICATE_RULES, ids=lambda rule: rule.name)
def test_rule_reads_declare_every_template_field_the_check_reads(rule: Rule[Any]) -> None:
    # The lint memo trusts `reads`: a field a profile rule read but did not declare could change unnoticed.
    read = _template_fields_read(f"scms.dot2.lint.{rule.name}")
    if rule.reads is None:
        assert "tbs" in read  # only a rule on the exact tbs value is left undeclared (run for every certificate)
    else:
        assert read <= rule.reads


def test_profile_findings_are_remembered_but_every_certificate_is_still_refused(pki: Pki) -> None:
    # Many certificates of one profile: the profile rules run once, the rest for each certificate.
    for serial in range(3):
        template = replace(pki.ee_template, id=CertificateId.binary_id(bytes([serial])))
        assert lint_certificate(template, pki.ica).template == template
    # A profile fault after clean certificates of a neighbouring profile: refused, every time, same findings.
    wrong = replace(pki.ee_template, app_permissions=(PsidSsp(36),))
    first = _fails(wrong, pki.ica, "cert_app_permissions_within_issuer", ErrorCode.DISALLOWED_APP_PERMISSIONS)
    again = _fails(wrong, pki.ica, "cert_app_permissions_within_issuer", ErrorCode.DISALLOWED_APP_PERMISSIONS)
    assert first == again
    # A per-certificate fault in a profile whose findings are remembered clean: still refused.
    too_long = replace(pki.ee_template, validity=ValidityPeriod.years(EE_START, 20))
    _fails(too_long, pki.ica, "cert_validity_within_issuer", ErrorCode.DISALLOWED_VALIDITY_PERIOD)
    # The same profile under an issuer that may not issue: the issuer is part of what is remembered.
    _fails(pki.ee_template, pki.ee, "cert_issuer_can_issue", ErrorCode.DISALLOWED_OTHER_FIELDS)
    # A remembered profile fault and a per-certificate fault: both found, in the order of the rules, each time.
    both = replace(wrong, validity=too_long.validity)
    for _ in range(2):
        with pytest.raises(LintError) as err:
            lint_certificate(both, pki.ica)
        order = [rule.name for rule in CERTIFICATE_RULES]
        assert [f.rule for f in err.value.findings] == sorted(
            ["cert_validity_within_issuer", "cert_app_permissions_within_issuer"], key=order.index
        )
        assert err.value.error is ErrorCode.DISALLOWED_VALIDITY_PERIOD  # the first rule's code


def test_profile_fields_are_template_fields() -> None:
    names = {f.name for f in fields(CertificateTemplate)} | {"is_implicit"}
    assert set(PROFILE_FIELDS) <= names
    assert not {"id", "validity", "verification_key", "craca_id", "crl_series"} & set(PROFILE_FIELDS)
