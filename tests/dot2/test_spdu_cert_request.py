"""Signed certificate requests (1609.2.1 `SignedCertificateRequest` in `signedCertificateRequest`; notes §3)."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from scms import asn1
from scms.crypto import Curve, SoftwareKey, signing_digest, verify_digest
from scms.dot2.curve_points import signature_from_coer, signature_to_coer, verification_key_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import (
    Ieee1609Dot2Data,
    SignerCertificate,
    SignerDigest,
    SignerSelf,
    requested_verification_key,
    sign_certificate_request,
    unsecured,
    verify_certificate_request,
)
from vectors import VECTORS_DIR, read_bytes

from ._spdu_fixtures import Holder, make_explicit, make_implicit


def _openscms_enrolment_request() -> dict[str, Any]:
    """The ScmsPdu (eca-ee eeEcaCertRequest) of the real OpenSCMS self-signed request, as a template."""
    spdu = read_bytes(VECTORS_DIR / "openscms" / "EeEcaCertRequestSpdu.dat")
    opaque = Ieee1609Dot2Data.from_bytes(spdu).expect("signedCertificateRequest")
    value: dict[str, Any] = asn1.decode("SignedCertificateRequest", opaque)["tbsRequest"]
    return value


def _request_for(key: SoftwareKey) -> bytes:
    pdu = copy.deepcopy(_openscms_enrolment_request())
    pdu["content"][1][1]["tbsCert"]["verifyKeyIndicator"] = (
        "verificationKey",
        verification_key_to_coer(key.public_point),
    )
    return asn1.encode("ScmsPdu", pdu)


@pytest.fixture(scope="module")
def eca() -> Holder:
    return make_explicit(name="eca.example", psids=())


def test_self_signed_with_the_requested_key() -> None:
    key = SoftwareKey.generate()
    tbs = _request_for(key)
    data = sign_certificate_request(tbs, key=key, signer=SignerSelf())
    assert data[:2] == b"\x03\x83"
    verified = verify_certificate_request(data)
    assert verified.tbs_request == tbs
    assert verified.signer.key == key.public_point
    assert verified.scms_pdu()["content"][1][0] == "eeEcaCertRequest"
    assert requested_verification_key(verified.scms_pdu()) == key.public_point


def test_self_signed_message_is_tbs_and_empty_signer_input() -> None:
    key = SoftwareKey.generate()
    tbs = _request_for(key)
    data = sign_certificate_request(tbs, key=key, signer=SignerSelf())
    request = asn1.decode("SignedCertificateRequest", Ieee1609Dot2Data.from_bytes(data).content)
    verify_digest(key.public_point, signing_digest(Curve.P256, tbs, b""), signature_from_coer(request["signature"]))
    assert request["hashAlgorithmId"] == "sha256"
    assert request["signer"] == ("self", None)


def test_self_signed_with_a_canonical_key() -> None:
    """With a canonicalId the request is signed by the canonical key, which the verifier supplies."""
    new_key, canonical = SoftwareKey.generate(), SoftwareKey.generate()
    data = sign_certificate_request(_request_for(new_key), key=canonical, signer=SignerSelf())
    with pytest.raises(Ieee1609Error) as info:
        verify_certificate_request(data)  # the requested key did not sign it
    assert info.value.error is ErrorCode.FAILED_SIGNATURE_VERIFICATION
    assert verify_certificate_request(data, public_key=canonical.public_point).signer.key == canonical.public_point


@pytest.mark.parametrize("form", ["digest", "certificate"])
@pytest.mark.parametrize("kind", ["explicit", "implicit"])
def test_signed_by_an_enrolment_certificate(eca: Holder, form: str, kind: str) -> None:
    enrolment = make_explicit(issuer=eca) if kind == "explicit" else make_implicit(issuer=eca)
    signer = SignerDigest(enrolment.certificate) if form == "digest" else SignerCertificate(enrolment.certificate)
    tbs = _request_for(SoftwareKey.generate())
    data = sign_certificate_request(tbs, key=enrolment.key, signer=signer)
    certificates = [eca.certificate] + ([enrolment.certificate] if form == "digest" else [])
    verified = verify_certificate_request(data, certificates=certificates)
    assert verified.tbs_request == tbs  # cut out of the request between hashAlgorithmId and a signer of any size
    assert verified.signer.certificate == enrolment.certificate
    assert verified.signer.key == enrolment.key.public_point


def test_unknown_enrolment_digest(eca: Holder) -> None:
    enrolment = make_explicit(issuer=eca)
    data = sign_certificate_request(
        _request_for(SoftwareKey.generate()), key=enrolment.key, signer=SignerDigest(enrolment.certificate)
    )
    with pytest.raises(Ieee1609Error, match="unknown signer digest") as info:
        verify_certificate_request(data, certificates=[eca.certificate])
    assert info.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION


def test_self_signed_implicit_request_needs_a_key() -> None:
    """An implicit-type request may name a reconstruction value, not a key: then `self` has nothing to check."""
    pdu = copy.deepcopy(_openscms_enrolment_request())
    point = SoftwareKey.generate().public_point
    pdu["content"][1][1]["tbsCert"]["verifyKeyIndicator"] = ("reconstructionValue", ("compressed-y-0", point.x_bytes()))
    assert requested_verification_key(pdu) is None
    data = sign_certificate_request(asn1.encode("ScmsPdu", pdu), key=SoftwareKey.generate(), signer=SignerSelf())
    with pytest.raises(Ieee1609Error) as info:
        verify_certificate_request(data)
    assert info.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION


def test_not_a_request_is_failed_parsing() -> None:
    with pytest.raises(Ieee1609Error) as info:
        verify_certificate_request(unsecured(b"x"))
    assert info.value.error is ErrorCode.FAILED_PARSING
    opaque_garbage = asn1.encode(
        "Ieee1609Dot2Data", {"protocolVersion": 3, "content": ("signedCertificateRequest", b"\x00\x01")}
    )
    with pytest.raises(Ieee1609Error) as info:
        verify_certificate_request(opaque_garbage)
    assert info.value.error is ErrorCode.FAILED_PARSING


def test_tbs_request_must_be_an_scms_pdu() -> None:
    with pytest.raises(Ieee1609Error):
        sign_certificate_request(b"\x02", key=SoftwareKey.generate(), signer=SignerSelf())


def test_real_request_with_unknown_eca() -> None:
    """DecryptedEeRaCertRequestSpdu.dat is signed by an implicit enrolment certificate whose ECA is not published:
    its key cannot be reconstructed, so the signer is unknown (400-40), never a false success."""
    data = read_bytes(VECTORS_DIR / "openscms" / "DecryptedEeRaCertRequestSpdu.dat")
    with pytest.raises(Ieee1609Error, match="implicit and its issuer is not given") as info:
        verify_certificate_request(data)
    assert info.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION


def test_request_signing_is_audited(caplog: pytest.LogCaptureFixture) -> None:
    key = SoftwareKey.generate()
    with caplog.at_level(logging.INFO, logger="scms.audit"):
        sign_certificate_request(_request_for(key), key=key, signer=SignerSelf())
    events = [record.audit for record in caplog.records if record.name == "scms.audit"]  # type: ignore[attr-defined]
    assert [(e["event"], e["type"], e["content"], e["signer"]) for e in events] == [
        ("spdu.sign.begin", "SignedCertificateRequest", "eeEcaCertRequest", "self"),
        ("spdu.sign.end", "SignedCertificateRequest", "eeEcaCertRequest", "self"),
    ]


@pytest.mark.parametrize("as_encoded", [False, True])
@pytest.mark.parametrize("form", ["self", "certificate"])
def test_signed_request_is_the_encoding_of_its_value(eca: Holder, form: str, as_encoded: bool) -> None:
    """The request is written around the tbsRequest bytes as they are: byte for byte the encoding of the
    SignedCertificateRequest value holding the decoded tbsRequest (what decoding and encoding it again gave)."""
    holder = make_explicit(issuer=eca)
    key = holder.key if form == "certificate" else SoftwareKey.generate()
    signer = SignerCertificate(holder.certificate) if form == "certificate" else SignerSelf()
    tbs = _request_for(key)
    data = sign_certificate_request(asn1.Encoded("ScmsPdu", tbs) if as_encoded else tbs, key=key, signer=signer)
    opaque = Ieee1609Dot2Data.from_bytes(data).expect("signedCertificateRequest")
    value = asn1.decode("SignedCertificateRequest", opaque)
    assert value["tbsRequest"] == asn1.decode("ScmsPdu", tbs)
    assert asn1.encode("SignedCertificateRequest", value) == opaque
    assert data == asn1.encode("Ieee1609Dot2Data", {"protocolVersion": 3, "content": ("signedCertificateRequest",
                                                                                        opaque)})
    verified = verify_certificate_request(data, certificates=[eca.certificate])
    assert verified.tbs_request == tbs
    assert verified.scms_pdu() == asn1.decode("ScmsPdu", tbs)


def test_encoded_tbs_request_must_be_an_scms_pdu() -> None:
    key = SoftwareKey.generate()
    with pytest.raises(ValueError, match="tbsRequest is an ScmsPdu"):
        sign_certificate_request(asn1.Encoded("Certificate", _request_for(key)), key=key, signer=SignerSelf())


def test_encoded_request_signing_is_audited(caplog: pytest.LogCaptureFixture) -> None:
    """An `Encoded` tbsRequest is decoded only to name its content in the audit events."""
    key = SoftwareKey.generate()
    with caplog.at_level(logging.INFO, logger="scms.audit"):
        sign_certificate_request(asn1.Encoded("ScmsPdu", _request_for(key)), key=key, signer=SignerSelf())
    events = [record.audit for record in caplog.records if record.name == "scms.audit"]  # type: ignore[attr-defined]
    assert [(e["event"], e["content"], e["signer"]) for e in events] == [
        ("spdu.sign.begin", "eeEcaCertRequest", "self"),
        ("spdu.sign.end", "eeEcaCertRequest", "self"),
    ]


def test_request_carrying_two_certificates(eca: Holder) -> None:
    """A signer of several carried certificates (the first signs): tbsRequest is still cut out exactly."""
    holder = make_explicit(issuer=eca)
    tbs = _request_for(SoftwareKey.generate())
    digest = signing_digest(Curve.P256, tbs, holder.certificate.canonical_bytes)
    signature = holder.key.sign_digest(digest).to_x_only()
    carried = [asn1.decode("Certificate", c.data) for c in (holder.certificate, eca.certificate)]
    opaque = asn1.encode("SignedCertificateRequest", {
        "hashAlgorithmId": "sha256", "tbsRequest": asn1.decode("ScmsPdu", tbs),
        "signer": ("certificate", carried), "signature": signature_to_coer(signature),
    })
    data = asn1.encode("Ieee1609Dot2Data", {"protocolVersion": 3, "content": ("signedCertificateRequest", opaque)})
    verified = verify_certificate_request(data)
    assert verified.tbs_request == tbs
    assert verified.signer.certificate == holder.certificate
