"""What the ACA refuses (a tampered, forged or inconsistent RaAcaCertRequestSpdu, pre-linkage values it cannot
use, certificates beyond its permissions) and what the RA refuses of an answer, each with its 1609.2.1 code; and
the certificates without butterfly keys."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from scms import asn1
from scms.crypto import ButterflyVariant, Curve, SoftwareKey, ecqv_e, ecqv_private_key
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import (
    CertificateId,
    CertificateType,
    LinkageData,
    PublicEncryptionKey,
    ValidityPeriod,
)
from scms.dot2.chain import verify_chain
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permissions import PsidGroupPermissions, PsidSspRange
from scms.dot2.spdu import SignerCertificate, SignerSelf, SymmetricEncryptionKey, sign_certificate_request
from scms.dot2.time import Time32
from scms.protocol.aca_issue import issue_certificate, issue_pseudonym, randomize_piece
from scms.protocol.aca_ra_response import open_aca_ra_response, sign_aca_ra_response
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.encrypted_plv import encrypt_plv
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_request import (
    LinkageInfo,
    RaAcaCertRequest,
    VerifiedRaAcaRequest,
    sign_ra_aca_request,
    verify_ra_aca_request,
)

from ._aca_fixtures import (
    I_CERT,
    IPERIODS,
    LA1,
    LA2,
    NOW,
    AcaPki,
    Party,
    make_aca,
    make_aca_pki,
    make_ra,
    make_root,
    open_ee_spdu,
    pseudonym_template,
)

CODE = ErrorCode


@pytest.fixture(scope="module")
def pki() -> AcaPki:
    return make_aca_pki()


def _linkage(pki: AcaPki, la1: int = LA1, la2: int = LA2) -> LinkageInfo:
    return LinkageInfo(encrypt_plv(os.urandom(9), la1, pki.plv_keys[la1]), encrypt_plv(os.urandom(9), la2,
                                                                                       pki.plv_keys[la2]))


def _request(pki: AcaPki, variant: ButterflyVariant = ButterflyVariant.UNIFIED, **changes: Any) -> RaAcaCertRequest:
    keys = ButterflyKeys.generate(variant)
    request = butterfly_request(
        keys.params(), I_CERT, 0, pseudonym_template(), _linkage(pki), CertificateType.IMPLICIT, NOW
    )
    return replace(request, **changes)


def _refused(code: ErrorCode, action: Callable[[], object]) -> None:
    with pytest.raises(Ieee1609Error) as error:
        action()
    assert error.value.error is code, str(error.value)


def _verify(pki: AcaPki, spdu: bytes, now: Time32 = NOW) -> VerifiedRaAcaRequest:
    return verify_ra_aca_request(spdu, now, check_ra=pki.check)


def _sign_value(pki: AcaPki, value: dict[str, Any], ra: Party | None = None) -> bytes:
    """Sign a RaAcaCertRequest value as it is, without the builder's checks (what a broken RA could send)."""
    signer = ra or pki.ra
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("aca-ra", ("raAcaCertRequest", value))})
    return sign_certificate_request(pdu, key=signer.key, signer=SignerCertificate(signer.cert))


# --- the request SPDU -----------------------------------------------------------------------------------------


def test_a_tampered_request_fails_its_signature(pki: AcaPki) -> None:
    request = _request(pki)
    spdu = sign_ra_aca_request(request, pki.ra.key, pki.ra.cert)
    assert request.linkage is not None
    inside_plv = spdu.index(request.linkage.enc_plv1.data) + 50  # ciphertext octets inside the signed tbsRequest
    for offset in (len(spdu) - 5, inside_plv):
        tampered = bytearray(spdu)
        tampered[offset] ^= 0x01
        _refused(CODE.FAILED_SIGNATURE_VERIFICATION, lambda t=bytes(tampered): _verify(pki, t))
    _refused(CODE.FAILED_PARSING, lambda: _verify(pki, spdu[:-1]))
    _refused(CODE.FAILED_PARSING, lambda: _verify(pki, b"\x03\x80\x01\x00"))


def test_an_ra_outside_the_trusted_hierarchy_is_refused(pki: AcaPki) -> None:
    foreign = make_ra(make_root("other-root.aca-test"))
    spdu = sign_ra_aca_request(_request(pki), foreign.key, foreign.cert)
    _refused(CODE.FAILED_CHAIN_VERIFICATION, lambda: _verify(pki, spdu))


