"""Enrollment (1609.2.1 clause 6.3.4.2): EE -> ECA -> EE round trips with real certificates, every error the two
sides raise, and the OpenSCMS enrollment requests read by the ECA side."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from scms import asn1
from scms.crypto import Curve, HashedId8, Point, SoftwareKey
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateType, ValidityPeriod
from scms.dot2.errors import Ieee1609Error
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidSsp
from scms.dot2.spdu import SignerCertificate, SignerSelf, sign_certificate_request, verify_signed
from scms.dot2.time import Time32
from scms.protocol._signed_pdu import sign_pdu
from scms.protocol.ee_eca import (
    CanonicalIdentity,
    build_enrollment_request,
    build_enrollment_response,
    open_enrollment_request,
    parse_enrollment_request,
    read_enrollment_response,
)
from vectors import VECTORS_DIR, read_bytes

from ._ee_fixtures import NOW, EePki, check_time_rules, code, enrollment_fields, issue_enrollment, make_ee_pki

LATER = Time32(NOW + 30)


@pytest.fixture(scope="module")
def pki() -> EePki:
    return make_ee_pki()


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
def test_enrollment_round_trip(pki: EePki, kind: CertificateType) -> None:
    key = SoftwareKey.generate()
    request = build_enrollment_request(enrollment_fields(), key, NOW, certificate_type=kind)

    parsed = parse_enrollment_request(request, LATER, 60)
    assert parsed.certificate_type is kind
    assert parsed.requested_key == key.public_point
    assert parsed.canonical_id is None
    assert parsed.generation_time == NOW
    assert parsed.request_hash == HashedId8.of(request)
    assert parsed.tbs.cert_request_permissions == enrollment_fields().cert_request_permissions
    assert parsed.tbs.validity == enrollment_fields().validity

    response = issue_enrollment(pki, parsed, LATER)
    result = read_enrollment_response(response, request, key, pki.anchors, LATER)
    assert result.certificate.type is kind
    assert result.certificate.issuer.digest == pki.eca.cert.hashed_id8()
    assert result.eca_chain == pki.eca_chain
    assert result.generation_time == LATER
    # the private key is the one the certificate certifies: explicit = the request key, implicit = ECQV
    assert result.private_key.public_point == result.certificate.public_key(pki.eca.cert)
    if kind is CertificateType.EXPLICIT:
        assert result.private_key is key
    else:
        assert result.private_key.public_point != key.public_point


def test_canonical_key_signs_and_the_lookup_finds_it(pki: EePki) -> None:
    canonical = CanonicalIdentity("device-0001", SoftwareKey.generate())
    key = SoftwareKey.generate()
    request = build_enrollment_request(enrollment_fields(), key, NOW, canonical=canonical)
    asked: list[str] = []

    def lookup(canonical_id: str) -> Point:
        asked.append(canonical_id)
        return canonical.key.public_point

    parsed = parse_enrollment_request(request, LATER, 60, canonical_key=lookup)
    assert asked == ["device-0001"]
    assert parsed.canonical_id == "device-0001"
    assert parsed.requested_key == key.public_point  # the canonical key signs; the new key is certified
    result = read_enrollment_response(issue_enrollment(pki, parsed, LATER), request, key, pki.anchors, LATER)
    assert result.private_key.public_point == result.certificate.public_key(pki.eca.cert)
    assert "secure" in repr(canonical) and "device-0001" in repr(canonical)


def test_canonical_request_with_the_wrong_key_or_no_registry() -> None:
    canonical = CanonicalIdentity("device-0002", SoftwareKey.generate())
    request = build_enrollment_request(enrollment_fields(), SoftwareKey.generate(), NOW, canonical=canonical)
    with pytest.raises(Ieee1609Error) as error:
        parse_enrollment_request(request, LATER, 60, canonical_key=lambda _: SoftwareKey.generate().public_point)
    assert code(error) == "400-43"
    with pytest.raises(Ieee1609Error) as error:
        parse_enrollment_request(request, LATER, 60)
    assert code(error) == "400-21"


def test_opened_first_then_verified_with_the_key_its_canonical_id_names() -> None:
    """The ECA reads the canonicalId before it has the key (from the RA), then verifies: nothing is decoded twice,
    and the checks come in the order of `parse_enrollment_request`."""
    canonical = CanonicalIdentity("device-0003", SoftwareKey.generate())
    key = SoftwareKey.generate()
    request = build_enrollment_request(enrollment_fields(), key, NOW, canonical=canonical)
    opened = open_enrollment_request(request)
    assert (opened.canonical_id, opened.tbs.verification_key) == ("device-0003", key.public_point)
    assert "device-0003" in repr(opened)
    with pytest.raises(Ieee1609Error) as error:
        opened.verify(key.public_point, LATER, 60)  # the requested key did not sign it
    assert code(error) == "400-43"
    with pytest.raises(Ieee1609Error) as error:
        opened.verify(canonical.key.public_point, Time32(NOW + 61), 60)
    assert code(error) == "400-70"
    verified = opened.verify(canonical.key.public_point, LATER, 60)
    assert verified == parse_enrollment_request(request, LATER, 60, canonical_key=lambda _: canonical.key.public_point)


def test_generation_time_in_the_future_and_too_old() -> None:
    request = build_enrollment_request(enrollment_fields(), SoftwareKey.generate(), NOW)
    check_time_rules(lambda now: parse_enrollment_request(request, now, 60), NOW, 60, "400-70")
    assert parse_enrollment_request(request, Time32(NOW + 10**6), None).generation_time == NOW


@pytest.mark.parametrize("offset", [-1, -33, -64])
def test_tampered_signature_is_400_43(offset: int) -> None:
    request = bytearray(build_enrollment_request(enrollment_fields(), SoftwareKey.generate(), NOW))
    request[offset] ^= 0x01
    with pytest.raises(Ieee1609Error) as error:
        parse_enrollment_request(bytes(request), LATER, 60)
    assert code(error) == "400-43"


def test_signed_with_another_key_is_400_43() -> None:
    request = build_enrollment_request(
        enrollment_fields(), SoftwareKey.generate(), NOW, canonical=CanonicalIdentity("x", SoftwareKey.generate())
    )
    opaque = asn1.decode("Ieee1609Dot2Data", request)["content"][1]
    tbs_request = asn1.encode("ScmsPdu", asn1.decode("SignedCertificateRequest", opaque)["tbsRequest"])
    without_id = asn1.decode("ScmsPdu", tbs_request)
    del without_id["content"][1][1]["canonicalId"]  # now it claims to be signed with the requested key
    pdu = asn1.encode("ScmsPdu", without_id)
    forged = sign_certificate_request(pdu, key=SoftwareKey.generate(), signer=SignerSelf())
    with pytest.raises(Ieee1609Error) as error:
        parse_enrollment_request(forged, LATER, 60)
    assert code(error) == "400-43"


@pytest.mark.parametrize(
    "data", [b"", b"\x03\x83", b"\x03\x80\x01\x00", b"\xff" * 40], ids=["empty", "cut", "unsecured", "junk"]
)
def test_unparsable_request_is_400_42(data: bytes) -> None:
    with pytest.raises(Ieee1609Error) as error:
        parse_enrollment_request(data, LATER, 60)
    assert code(error) == "400-42"


def _request_value(request: bytes) -> dict[str, Any]:
    opaque = asn1.decode("Ieee1609Dot2Data", request)["content"][1]
    pdu: dict[str, Any] = asn1.decode("SignedCertificateRequest", opaque)["tbsRequest"]
    return pdu


def test_request_signed_by_a_certificate_is_not_an_enrollment_request(pki: EePki) -> None:
    key = SoftwareKey.generate()
    pdu = asn1.encode("ScmsPdu", _request_value(build_enrollment_request(enrollment_fields(), key, NOW)))
    request = sign_certificate_request(pdu, key=pki.ra.key, signer=SignerCertificate(pki.ra.cert))
    with pytest.raises(Ieee1609Error, match="self-signed") as error:
        parse_enrollment_request(request, LATER, 60)
    assert code(error) == "400-42"


@pytest.mark.parametrize("field", ["appPermissions", "certIssuePermissions", "linkageData"])
def test_tbs_constraints_are_enforced_on_receipt(field: str) -> None:
    key = SoftwareKey.generate()
    pdu = _request_value(build_enrollment_request(enrollment_fields(), key, NOW))
    tbs = pdu["content"][1][1]["tbsCert"]
    if field == "appPermissions":
        tbs["appPermissions"] = [{"psid": 32}]
    elif field == "certIssuePermissions":
        tbs["certIssuePermissions"] = tbs["certRequestPermissions"]
    else:
        tbs["id"] = ("linkageData", {"iCert": 1, "linkage-value": bytes(9)})
    request = sign_certificate_request(asn1.encode("ScmsPdu", pdu), key=key, signer=SignerSelf())
    with pytest.raises(Ieee1609Error) as error:
        parse_enrollment_request(request, LATER, 60)
    assert code(error) == "400-42"


def test_the_builder_refuses_what_a_request_may_not_ask() -> None:
    key = SoftwareKey.generate()
    with pytest.raises(ValueError, match="appPermissions present"):
        build_enrollment_request(replace(enrollment_fields(), app_permissions=(PsidSsp(32),)), key, NOW)
    with pytest.raises(ValueError, match="certRequestPermissions absent"):
        build_enrollment_request(replace(enrollment_fields(), cert_request_permissions=()), key, NOW)
    with pytest.raises(ValueError, match="cracaId"):
        build_enrollment_request(replace(enrollment_fields(), crl_series=3), key, NOW)
    with pytest.raises(ValueError, match="another verification key"):
        other = SoftwareKey.generate().public_point
        build_enrollment_request(replace(enrollment_fields(), verification_key=other), key, NOW)


def test_ecdsa_p384_request_key() -> None:
    key = SoftwareKey.generate(Curve.P384)
    request = build_enrollment_request(enrollment_fields(), key, NOW, certificate_type=CertificateType.EXPLICIT)
    assert parse_enrollment_request(request, LATER, 60).requested_key == key.public_point


# --- the EE reading the response ---------------------------------------------------------------------------------


def _enrol(pki: EePki, kind: CertificateType = CertificateType.IMPLICIT) -> tuple[SoftwareKey, bytes, bytes]:
    key = SoftwareKey.generate()
    request = build_enrollment_request(enrollment_fields(), key, NOW, certificate_type=kind)
    return key, request, issue_enrollment(pki, parse_enrollment_request(request, LATER, 60), LATER)


def _resign(pki: EePki, response: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """The ECA's response with its EcaEeCertResponse changed by `change`, signed again by the ECA."""
    value = asn1.decode("ScmsPdu", verify_signed(response).unsecured_payload())
    change(value["content"][1][1])
    return sign_pdu(asn1.encode("ScmsPdu", value), pki.eca.key, pki.eca.cert, LATER)


