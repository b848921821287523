"""Building certificates: self-signed roots, CA certificates, implicit (ECQV) certificates; lint-before-sign; audit."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from scms.crypto import Curve, HashAlgorithm, SoftwareKey, ecqv_begin_many, ecqv_e, ecqv_private_key
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import ImplicitIssuance, issue_implicit, sign_explicit
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint._token import LINTER_TOKEN
from scms.dot2.lint.certificate import CertificateLintContext, LintedTbs, lint_certificate

from ._cert_fixtures import Pki, make_pki, root_template


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.mark.parametrize("curve", [Curve.P256, Curve.BRAINPOOL_P256R1, Curve.P384], ids=lambda c: c.name)
def test_explicit_chain_signatures_verify(curve: Curve) -> None:
    pki = make_pki(curve)
    pki.root.verify_signature()
    pki.ica.verify_signature(pki.root)
    pki.ee.verify_signature(pki.ica)
    for cert in pki.chain:
        assert cert.is_canonical
        assert cert.value["signature"][1]["rSig"][0] == "x-only"
    expected = HashAlgorithm.SHA384 if curve.size == 48 else HashAlgorithm.SHA256
    assert pki.root.issuer.is_self and pki.root.issuer.hash_algorithm is expected
    assert pki.ee.issuer.hash_algorithm is expected and pki.ee.issuer.digest == pki.ica.hashed_id8()
    assert pki.ica.hash_algorithm is expected
    assert pki.ee.public_key() == pki.ee_key.public_point


@pytest.mark.parametrize("begun_ahead", [False, True], ids=["begun-here", "begun-with-a-piece"])
def test_implicit_certificate_keys_agree(pki: Pki, begun_ahead: bool) -> None:
    cert, r = pki.implicit, pki.implicit_r
    if begun_ahead:  # the ACA's way: the ECQV issuances of a piece begun together (one shared inversion)
        others, issuance = ecqv_begin_many([SoftwareKey.generate().public_point, pki.request_key.public_point])
        linted = lint_certificate(replace(pki.ee_template, verification_key=None), pki.ica)
        cert, r = issue_implicit(linted, pki.request_key.public_point, pki.ica, pki.ica_key, issuance=issuance)
        assert cert.reconstruction_value() == issuance.reconstruction_point
        with pytest.raises(ValueError, match="another request point"):
            issue_implicit(linted, pki.request_key.public_point, pki.ica, pki.ica_key, issuance=others)
    assert cert is not None and cert.is_implicit and cert.signature is None
    assert cert.issuer.digest == pki.ica.hashed_id8()
    p_u = cert.reconstruction_value()
    assert p_u is not None
    e = ecqv_e(cert.tbs_bytes(), pki.ica.canonical_bytes)
    private = ecqv_private_key(pki.request_key, e, r, p_u, pki.ica_key.public_point)
    assert private.public_point == cert.public_key(pki.ica)
    assert len(r) == 32


def test_template_round_trips_through_a_certificate(pki: Pki) -> None:
    assert CertificateTemplate.from_tbs_value(pki.ee.tbs) == pki.ee_template
    assert CertificateTemplate.from_tbs_value(pki.ee.tbs).tbs_value() == pki.ee_template.tbs_value()


def test_only_a_linted_tbs_is_signed(pki: Pki) -> None:
    with pytest.raises(TypeError, match="LintedTbs"):
        sign_explicit(pki.ee_template.tbs_value(), pki.ica, pki.ica_key)  # type: ignore[arg-type]
    context = CertificateLintContext(pki.ee_template, pki.ee_template.tbs_value(), pki.ica)
    with pytest.raises(TypeError, match="only by its linter"):
        LintedTbs(object(), context)
    assert isinstance(LintedTbs(LINTER_TOKEN, context), LintedTbs)  # the token is what makes it


def test_signer_and_issuer_must_match(pki: Pki) -> None:
    linted = lint_certificate(pki.ee_template, pki.ica)
    with pytest.raises(ValueError, match="issuer"):
        sign_explicit(linted, pki.ica, pki.root_key)
    with pytest.raises(ValueError, match="another issuer"):
        sign_explicit(linted, pki.root, pki.root_key)
    root_linted = lint_certificate(root_template(pki.root_key), None)
    with pytest.raises(ValueError, match="self-signed"):
        sign_explicit(root_linted, None, pki.ica_key)
    implicit = lint_certificate(replace(pki.ee_template, verification_key=None), pki.ica)
    with pytest.raises(ValueError):
        sign_explicit(implicit, pki.ica, pki.ica_key)
    with pytest.raises(ValueError):
        issue_implicit(linted, pki.request_key.public_point, pki.ica, pki.ica_key)
    with pytest.raises(ValueError, match="CA key"):
        issue_implicit(implicit, pki.request_key.public_point, pki.ica, pki.root_key)


def test_signing_is_audited_without_keys(pki: Pki, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="scms.audit")
    cert = sign_explicit(lint_certificate(pki.ee_template, pki.ica), pki.ica, pki.ica_key, profile="test-ee")
    issued = issue_implicit(
        lint_certificate(replace(pki.ee_template, verification_key=None), pki.ica),
        pki.request_key.public_point,
        pki.ica,
        pki.ica_key,
        profile="test-implicit",
    )
    events = [r.audit["event"] for r in caplog.records if hasattr(r, "audit")]  # type: ignore[attr-defined]
    assert events == [
        "certificate.sign.begin",
        "certificate.sign.end",
        "certificate.issue.begin",
        "certificate.issue.end",
    ]
    end = next(r for r in caplog.records if getattr(r, "audit", {}).get("event") == "certificate.sign.end")
    assert end.audit == {  # type: ignore[attr-defined]
        "event": "certificate.sign.end",
        "type": "explicit",
        "issuer": str(pki.ica.hashed_id8()),
        "profile": "test-ee",
        "subject": str(cert.hashed_id8()),
    }
    text = " ".join(str(r.__dict__) for r in caplog.records)
    assert issued.reconstruction_value_r.hex() not in text
    assert "[secure]" in repr(issued) and issued.reconstruction_value_r.hex() not in repr(issued)


def test_each_implicit_issuance_uses_fresh_randomness(pki: Pki) -> None:
    linted = lint_certificate(replace(pki.ee_template, verification_key=None), pki.ica)
    first = issue_implicit(linted, pki.request_key.public_point, pki.ica, pki.ica_key)
    second = issue_implicit(linted, pki.request_key.public_point, pki.ica, pki.ica_key)
    assert isinstance(first, ImplicitIssuance)
    assert first.certificate.reconstruction_value() != second.certificate.reconstruction_value()
    assert first.certificate.public_key(pki.ica) != second.certificate.public_key(pki.ica)


def test_p384_issuer_cannot_issue_implicit() -> None:
    pki = make_pki(Curve.P384)
    request = SoftwareKey.generate(Curve.P256)
    with pytest.raises(Exception, match="256-bit"):
        lint_certificate(replace(pki.ee_template, verification_key=None), pki.ica)
    assert pki.implicit is None and request.curve is Curve.P256


def test_implicit_key_reconstruction_in_a_new_view_gives_the_same_key(pki: Pki) -> None:
    """The reconstructed key is remembered across views of the same bytes (an RA sees a device's enrollment
    certificate anew on every request); still the key of the EE's reconstructed private key."""
    assert pki.implicit is not None
    views = [Certificate.from_bytes(pki.implicit.data) for _ in range(2)]
    p_u = views[0].reconstruction_value()
    assert p_u is not None
    e = ecqv_e(views[0].tbs_bytes(), pki.ica.canonical_bytes)
    private = ecqv_private_key(pki.request_key, e, pki.implicit_r, p_u, pki.ica_key.public_point)
    assert [view.public_key(pki.ica) for view in views] == [private.public_point] * 2