def test_the_signer_must_be_an_ra_certificate(pki: AcaPki) -> None:
    value = _request(pki).to_coer()
    _refused(CODE.FAILED_CHAIN_VERIFICATION, lambda: _verify(pki, _sign_value(pki, value, pki.aca)))
    attacker = SoftwareKey.generate()
    for request in (_request(pki), RaAcaCertRequest(NOW, CertificateType.EXPLICIT, pseudonym_template(),
                                                     attacker.public_point, linkage=_linkage(pki))):
        pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("aca-ra", ("raAcaCertRequest", request.to_coer()))})
        self_signed = sign_certificate_request(pdu, key=attacker, signer=SignerSelf())
        _refused(CODE.FAILED_CHAIN_VERIFICATION, lambda s=self_signed: _verify(pki, s))
    with pytest.raises(ValueError, match="not an RA"):
        sign_ra_aca_request(_request(pki), pki.aca.key, pki.aca.cert)
    with pytest.raises(ValueError, match="does not belong"):
        sign_ra_aca_request(_request(pki), pki.aca.key, pki.ra.cert)


def test_the_request_carries_a_dummy_linkage_value_and_the_request_key(pki: AcaPki) -> None:
    """Whatever linkage value or key the template holds, the RA writes the dummy value and the request key."""
    request = _request(pki)
    assert request.template.id.linkage is not None
    real_id = CertificateId.linkage_data(LinkageData(request.template.id.linkage.i_cert, bytes(range(9))))
    written = request.to_coer()
    assert written["tbsCert"]["id"] == ("linkageData", {"iCert": I_CERT, "linkage-value": bytes(9)})
    for template in (replace(request.template, id=real_id),
                     replace(request.template, verification_key=SoftwareKey.generate().public_point)):
        assert replace(request, template=template).to_coer() == written
    verified = _verify(pki, sign_ra_aca_request(replace(request, template=template), pki.ra.key, pki.ra.cert))
    assert verified.request == request


def test_generation_time_in_the_future(pki: AcaPki) -> None:
    spdu = sign_ra_aca_request(_request(pki, generation_time=Time32(NOW + 60)), pki.ra.key, pki.ra.cert)
    _refused(CODE.GENERATION_TIME_IN_FUTURE, lambda: _verify(pki, spdu))
    assert _verify(pki, spdu, Time32(NOW + 60)).request.generation_time == NOW + 60


def test_the_ra_may_request_only_its_psids(pki: AcaPki) -> None:
    narrow = make_ra(pki.root, (PsidSspRange(32),), "ra-32.aca-test")
    spdu = sign_ra_aca_request(_request(pki), narrow.key, narrow.cert)
    _refused(CODE.DISALLOWED_APP_PERMISSIONS, lambda: _verify(pki, spdu))


@pytest.mark.parametrize(
    ("code", "change"),
    [
        (CODE.INVALID_VERIFY_KEY_INDICATOR, lambda v: v.update(type="explicit")),  # explicit with reconstructionValue
        (CODE.DISALLOWED_CERTIFICATE_TYPE, lambda v: v.update(flags=(b"\x80", 8))),  # butterflyExplicit, implicit
        (CODE.DISALLOWED_OTHER_FIELDS, lambda v: v.update(flags=(b"\x20", 8))),  # an unknown flag
        (CODE.DISALLOWED_OTHER_FIELDS, lambda v: v.update(flags=(b"\x40", 8))),  # cubk with certEncKey
        (CODE.DISALLOWED_OTHER_FIELDS, lambda v: v.pop("linkageInfo")),  # linkageData id without linkageInfo
        (CODE.FAILED_PARSING, lambda v: v["tbsCert"].pop("appPermissions")),
        (CODE.FAILED_PARSING, lambda v: v["tbsCert"].update(certIssuePermissions=[PsidGroupPermissions().to_coer()])),
        (CODE.INVALID_VERIFY_KEY_INDICATOR, lambda v: v["tbsCert"].update(
            verifyKeyIndicator=("reconstructionValue", ("compressed-y-0", b"\xff" * 32)))),
        (CODE.FAILED_PARSING, lambda v: v["certEncKey"].update(publicKey=("eciesNistP256", ("x-only", bytes(32))))),
    ],
    ids=["type-key", "explicit-flag", "unknown-flag", "cubk-enc-key", "linkage", "app", "issue", "bad-point",
         "bad-enc-key"],
)
def test_inconsistent_requests_are_refused(pki: AcaPki, code: ErrorCode, change: Callable[[Any], object]) -> None:
    value = _request(pki).to_coer()
    change(value)
    _refused(code, lambda: _verify(pki, _sign_value(pki, value)))


