"""Authorization certificate requests (1609.2.1 clause 6.3.5.2): the EE builds, the RA opens; every RA error code;
the OpenSCMS known-answer request opened with its RA key."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from scms import asn1
from scms.crypto import ButterflyVariant, Curve, HashedId8, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType, PublicEncryptionKey, ValidityPeriod
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permissions import PsidSsp
from scms.dot2.region import CircularRegion, TwoDLocation
from scms.dot2.spdu import SignerCertificate, SignerSelf, sign_certificate_request
from scms.dot2.time import Time32
from scms.protocol.butterfly_params import ButterflyKeys, ButterflyParams, NonButterflyKeys
from scms.protocol.ee_ra_request import AuthorizationRequest, build_authorization_request, open_authorization_request
from scms.protocol.ra_receiver import RaReceiver, seal_for_ra
from vectors import VECTORS_DIR, load_json, read_bytes, unhex

from ._ee_fixtures import NOW, EePki, authorization_fields, check_time_rules, code, enrol, make_ee_pki, receiver

LATER = Time32(NOW + 20)
DETROIT = CircularRegion(TwoDLocation(423_314_000, -830_458_000), 10_000)


@pytest.fixture(scope="module")
def pki() -> EePki:
    return make_ee_pki()


def _open(pki: EePki, data: bytes, now: Time32 = LATER, **kwargs: Any) -> AuthorizationRequest:
    return open_authorization_request(data, receiver(pki, **kwargs), now, max_age=60)


def _build(pki: EePki, keys: Any = None, *, fields: Any = None, now: Time32 = NOW, **kwargs: Any) -> bytes:
    ee = enrol(pki)
    keys = keys or ButterflyKeys.generate(ButterflyVariant.UNIFIED)
    fields = fields or authorization_fields()
    data, _ = build_authorization_request(fields, keys, ee.private_key, ee.certificate, pki.ra.cert, now, **kwargs)
    return data


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
@pytest.mark.parametrize("variant", list(ButterflyVariant), ids=lambda v: v.value)
def test_butterfly_request_round_trip(pki: EePki, variant: ButterflyVariant, kind: CertificateType) -> None:
    ee = enrol(pki)
    keys = ButterflyKeys.generate(variant)
    seen: list[tuple[Certificate, Time32]] = []
    data, secrets = build_authorization_request(
        authorization_fields(), keys, ee.private_key, ee.certificate, pki.ra.cert, NOW, certificate_type=kind
    )
    request = _open(pki, data, check=lambda cert, now: seen.append((cert, now)))

    assert seen == [(ee.certificate, LATER)]
    assert request.request_hash == secrets.request_hash == HashedId8.of(data)
    assert secrets.variant is variant and secrets.certificate_type is kind
    assert request.certificate_type is kind
    assert request.generation_time == NOW
    assert request.enrollment_certificate == ee.certificate
    assert request.requested_key == keys.signing_caterpillar.public_point
    assert request.tbs.app_permissions == authorization_fields().app_permissions
    assert request.tbs.validity == authorization_fields().validity
    assert request.response_encryption_key is None
    params = request.butterfly
    assert params is not None and params.variant is variant
    assert params.signing_expansion == keys.signing_expansion
    assert params.encryption_expansion == keys.encryption_expansion
    if variant is ButterflyVariant.ORIGINAL:
        assert keys.encryption_caterpillar is not None and params.encryption_caterpillar is not None
        assert params.encryption_caterpillar.point == keys.encryption_caterpillar.public_point
    # what the RA derives matches what the EE derives, for any (i, j)
    assert params.cocoon_public_key(7, 3) == keys.cocoon_key(7, 3).public_point
    assert params.response_encryption_key(7, 3) == keys.response_decryption_key(7, 3).public_point
    assert params.cocoon_public_key(7, 3) != params.cocoon_public_key(7, 4)
    # the expansion keys never show
    assert keys.signing_expansion.hex() not in repr(request)
    for text in (repr(params), repr(keys), repr(secrets)):
        assert keys.signing_expansion.hex() not in text and "[secure]" in text


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "response-key"])
def test_non_butterfly_request(pki: EePki, encrypted: bool) -> None:
    keys = NonButterflyKeys(SoftwareKey.generate(), SoftwareKey.generate() if encrypted else None)
    request = _open(pki, _build(pki, keys, certificate_type=CertificateType.EXPLICIT))
    assert request.butterfly is None
    assert request.requested_key == keys.verification.public_point
    if encrypted:
        assert keys.response_encryption is not None
        assert request.response_encryption_key == PublicEncryptionKey(keys.response_encryption.public_point)
    else:
        assert request.response_encryption_key is None


def test_the_enrollment_check_refuses(pki: EePki) -> None:
    def blocked(cert: Certificate, now: Time32) -> None:
        raise Ieee1609Error(ErrorCode.BLOCKED_ENROLLMENT_CERTIFICATE, str(cert))

    with pytest.raises(Ieee1609Error) as error:
        _open(pki, _build(pki), check=blocked)
    assert code(error) == "400-20"


def test_not_encrypted_is_400_10(pki: EePki) -> None:
    ee = enrol(pki)
    signed = _signed_request(ee.private_key, SignerCertificate(ee.certificate))
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, signed)
    assert code(error) == "400-10"
    # the same request, sealed for the RA, opens (so 400-10 was about the missing encryption only)
    assert _open(pki, seal_for_ra(signed, pki.ra.cert)).generation_time == NOW


def test_encrypted_for_another_ra_is_400_81(pki: EePki) -> None:
    other = make_ee_pki()
    ee = enrol(pki)
    data, _ = build_authorization_request(
        authorization_fields(), NonButterflyKeys(SoftwareKey.generate()), ee.private_key, ee.certificate,
        other.ra.cert, NOW,
    )
    with pytest.raises(Ieee1609Error, match=str(other.ra.cert.hashed_id8())) as error:
        _open(pki, data)
    assert code(error) == "400-81"


def test_wrong_key_or_tampered_ciphertext_is_400_41(pki: EePki) -> None:
    data = _build(pki)
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, data, key=SoftwareKey.generate())
    assert code(error) == "400-41"
    tampered = bytearray(data)
    tampered[-3] ^= 0x40
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, bytes(tampered))
    assert code(error) == "400-41"


@pytest.mark.parametrize("data", [b"", b"\x03\x82\x01", b"\x00" * 30], ids=["empty", "cut", "zeros"])
def test_unparsable_is_400_42(pki: EePki, data: bytes) -> None:
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, data)
    assert code(error) == "400-42"


def _signed_request(signing_key: SoftwareKey, signer: Any, tbs: dict[str, Any] | None = None) -> bytes:
    """An eeRaCertRequest signed as given, NOT encrypted (built by hand, for what the builder would refuse)."""
    if tbs is None:
        keys = ButterflyKeys.generate(ButterflyVariant.UNIFIED)
        tbs = replace(authorization_fields(), verification_key=keys.request_key).tbs_value()
    request = {"version": 2, "generationTime": int(NOW), "type": "implicit", "tbsCert": tbs}
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("ee-ra", ("eeRaCertRequest", request))})
    return sign_certificate_request(pdu, key=signing_key, signer=signer)


def _signed_by(
    pki: EePki, signing_key: SoftwareKey, certificate: Certificate, tbs: dict[str, Any] | None = None
) -> bytes:
    return seal_for_ra(_signed_request(signing_key, SignerCertificate(certificate), tbs), pki.ra.cert)


def test_signed_by_another_key_is_400_43(pki: EePki) -> None:
    ee = enrol(pki)
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, _signed_by(pki, SoftwareKey.generate(), ee.certificate))
    assert code(error) == "400-43"
    assert _open(pki, _signed_by(pki, ee.private_key, ee.certificate)).enrollment_certificate == ee.certificate


@pytest.mark.parametrize("field", ["appPermissions", "certRequestPermissions"])
def test_tbs_constraints_are_400_42(pki: EePki, field: str) -> None:
    ee = enrol(pki)
    keys = ButterflyKeys.generate(ButterflyVariant.UNIFIED)
    tbs = replace(authorization_fields(), verification_key=keys.request_key).tbs_value()
    if field == "appPermissions":
        del tbs["appPermissions"]  # an authorization request must name them
    else:
        tbs["certRequestPermissions"] = [{"subjectPermissions": ("all", None)}]
    with pytest.raises(Ieee1609Error, match=field) as error:
        _open(pki, _signed_by(pki, ee.private_key, ee.certificate, tbs))
    assert code(error) == "400-42"


def test_implicit_enrollment_certificate_needs_its_eca(pki: EePki) -> None:
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, _build(pki), eca=False)
    assert code(error) == "400-40"


def test_self_signed_request_is_400_42(pki: EePki) -> None:
    keys = ButterflyKeys.generate(ButterflyVariant.UNIFIED)
    tbs = replace(authorization_fields(), verification_key=keys.request_key).tbs_value()
    signed = _signed_request(keys.signing_caterpillar, SignerSelf(), tbs)  # verifies with the requested key
    with pytest.raises(Ieee1609Error, match="one enrollment certificate") as error:
        _open(pki, seal_for_ra(signed, pki.ra.cert))
    assert code(error) == "400-42"


def test_generation_time_rules(pki: EePki) -> None:
    data = _build(pki)
    check_time_rules(lambda now: _open(pki, data, now=now), NOW, 60, "400-77")


def test_enrollment_certificate_outside_its_validity_is_400_712(pki: EePki) -> None:
    ee = enrol(pki)
    end = ee.certificate.validity.end
    keys = NonButterflyKeys(SoftwareKey.generate())
    late, _ = build_authorization_request(
        authorization_fields(), keys, ee.private_key, ee.certificate, pki.ra.cert, Time32(end + 10)
    )
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, late, now=Time32(end + 20))
    assert code(error) == "400-712"
    early, _ = build_authorization_request(
        authorization_fields(), keys, ee.private_key, ee.certificate, pki.ra.cert, Time32(NOW - 5)
    )
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, early, now=NOW)
    assert code(error) == "400-712"


def test_within_enrollment_bounds(pki: EePki) -> None:
    ee = enrol(pki, region=DETROIT)
    keys = NonButterflyKeys(SoftwareKey.generate())

    def request(**changes: Any) -> AuthorizationRequest:
        fields = replace(authorization_fields(), **changes)
        data, _ = build_authorization_request(fields, keys, ee.private_key, ee.certificate, pki.ra.cert, NOW)
        return _open(pki, data)

    request(region=DETROIT).check_within_enrollment()
    with pytest.raises(Ieee1609Error) as error:
        request(app_permissions=(PsidSsp(32), PsidSsp(35))).check_within_enrollment()
    assert code(error) == "400-30"
    wide = CircularRegion(TwoDLocation(423_314_000, -830_458_000), 50_000)
    with pytest.raises(Ieee1609Error) as error:
        request(region=wide).check_within_enrollment()
    assert code(error) == "400-33"


def test_the_builder_refuses_bad_fields(pki: EePki) -> None:
    with pytest.raises(ValueError, match="appPermissions absent"):
        _build(pki, fields=replace(authorization_fields(), app_permissions=()))


def test_key_material_is_checked() -> None:
    keys = ButterflyKeys.generate(ButterflyVariant.ORIGINAL)
    with pytest.raises(ValueError, match="original variant"):
        ButterflyKeys(ButterflyVariant.ORIGINAL, keys.signing_caterpillar, keys.signing_expansion)
    with pytest.raises(ValueError, match="neither"):
        replace(keys, variant=ButterflyVariant.UNIFIED)
    with pytest.raises(ValueError, match="16 bytes"):
        ButterflyKeys(ButterflyVariant.UNIFIED, keys.signing_caterpillar, b"short")
    with pytest.raises(ValueError, match="P-256"):
        ButterflyKeys(ButterflyVariant.UNIFIED, SoftwareKey.generate(Curve.P384), bytes(16))
    with pytest.raises(ValueError, match="P-256"):
        replace(keys, encryption_caterpillar=SoftwareKey.generate(Curve.P384))
    params = keys.params()
    assert isinstance(params, ButterflyParams) and params.to_coer()[0] == "original"


# --- OpenSCMS ------------------------------------------------------------------------------------------------


def test_openscms_butterfly_request_opens_with_its_ra_key() -> None:
    data = load_json("openscms/kat/ee-ra-cert-request-obk.json")
    kat, expected = data["input"], data["expected"]
    ra = Certificate.from_bytes(unhex(kat["ra_certificate"]))
    eca = Certificate.from_bytes(unhex(kat["eca_certificate"]))
    ra_key = SoftwareKey.from_private_bytes(Curve.P256, unhex(kat["ra_encryption_private_key"]))
    spdu = unhex(kat["ee_ra_cert_request_spdu"])
    now = Time32(689010383 + 10)
    seen: list[Certificate] = []
    ra_receiver = RaReceiver(ra, ra_key, lambda cert, _: seen.append(cert), [eca])
    request = open_authorization_request(spdu, ra_receiver, now, max_age=60)
    assert request.request_hash.hex() == expected["request_hash_id"]
    assert request.certificate_type.value == expected["certificate_type"]
    assert request.generation_time == 689010383
    enrollment = request.enrollment_certificate
    assert seen == [enrollment] and enrollment.is_implicit and enrollment.issuer.digest == eca.hashed_id8()
    caterpillar = expected["caterpillar_signing_public_key_uncompressed"]
    assert request.requested_key.encode(compressed=False).hex() == caterpillar
    params = request.butterfly
    assert params is not None and params.variant.value == expected["butterfly_type"]
    assert params.signing_expansion.hex() == expected["signing_expansion_key"]
    assert params.encryption_expansion is not None
    assert params.encryption_expansion.hex() == expected["encryption_expansion_key"]
    assert params.encryption_caterpillar is not None
    assert params.encryption_caterpillar.point.encode(compressed=False).hex() == (
        expected["caterpillar_encryption_public_key_uncompressed"]
    )
    assert {p.psid for p in request.tbs.app_permissions} == {35, 32}
    assert request.tbs.validity == ValidityPeriod(Time32(689010383), "hours", 169)
    # cracaId b7b902 / crlSeries 4 in the capture are not kept: the CA sets them
    assert (request.tbs.craca_id, request.tbs.crl_series) == (bytes(3), 0)
    with pytest.raises(Ieee1609Error) as error:
        open_authorization_request(spdu, ra_receiver, Time32(now + 60), max_age=60)
    assert code(error) == "400-77"


def test_openscms_captured_request_is_for_its_own_ra(pki: EePki) -> None:
    data = read_bytes(VECTORS_DIR / "openscms" / "EeRaCertRequest.dat")
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, data)
    assert code(error) == "400-81"
    openscms_ra = Certificate.from_bytes(read_bytes(VECTORS_DIR / "openscms" / "RaCertificate.dat"))
    with pytest.raises(Ieee1609Error) as error:  # its RA key is not published
        _open(pki, data, key=SoftwareKey.generate(), certificate=openscms_ra)
    assert code(error) == "400-41"


def test_openscms_signed_request_needs_its_eca(pki: EePki) -> None:
    inner = read_bytes(VECTORS_DIR / "openscms" / "DecryptedEeRaCertRequestSpdu.dat")
    with pytest.raises(Ieee1609Error, match="implicit and its issuer is not given") as error:
        _open(pki, seal_for_ra(inner, pki.ra.cert), now=Time32(665963676 + 5))
    assert code(error) == "400-40"



def _with_additional_params(pki: EePki, key: Any, params: tuple[str, Any]) -> bytes:
    ee = enrol(pki)
    tbs = replace(authorization_fields(), verification_key=key).tbs_value()
    request = {"version": 2, "generationTime": int(NOW), "type": "implicit", "tbsCert": tbs, "additionalParams": params}
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("ee-ra", ("eeRaCertRequest", request))})
    signed = sign_certificate_request(pdu, key=ee.private_key, signer=SignerCertificate(ee.certificate))
    return seal_for_ra(signed, pki.ra.cert)


def test_butterfly_keys_must_be_p256(pki: EePki) -> None:
    p384 = SoftwareKey.generate(Curve.P384).public_point
    with pytest.raises(Ieee1609Error, match="P-256") as error:
        _open(pki, _with_additional_params(pki, p384, ("unified", ("aes128", bytes(16)))))
    assert code(error) == "400-64"


def test_unusable_encryption_caterpillar_is_400_64(pki: EePki) -> None:
    keys = ButterflyKeys.generate(ButterflyVariant.ORIGINAL)
    kind, original = keys.params().to_coer()
    # x = 1 is not the x of a P-256 point (1 - 3 + b is not a square mod p): the compressed key names no point
    original["encryptionKey"] = {"supportedSymmAlg": "aes128Ccm",
                                 "publicKey": ("eciesNistP256", ("compressed-y-0", (1).to_bytes(32, "big")))}
    with pytest.raises(Ieee1609Error, match="additionalParams original") as error:
        _open(pki, _with_additional_params(pki, keys.request_key, (kind, original)))
    assert code(error) == "400-64"


def test_reprs_show_no_secret(pki: EePki) -> None:
    keys = NonButterflyKeys(SoftwareKey.generate(), SoftwareKey.generate())
    assert repr(keys) == "NonButterflyKeys([secure], encrypted response)"
    assert repr(NonButterflyKeys(SoftwareKey.generate())) == "NonButterflyKeys([secure])"
    assert repr(receiver(pki)) == f"RaReceiver({pki.ra.cert}, [secure])"
