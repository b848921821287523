"""Signed SPDUs (1609.2 clause 5.3.1, 6.3.4): sign_data / verify_signed with every signer form and the failures."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from scms import asn1
from scms.crypto import Curve, HashedId3, HashedId8, RForm, SoftwareKey, sha256, signing_digest
from scms.dot2.certificate_fields import PublicEncryptionKey
from scms.dot2.curve_points import signature_from_coer, signature_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import (
    HeaderInfo,
    Ieee1609Dot2Data,
    MissingCrlIdentifier,
    SignerCertificate,
    SignerDigest,
    SignerSelf,
    SymmetricEncryptionKey,
    ThreeDLocation,
    sign_data,
    unsecured,
    verify_signed,
)
from scms.dot2.spdu.signed import read_signed_parts
from scms.dot2.time import Time32, Time64
from vectors import VECTORS_DIR, read_bytes

from ._spdu_fixtures import START, Holder, make_explicit, make_implicit

PAYLOAD = bytes(range(100))
GEN = Time64.from_time32(Time32(START + 3600))


@pytest.fixture(scope="module")
def ca() -> Holder:
    return make_explicit(name="ca.example", psids=())


@pytest.fixture(scope="module")
def signer(ca: Holder) -> Holder:
    return make_explicit(issuer=ca, psids=(35, 256))


@pytest.fixture(scope="module")
def implicit_signer(ca: Holder) -> Holder:
    return make_implicit(issuer=ca, psids=(35,))


def _signed(holder: Holder, form: str, header: HeaderInfo | None = None) -> bytes:
    signer = SignerDigest(holder.certificate) if form == "digest" else SignerCertificate(holder.certificate)
    return sign_data(
        unsecured(PAYLOAD), header=header or HeaderInfo(psid=35, generation_time=GEN), key=holder.key, signer=signer
    )


def _value(data: bytes) -> dict[str, Any]:
    return Ieee1609Dot2Data.from_bytes(data).value


def _reencode(data: bytes, change: Any) -> bytes:
    value = _value(data)
    change(value["content"][1])
    return asn1.encode("Ieee1609Dot2Data", value)


def _code(exc: pytest.ExceptionInfo[Ieee1609Error]) -> ErrorCode:
    return exc.value.error


# --- round trips ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["digest", "certificate"])
def test_round_trip_explicit_signer(signer: Holder, form: str) -> None:
    data = _signed(signer, form)
    verified = verify_signed(data, certificates=[signer.certificate])
    assert verified.unsecured_payload() == PAYLOAD
    assert verified.header == HeaderInfo(psid=35, generation_time=GEN)
    assert verified.signer.form == form
    assert verified.signer.certificate == signer.certificate
    assert verified.raw == data


def test_signer_certificate_needs_no_given_certificates(signer: Holder) -> None:
    assert verify_signed(_signed(signer, "certificate")).unsecured_payload() == PAYLOAD


@pytest.mark.parametrize("form", ["digest", "certificate"])
def test_round_trip_implicit_signer(ca: Holder, implicit_signer: Holder, form: str) -> None:
    data = _signed(implicit_signer, form)
    verified = verify_signed(data, certificates=[ca.certificate, implicit_signer.certificate])
    assert verified.signer.key == implicit_signer.key.public_point


def test_implicit_signer_without_its_issuer_is_unknown(implicit_signer: Holder) -> None:
    with pytest.raises(Ieee1609Error, match="implicit and its issuer is not given") as info:
        verify_signed(_signed(implicit_signer, "certificate"))
    assert _code(info) is ErrorCode.FAILED_CHAIN_VERIFICATION


@pytest.mark.parametrize("curve", [Curve.P256, Curve.BRAINPOOL_P256R1, Curve.P384, Curve.BRAINPOOL_P384R1])
def test_round_trip_self_on_each_curve(curve: Curve) -> None:
    key = SoftwareKey.generate(curve)
    data = sign_data(unsecured(PAYLOAD), header=HeaderInfo(psid=0x20), key=key, signer=SignerSelf())
    assert _value(data)["content"][1]["hashId"] == ("sha256" if curve.size == 32 else "sha384")
    verified = verify_signed(data, public_key=key.public_point)
    assert verified.unsecured_payload() == PAYLOAD
    assert verified.signer.certificate is None


def test_self_without_a_key_is_unknown_signer() -> None:
    key = SoftwareKey.generate()
    data = sign_data(unsecured(PAYLOAD), header=HeaderInfo(psid=35), key=key, signer=SignerSelf())
    with pytest.raises(Ieee1609Error) as info:
        verify_signed(data)
    assert _code(info) is ErrorCode.FAILED_CHAIN_VERIFICATION
    with pytest.raises(Ieee1609Error) as info:
        verify_signed(data, public_key=SoftwareKey.generate().public_point)
    assert _code(info) is ErrorCode.FAILED_SIGNATURE_VERIFICATION


def test_p384_signer_certificate(ca: Holder) -> None:
    holder = make_explicit(curve=Curve.P384, name="p384.example")
    data = _signed(holder, "digest")
    assert verify_signed(data, certificates=[holder.certificate]).signer.key.curve is Curve.P384


def test_external_data_hash() -> None:
    key = SoftwareKey.generate()
    data = sign_data(header=HeaderInfo(psid=35), key=key, signer=SignerSelf(), ext_data_hash=sha256(PAYLOAD))
    verified = verify_signed(data, public_key=key.public_point)
    assert verified.data is None
    assert verified.payload["extDataHash"] == ("sha256HashedData", sha256(PAYLOAD))
    with pytest.raises(Ieee1609Error, match="external data hash"):
        verified.unsecured_payload()


def test_nested_signed_data(signer: Holder) -> None:
    inner = _signed(signer, "digest")
    outer = sign_data(inner, header=HeaderInfo(psid=35), key=signer.key, signer=SignerDigest(signer.certificate))
    assert verify_signed(outer, certificates=[signer.certificate]).data == inner


def test_inner_must_be_ieee1609dot2data() -> None:
    with pytest.raises(Ieee1609Error):
        sign_data(PAYLOAD, header=HeaderInfo(psid=35), key=SoftwareKey.generate(), signer=SignerSelf())
    with pytest.raises(ValueError, match="either"):
        sign_data(header=HeaderInfo(psid=35), key=SoftwareKey.generate(), signer=SignerSelf())


# --- the header is exactly what the caller asks for ----------------------------------------------------------------


def test_secured_crl_header_has_psid_only(signer: Holder) -> None:
    data = sign_data(
        unsecured(b"crl"), header=HeaderInfo(psid=256), key=signer.key, signer=SignerDigest(signer.certificate)
    )
    assert _value(data)["content"][1]["tbsData"]["headerInfo"] == {"psid": 256}
    # 03 protocolVersion, 81 signedData, 00 sha256 | payload: 40 (data present) 03 80 03 "crl" |
    # headerInfo: 00 (no optional field, no extension) 02 0100 (psid 256) | signer 80 digest + HashedId8
    layout = bytes.fromhex("038100" + "40038003") + b"crl" + bytes.fromhex("00020100" + "80")
    assert data[: len(layout)] == layout
    assert data[len(layout) : len(layout) + 8] == signer.certificate.hashed_id8()
    assert verify_signed(data, certificates=[signer.certificate]).header == HeaderInfo(psid=256)


def test_every_header_field_round_trips(signer: Holder) -> None:
    header = HeaderInfo(
        psid=35,
        generation_time=GEN,
        expiry_time=Time64(int(GEN) + 10_000_000),
        generation_location=ThreeDLocation(latitude=423000000, longitude=-835000000, elevation=2500),
        p2pcd_learning_request=HashedId3(b"\x01\x02\x03"),
        missing_crl_identifier=MissingCrlIdentifier(HashedId3(b"\x0a\x0b\x0c"), 4),
        encryption_key=PublicEncryptionKey(SoftwareKey.generate().public_point),
        extensions={"pduFunctionalType": 1},
    )
    data = _signed(signer, "digest", header)
    assert verify_signed(data, certificates=[signer.certificate]).header == header


def test_symmetric_header_key_round_trips(signer: Holder) -> None:
    header = HeaderInfo(psid=35, encryption_key=SymmetricEncryptionKey(bytes(range(16))))
    assert verify_signed(_signed(signer, "digest", header), certificates=[signer.certificate]).header == header


def test_unknown_extension_field_is_refused() -> None:
    with pytest.raises(ValueError, match="extension"):
        HeaderInfo(psid=35, extensions={"generationTime": 1})


# --- what is signed ------------------------------------------------------------------------------------------------


def test_digest_signer_hashes_the_whole_certificate(signer: Holder) -> None:
    """notes §3: signer = digest still puts H(whole signer certificate) in the signed message, not H('')."""
    data = _signed(signer, "digest")
    signed = _value(data)["content"][1]
    tbs = asn1.encode("ToBeSignedData", signed["tbsData"])
    signature = signature_from_coer(signed["signature"])
    from scms.crypto import verify_digest

    verify_digest(signer.key.public_point, signing_digest(Curve.P256, tbs, signer.certificate.data), signature)
    wrong = signer.key.sign_digest(signing_digest(Curve.P256, tbs, b""))
    forged = _reencode(data, lambda s: s.update(signature=signature_to_coer(wrong)))
    with pytest.raises(Ieee1609Error) as info:
        verify_signed(forged, certificates=[signer.certificate])
    assert _code(info) is ErrorCode.FAILED_SIGNATURE_VERIFICATION


@pytest.mark.parametrize("form", [RForm.COMPRESSED, RForm.UNCOMPRESSED])
def test_every_r_form_verifies(signer: Holder, form: RForm) -> None:
    data = _signed(signer, "digest")
    signed = _value(data)["content"][1]
    digest = signing_digest(
        Curve.P256, asn1.encode("ToBeSignedData", signed["tbsData"]), signer.certificate.canonical_bytes
    )
    full = signature_from_coer(signed["signature"]).with_r_point(signer.key.public_point, digest, form)
    other = _reencode(data, lambda s: s.update(signature=signature_to_coer(full)))
    assert other != data
    assert verify_signed(other, certificates=[signer.certificate]).unsecured_payload() == PAYLOAD
    assert Ieee1609Dot2Data.from_bytes(other).canonical_bytes == data


@pytest.mark.parametrize("form", ["digest", "certificate"])
def test_header_key_sent_uncompressed_is_hashed_compressed(signer: Holder, form: str) -> None:
    """6.1.2: headerInfo.encryptionKey is canonicalized (compressed) before the signature is checked; also when the
    signer certificate is given and the SPDU read around it (the tbsData received is then not what was signed)."""
    point = SoftwareKey.generate().public_point
    data = _signed(signer, form, HeaderInfo(psid=35, encryption_key=PublicEncryptionKey(point)))

    def uncompress(signed: dict[str, Any]) -> None:
        key = signed["tbsData"]["headerInfo"]["encryptionKey"][1]
        key["publicKey"] = ("eciesNistP256", ("uncompressedP256", {"x": point.x_bytes(), "y": point.y.to_bytes(32)}))

    other = _reencode(data, uncompress)
    assert len(other) == len(data) + 32
    assert (read_signed_parts(other, [signer.certificate]) is None) is (form == "digest")
    assert verify_signed(other, certificates=[signer.certificate]).header.encryption_key == PublicEncryptionKey(point)


# --- a signer certificate given as well: read around its bytes ------------------------------------------------------


def test_a_given_signer_is_read_around_and_is_the_given_object(signer: Holder, ca: Holder) -> None:
    data = _signed(signer, "certificate")
    parts = read_signed_parts(data, [ca.certificate, signer.certificate])
    assert parts is not None and parts.signer is signer.certificate
    assert parts.content == _value(data)["content"][1]  # what the decoding of the whole gives
    assert parts.tbs_data == asn1.encode("ToBeSignedData", parts.content["tbsData"]) and parts.tbs_data in data
    verified = verify_signed(data, certificates=[ca.certificate, signer.certificate])
    assert verified.signer.certificate is signer.certificate and verified.signer.form == "certificate"
    decoded = verify_signed(data)  # the carried certificate decoded: the same answer
    assert (verified.header, verified.payload, verified.signer) == (decoded.header, decoded.payload, decoded.signer)


def test_only_one_given_carried_certificate_is_read_around(signer: Holder, ca: Holder) -> None:
    data = _signed(signer, "certificate")
    assert read_signed_parts(data, [ca.certificate]) is None  # not given
    assert read_signed_parts(_signed(signer, "digest"), [signer.certificate]) is None
    key = SoftwareKey.generate()
    assert read_signed_parts(sign_data(unsecured(PAYLOAD), header=HeaderInfo(psid=35), key=key,
                                       signer=SignerSelf()), [signer.certificate]) is None
    assert read_signed_parts(unsecured(PAYLOAD), [signer.certificate]) is None
    for broken in (data + b"\x00", data[:-1]):  # nothing may follow the signature, nor may it end early
        assert read_signed_parts(broken, [signer.certificate]) is None
        with pytest.raises(Ieee1609Error) as info:
            verify_signed(broken, certificates=[signer.certificate])
        assert _code(info) is ErrorCode.FAILED_PARSING


def test_the_layout_read_around_is_what_the_codec_writes(signer: Holder) -> None:
    """Ieee1609Dot2Data signedData starts 03 81; a SignerIdentifier of one certificate is 81 01 01 + it."""
    assert _signed(signer, "certificate").startswith(bytes.fromhex("0381"))
    one = asn1.encode("SignerIdentifier", ("certificate", [signer.certificate.value]))
    assert one == bytes.fromhex("810101") + signer.certificate.data


def test_a_given_implicit_signer_needs_its_issuer_given(ca: Holder, implicit_signer: Holder) -> None:
    data = _signed(implicit_signer, "certificate")
    verified = verify_signed(data, certificates=[implicit_signer.certificate, ca.certificate])
    assert verified.signer.certificate is implicit_signer.certificate
    assert verified.signer.key == implicit_signer.key.public_point
    with pytest.raises(Ieee1609Error, match="implicit and its issuer is not given") as info:
        verify_signed(data, certificates=[implicit_signer.certificate])
    assert _code(info) is ErrorCode.FAILED_CHAIN_VERIFICATION


# --- failures ------------------------------------------------------------------------------------------------------


def test_unknown_digest(signer: Holder, ca: Holder) -> None:
    with pytest.raises(Ieee1609Error, match=str(signer.certificate.hashed_id8())) as info:
        verify_signed(_signed(signer, "digest"), certificates=[ca.certificate])
    assert _code(info) is ErrorCode.FAILED_CHAIN_VERIFICATION


def test_psid_not_permitted(signer: Holder) -> None:
    data = _signed(signer, "digest", HeaderInfo(psid=0x20))
    with pytest.raises(Ieee1609Error, match="does not permit psid 32") as info:
        verify_signed(data, certificates=[signer.certificate])
    assert _code(info) is ErrorCode.FAILED_CHAIN_VERIFICATION
    verify_signed(data, certificates=[signer.certificate], check_permissions=False)


def test_signer_not_valid_at_generation_time(signer: Holder) -> None:
    late = Time64.from_time32(Time32(START + 3600 * 24 * 366))
    data = _signed(signer, "digest", HeaderInfo(psid=35, generation_time=late))
    with pytest.raises(Ieee1609Error, match="not valid at") as info:
        verify_signed(data, certificates=[signer.certificate])
    assert _code(info) is ErrorCode.FAILED_CHAIN_VERIFICATION


def test_generation_time_in_the_future(signer: Holder) -> None:
    data = _signed(signer, "digest")
    verify_signed(data, certificates=[signer.certificate], now=Time32(START + 3600))
    with pytest.raises(Ieee1609Error) as info:
        verify_signed(data, certificates=[signer.certificate], now=Time32(START + 3599))
    assert _code(info) is ErrorCode.GENERATION_TIME_IN_FUTURE


def test_signer_not_valid_now(signer: Holder) -> None:
    data = _signed(signer, "digest", HeaderInfo(psid=35))
    with pytest.raises(Ieee1609Error, match="not valid at") as info:
        verify_signed(data, certificates=[signer.certificate], now=Time32(START - 1))
    assert _code(info) is ErrorCode.FAILED_CHAIN_VERIFICATION


def test_not_signed_data_is_failed_parsing() -> None:
    with pytest.raises(Ieee1609Error) as info:
        verify_signed(unsecured(PAYLOAD))
    assert _code(info) is ErrorCode.FAILED_PARSING


def test_wrong_hash_id(signer: Holder) -> None:
    data = _reencode(_signed(signer, "digest"), lambda s: s.update(hashId="sha384"))
    with pytest.raises(Ieee1609Error) as info:
        verify_signed(data, certificates=[signer.certificate])
    assert _code(info) is ErrorCode.FAILED_SIGNATURE_VERIFICATION


# --- a real signed SPDU --------------------------------------------------------------------------------------------


def test_openscms_certificate_management_info_status() -> None:
    """A real OpenSCMS CMIS SPDU: signedData, psid 35, signer = its RA certificate carried in the SPDU."""
    data = read_bytes(VECTORS_DIR / "openscms" / "CertificateManagementInfoStatusSpdu.dat")
    verified = verify_signed(data)
    assert verified.header == HeaderInfo(psid=35)
    assert verified.signer.form == "certificate"
    assert verified.signer.certificate is not None
    assert verified.signer.certificate.hashed_id8() == HashedId8(bytes.fromhex("15e298fe7b1d9199"))
    assert verified.unsecured_payload()[:2] == b"\x02\x84"  # ScmsPdu version 2, content cert
    tampered = bytearray(data)
    tampered[-1] ^= 1
    with pytest.raises(Ieee1609Error) as info:
        verify_signed(bytes(tampered))
    assert _code(info) is ErrorCode.FAILED_SIGNATURE_VERIFICATION


# --- audit ---------------------------------------------------------------------------------------------------------


def test_signing_is_audited_without_the_key(signer: Holder, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="scms.audit"):
        _signed(signer, "digest")
    events = [record.audit for record in caplog.records if record.name == "scms.audit"]  # type: ignore[attr-defined]
    assert [e["event"] for e in events] == ["spdu.sign.begin", "spdu.sign.end"]
    assert events[0]["type"] == "SignedData"
    assert events[0]["psid"] == 35
    assert events[0]["signer"] == f"digest {signer.certificate.hashed_id8()}"
    secret = signer.key.to_pkcs8_pem()
    assert all(secret not in repr(record.__dict__).encode() for record in caplog.records)


def test_inner_data_given_as_encoded_goes_in_unchanged_and_verifies() -> None:
    key = SoftwareKey.generate()
    inner = unsecured(PAYLOAD)
    data = sign_data(asn1.Encoded("Ieee1609Dot2Data", inner), header=HeaderInfo(psid=35), key=key, signer=SignerSelf())
    assert inner in data
    assert verify_signed(data, public_key=key.public_point).unsecured_payload() == PAYLOAD


def test_inner_data_must_be_an_ieee1609dot2data() -> None:
    key = SoftwareKey.generate()
    with pytest.raises(ValueError, match="not a Certificate"):
        sign_data(asn1.Encoded("Certificate", b"\x00"), header=HeaderInfo(psid=35), key=key, signer=SignerSelf())
    with pytest.raises(Ieee1609Error) as info:
        sign_data(PAYLOAD, header=HeaderInfo(psid=35), key=key, signer=SignerSelf())
    assert _code(info) is ErrorCode.FAILED_PARSING