def test_the_builder_refuses_what_the_aca_would(pki: AcaPki) -> None:
    with pytest.raises(ValueError, match="butterflyExplicit"):
        _request(pki, butterfly_explicit=True)
    with pytest.raises(ValueError, match="cubk"):
        _request(pki, cubk=True)
    with pytest.raises(ValueError, match="linkageInfo"):
        _request(pki, linkage=None)
    with pytest.raises(ValueError, match="P-256"):
        _request(pki, request_key=SoftwareKey.generate(Curve.P384).public_point)


# --- what the ACA does with a verified request ------------------------------------------------------------------


def test_pre_linkage_values_the_aca_cannot_use(pki: AcaPki) -> None:
    aca = pki.issuer()
    cases = [
        (CODE.DISALLOWED_OTHER_FIELDS, _linkage(pki, LA1, LA1)),  # one LA twice: no unlinkability
        (CODE.FAILED_DECRYPTION, LinkageInfo(encrypt_plv(os.urandom(9), LA1, SymmetricEncryptionKey(bytes(16))),
                                             _linkage(pki).enc_plv2)),  # not the key LA1 shares with the ACA
        (CODE.FAILED_DECRYPTION, LinkageInfo(encrypt_plv(os.urandom(9), 0x0001, SymmetricEncryptionKey(bytes(16))),
                                             _linkage(pki).enc_plv2)),  # an LA the ACA knows nothing of
    ]
    for code, linkage in cases:
        spdu = sign_ra_aca_request(_request(pki, linkage=linkage), pki.ra.key, pki.ra.cert)
        verified = _verify(pki, spdu)
        _refused(code, lambda v=verified: issue_pseudonym(v, aca, NOW))


def test_keys_that_cannot_serve_their_purpose(pki: AcaPki) -> None:
    """A butterfly cocoon key and a cubk response key are 256-bit points (privateKeyInfo is 32 octets, ECIES runs
    on 256-bit curves): a P-384 key passes the request checks but not the ACA's."""
    p384 = SoftwareKey.generate(Curve.P384).public_point
    template = pseudonym_template()
    for butterfly, cubk in ((True, False), (False, True)):
        request = RaAcaCertRequest(NOW, CertificateType.EXPLICIT, template, p384, butterfly_explicit=butterfly,
                                   cubk=cubk, linkage=_linkage(pki))
        verified = _verify(pki, sign_ra_aca_request(request, pki.ra.key, pki.ra.cert))
        _refused(CODE.INVALID_VERIFY_KEY_INDICATOR, lambda v=verified: issue_certificate(v, pki.issuer(cubk=True), NOW))


def test_cubk_needs_an_aca_certificate_with_uses_cubk(pki: AcaPki) -> None:
    spdu = sign_ra_aca_request(_request(pki, ButterflyVariant.COMPACT_UNIFIED), pki.ra.key, pki.ra.cert)
    verified = _verify(pki, spdu)
    _refused(CODE.DISALLOWED_OTHER_FIELDS, lambda: issue_pseudonym(verified, pki.issuer(), NOW))
    assert open_aca_ra_response(issue_pseudonym(verified, pki.issuer(cubk=True), NOW), NOW, check_aca=pki.check)


def test_the_aca_issues_only_within_its_own_permissions(pki: AcaPki) -> None:
    aca = make_aca(pki.root, psids=(PsidSspRange(32),))
    issuer = replace(pki.issuer(), key=aca.key, certificate=aca.cert)
    verified = _verify(pki, sign_ra_aca_request(_request(pki), pki.ra.key, pki.ra.cert))
    _refused(CODE.DISALLOWED_APP_PERMISSIONS, lambda: issue_certificate(verified, issuer, NOW))
    late = pseudonym_template(I_CERT, (32,))
    late = replace(late, validity=ValidityPeriod(Time32(IPERIODS.start(I_CERT) + 10 * 365 * 86_400), "hours", 1))
    verified = _verify(pki, sign_ra_aca_request(_request(pki, template=replace(
        late, id=_request(pki).template.id)), pki.ra.key, pki.ra.cert))
    _refused(CODE.DISALLOWED_VALIDITY_PERIOD, lambda: issue_certificate(verified, pki.issuer(), NOW))