def test_response_to_another_request_is_refused(pki: EePki) -> None:
    key, _, response = _enrol(pki)
    other = build_enrollment_request(enrollment_fields(), key, NOW)
    with pytest.raises(Ieee1609Error, match="requestHash") as error:
        read_enrollment_response(response, other, key, pki.anchors, LATER)
    assert code(error) == "400-42"


def test_response_needs_a_trusted_eca(pki: EePki) -> None:
    key, request, response = _enrol(pki)
    stranger = make_ee_pki()
    with pytest.raises(Ieee1609Error) as error:
        read_enrollment_response(response, request, key, stranger.anchors, LATER)
    assert code(error) == "400-40"


def test_response_signed_by_an_ra_is_refused(pki: EePki) -> None:
    key, request, response = _enrol(pki)
    payload = asn1.decode("Ieee1609Dot2Data", response)["content"][1]["tbsData"]["payload"]["data"]
    inner = asn1.decode("Ieee1609Dot2Data", asn1.encode("Ieee1609Dot2Data", payload))["content"][1]
    forged = sign_pdu(inner, pki.ra.key, pki.ra.cert, LATER)
    with pytest.raises(Ieee1609Error, match="not an ECA") as error:
        read_enrollment_response(forged, request, key, pki.anchors, LATER)
    assert code(error) == "400-40"


