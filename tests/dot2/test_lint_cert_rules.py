"""Each certificate lint rule: it passes a good tbs and catches the fault it is about (with its own error code)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from scms.crypto import Curve, Point, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import ErrorCode
from scms.dot2.lint import LintError, Severity
from scms.dot2.lint.certificate import LintedTbs, lint_certificate
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