def test_a_pseudonym_request_is_butterfly_with_linkage(pki: AcaPki) -> None:
    plain = RaAcaCertRequest(NOW, CertificateType.IMPLICIT, replace(pseudonym_template(), id=CertificateId.none()),
                             SoftwareKey.generate().public_point)
    verified = _verify(pki, sign_ra_aca_request(plain, pki.ra.key, pki.ra.cert))
    _refused(CODE.DISALLOWED_OTHER_FIELDS, lambda: issue_pseudonym(verified, pki.issuer(), NOW))


# --- the RA's view of the answer ---------------------------------------------------------------------------------


def test_the_ra_checks_the_answer(pki: AcaPki) -> None:
    verified = _verify(pki, sign_ra_aca_request(_request(pki), pki.ra.key, pki.ra.cert))
    answer = issue_pseudonym(verified, pki.issuer(), NOW)
    tampered = bytearray(answer)
    tampered[-3] ^= 0x01
    _refused(CODE.FAILED_SIGNATURE_VERIFICATION, lambda: open_aca_ra_response(bytes(tampered), NOW,
                                                                              check_aca=pki.check))
    by_ra = sign_aca_ra_response(verified.request_hash, "plain", b"\x03\x80\x00", pki.ra.key, pki.ra.cert, NOW)
    _refused(CODE.FAILED_CHAIN_VERIFICATION, lambda: open_aca_ra_response(by_ra, NOW, check_aca=pki.check))
    other_root = make_root("other-root.aca-test")
    _refused(CODE.FAILED_CHAIN_VERIFICATION, lambda: open_aca_ra_response(
        answer, NOW, check_aca=lambda cert, now: verify_chain(cert, [], [other_root.cert], now)))
    _refused(CODE.GENERATION_TIME_IN_FUTURE, lambda: open_aca_ra_response(
        sign_aca_ra_response(verified.request_hash, "plain", b"\x03\x80\x00", pki.aca.key, pki.aca.cert,
                             Time32(NOW + 5)), Time32(NOW + 4), check_aca=pki.check))


# --- without butterfly keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize("cert_type", [CertificateType.EXPLICIT, CertificateType.IMPLICIT], ids=lambda t: t.value)
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_application_certificates_without_butterfly_keys(
    pki: AcaPki, cert_type: CertificateType, encrypted: bool
) -> None:
    """An RSU's application certificate: the EE's own key (explicit: certified as is; implicit: ECQV request key),
    answered plain, or encrypted to additionalParams.encryptionKey and signed."""
    ee_key, response_key = SoftwareKey.generate(), SoftwareKey.generate()
    template = replace(pseudonym_template(), id=CertificateId.named("rsu-17.aca-test"))
    request = RaAcaCertRequest(
        NOW, cert_type, template, ee_key.public_point,
        cert_enc_key=PublicEncryptionKey(response_key.public_point) if encrypted else None,
    )
    verified = _verify(pki, sign_ra_aca_request(request, pki.ra.key, pki.ra.cert))
    [drawn] = randomize_piece([verified])  # the worker's way: nothing to draw for the EE's own explicit key
    assert (drawn.key is None) == (cert_type is CertificateType.EXPLICIT)
    assert (drawn.response is None) == (not encrypted) and "[secure]" in repr(drawn)
    answer = open_aca_ra_response(issue_certificate(verified, pki.issuer(), NOW, drawn), NOW, check_aca=pki.check)
    assert answer.kind == ("private" if encrypted else "plain")
    response = open_ee_spdu(answer.ee_spdu, answer.kind, response_key, pki.aca.cert)
    cert = Certificate.from_bytes(response["certificate"])
    assert cert.id == CertificateId.named("rsu-17.aca-test")
    if cert_type is CertificateType.EXPLICIT:
        assert "privateKeyInfo" not in response and cert.verification_key == ee_key.public_point
    else:
        e = ecqv_e(cert.tbs_bytes(), pki.aca.cert.canonical_bytes)
        reconstruction = cert.reconstruction_value()
        assert reconstruction is not None
        key = ecqv_private_key(ee_key, e, response["privateKeyInfo"], reconstruction, pki.aca.cert.public_key())
        assert key.public_point == cert.public_key(pki.aca.cert)
    assert (response["certificate"] in answer.ee_spdu) is not encrypted