def test_tampered_response_is_400_43(pki: EePki) -> None:
    key, request, response = _enrol(pki)
    tampered = bytearray(response)
    tampered[-5] ^= 0x10
    with pytest.raises(Ieee1609Error) as error:
        read_enrollment_response(bytes(tampered), request, key, pki.anchors, LATER)
    assert code(error) == "400-43"


def test_certificate_for_another_key_is_400_64(pki: EePki) -> None:
    key = SoftwareKey.generate()
    request = build_enrollment_request(enrollment_fields(), key, NOW, certificate_type=CertificateType.EXPLICIT)
    parsed = parse_enrollment_request(request, LATER, 60)
    swapped = replace(parsed, tbs=replace(parsed.tbs, verification_key=SoftwareKey.generate().public_point))
    response = issue_enrollment(pki, swapped, LATER)  # same request hash, certificate for someone else's key
    with pytest.raises(Ieee1609Error) as error:
        read_enrollment_response(response, request, key, pki.anchors, LATER)
    assert code(error) == "400-64"


def test_implicit_certificate_with_a_wrong_reconstruction_value_is_400_64(pki: EePki) -> None:
    key, request, response = _enrol(pki)

    def wrong_r(value: dict[str, Any]) -> None:
        value["privateKeyInfo"] = bytes(31) + b"\x07"

    def no_r(value: dict[str, Any]) -> None:
        del value["privateKeyInfo"]

    with pytest.raises(Ieee1609Error) as error:
        read_enrollment_response(_resign(pki, response, wrong_r), request, key, pki.anchors, LATER)
    assert code(error) == "400-64"
    with pytest.raises(Ieee1609Error, match="privateKeyInfo missing") as error:
        read_enrollment_response(_resign(pki, response, no_r), request, key, pki.anchors, LATER)
    assert code(error) == "400-42"


def test_response_builder_refuses_inconsistent_input(pki: EePki) -> None:
    _, request, _ = _enrol(pki, CertificateType.EXPLICIT)
    parsed = parse_enrollment_request(request, LATER, 60)
    template = replace(parsed.tbs, app_permissions=(PsidSsp(35),))
    linted = lint_certificate(replace(template, cert_request_permissions=()), pki.root.cert)
    by_root = sign_explicit(linted, pki.root.cert, pki.root.key)
    with pytest.raises(ValueError, match="not issued by"):
        build_enrollment_response(parsed.request_hash, by_root, None, pki.eca.key, pki.eca_chain, LATER)
    with pytest.raises(ValueError, match="only there"):
        build_enrollment_response(parsed.request_hash, pki.ra.cert, bytes(32), pki.root.key, (pki.root.cert,), LATER)
    with pytest.raises(ValueError, match="does not belong"):
        build_enrollment_response(parsed.request_hash, pki.ra.cert, None, pki.eca.key, (pki.root.cert,), LATER)


# --- OpenSCMS captures -------------------------------------------------------------------------------------------


def test_openscms_self_signed_request_is_read() -> None:
    data = read_bytes(VECTORS_DIR / "openscms" / "EeEcaCertRequestSpdu.dat")
    generated = Time32(644851777)
    parsed = parse_enrollment_request(data, Time32(generated + 5), 60)
    assert parsed.generation_time == generated
    assert parsed.certificate_type is CertificateType.IMPLICIT
    assert parsed.canonical_id is None
    assert parsed.request_hash == HashedId8.of(data)
    assert parsed.requested_key.encode(compressed=True).hex() == (
        "03afe8f671986299d75897c1cbd522b0b3e0655aa53cdc4b7e97cfff7d8253e2a6"
    )
    assert parsed.tbs.validity == ValidityPeriod(Time32(0), "hours", 0)
    assert parsed.tbs.cert_request_permissions == ()  # OpenSCMS leaves them out; the ECA's policy decides
    with pytest.raises(Ieee1609Error) as error:
        parse_enrollment_request(data, Time32(generated + 61), 60)
    assert code(error) == "400-70"


def test_openscms_canonical_request_asks_for_the_canonical_key() -> None:
    data = read_bytes(VECTORS_DIR / "openscms" / "EncryptedEeEcaCertRequestSpdu.dat")
    asked: list[str] = []

    def lookup(canonical_id: str) -> Point:
        asked.append(canonical_id)
        return SoftwareKey.generate().public_point  # not the canonical key: OpenSCMS did not publish it

    with pytest.raises(Ieee1609Error) as error:
        parse_enrollment_request(data, Time32(684625225 + 5), 60, canonical_key=lookup)
    assert code(error) == "400-43"
    assert asked == ["1fcd370d3c63260493d6626a52753beaf14fb178a2e7968489de09da67dfa3a6"]


def test_response_chain_must_start_with_the_signer(pki: EePki) -> None:
    key, request, response = _enrol(pki)

    def root_first(value: dict[str, Any]) -> None:
        value["ecaCertChain"] = [pki.root.cert.value, pki.eca.cert.value]

    with pytest.raises(Ieee1609Error, match="first certificate") as error:
        read_enrollment_response(_resign(pki, response, root_first), request, key, pki.anchors, LATER)
    assert code(error) == "400-40"


def test_response_certificate_must_be_issued_by_the_signer(pki: EePki) -> None:
    key, request, response = _enrol(pki)

    def ra_certificate(value: dict[str, Any]) -> None:
        value["certificate"] = pki.ra.cert.value
        del value["privateKeyInfo"]

    with pytest.raises(Ieee1609Error, match="is not issued by") as error:
        read_enrollment_response(_resign(pki, response, ra_certificate), request, key, pki.anchors, LATER)
    assert code(error) == "400-40"


def test_reprs_name_no_key(pki: EePki) -> None:
    _, request, _ = _enrol(pki)
    parsed = parse_enrollment_request(request, LATER, 60)
    assert repr(parsed) == f"EnrollmentRequest({parsed.request_hash}, implicit, canonicalId=None)"
