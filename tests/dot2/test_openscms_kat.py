"""OpenSCMS known answers (shared/vectors/openscms/kat, real-certificates/openscms-self-signed-request.json).

The KAT `EeRaCertRequestSpdu` is decrypted with the RA's encryption key (certRecipInfo: recipientId = HashedId8 of
the RA certificate, ECIES P1 = SHA-256 of it) into a signedCertificateRequest whose signer is an IMPLICIT
enrolment certificate carried in the request: its key is reconstructed by ECQV from the ECA certificate the KAT
gives (the enrolment certificate's issuer field is the ECA certificate's HashedId8), and the signature is checked
with it. The butterfly request inside must carry the listed caterpillar and expansion keys.
"""

from __future__ import annotations

from typing import Any

import pytest

from scms.crypto import Curve, HashedId8, Point, SoftwareKey, sha256
from scms.dot2.certificate import Certificate
from scms.dot2.curve_points import point_from_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data, RecipientPrivateKey, decrypt, verify_certificate_request
from vectors import VECTORS_DIR, case, case_params, load_json, read_bytes, unhex

KAT = "openscms/kat/ee-ra-cert-request-obk.json"


def _kat() -> tuple[dict[str, Any], dict[str, Any]]:
    data = load_json(KAT)
    return data["input"], data["expected"]


def _ra_key(kat: dict[str, Any]) -> RecipientPrivateKey:
    ra = Certificate.from_bytes(unhex(kat["ra_certificate"]))
    key = SoftwareKey.from_private_bytes(Curve.P256, unhex(kat["ra_encryption_private_key"]))
    return RecipientPrivateKey.for_certificate(key, ra)


def test_recipient_is_the_ra_certificate() -> None:
    kat, _ = _kat()
    spdu = unhex(kat["ee_ra_cert_request_spdu"])
    ra = Certificate.from_bytes(unhex(kat["ra_certificate"]))
    ((kind, info),) = Ieee1609Dot2Data.from_bytes(spdu).expect("encryptedData")["recipients"]
    assert kind == "certRecipInfo"
    assert info["recipientId"] == ra.hashed_id8()
    assert _ra_key(kat).p1 == sha256(unhex(kat["ra_certificate"]))
    assert ra.encryption_key is not None
    assert (
        ra.encryption_key.point
        == SoftwareKey.from_private_bytes(Curve.P256, unhex(kat["ra_encryption_private_key"])).public_point
    )


def test_decrypt_and_verify_the_butterfly_request() -> None:
    kat, expected = _kat()
    inner = decrypt(unhex(kat["ee_ra_cert_request_spdu"]), [_ra_key(kat)])
    assert len(inner) == 346
    assert inner[:2] == b"\x03\x83"  # Ieee1609Dot2Data, signedCertificateRequest

    eca = Certificate.from_bytes(unhex(kat["eca_certificate"]))
    assert eca.public_key().encode(compressed=False) == b"\x04" + unhex(kat["eca_public_key_xy"])
    verified = verify_certificate_request(inner, certificates=[eca])
    enrolment = verified.signer.certificate
    assert verified.signer.form == "certificate"
    assert enrolment is not None and enrolment.is_implicit
    assert enrolment.issuer.digest == eca.hashed_id8()
    # OpenSCMS reads a device id out of the enrolment certificate's binaryId (informative).
    vid = expected["enrollment_certificate_vid_u64_le_in_openscms"]
    assert enrolment.id.binary is not None
    assert int.from_bytes(enrolment.id.binary[:8], "little") == vid

    version_content = verified.scms_pdu()
    assert version_content["version"] == 2
    interface, (kind, request) = version_content["content"]
    assert (interface, kind) == ("ee-ra", "eeRaCertRequest")
    assert request["type"] == expected["certificate_type"]
    variant, params = request["additionalParams"]
    assert variant == expected["butterfly_type"]

    def point(choice: tuple[str, Any]) -> bytes:
        return point_from_coer(Curve.P256, choice).encode(compressed=False)

    assert point(request["tbsCert"]["verifyKeyIndicator"][1]) == unhex(
        expected["caterpillar_signing_public_key_uncompressed"]
    )
    assert point(params["encryptionKey"]["publicKey"][1]) == unhex(
        expected["caterpillar_encryption_public_key_uncompressed"]
    )
    assert params["signingExpansion"] == ("aes128", unhex(expected["signing_expansion_key"]))
    assert params["encryptionExpansion"] == ("aes128", unhex(expected["encryption_expansion_key"]))


def test_the_enrolment_key_needs_the_eca_certificate() -> None:
    kat, _ = _kat()
    inner = decrypt(unhex(kat["ee_ra_cert_request_spdu"]), [_ra_key(kat)])
    with pytest.raises(Ieee1609Error) as info:
        verify_certificate_request(inner)
    assert info.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION
    ra = Certificate.from_bytes(unhex(kat["ra_certificate"]))  # the wrong CA: not the enrolment cert's issuer
    with pytest.raises(Ieee1609Error) as info:
        verify_certificate_request(inner, certificates=[ra])
    assert info.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION


def test_request_hash_of_the_kat() -> None:
    kat, expected = _kat()
    assert HashedId8.of(unhex(kat["ee_ra_cert_request_spdu"])).hex() == expected["request_hash_id"]


def test_request_hash_vector_and_its_signature() -> None:
    vector = load_json("openscms/kat/request-hash.json")
    spdu = unhex(vector["input"]["spdu"])
    assert HashedId8.of(spdu).hex() == vector["expected"]["hash_id"]
    assert HashedId8.of(Ieee1609Dot2Data.from_bytes(spdu).raw) == HashedId8.of(spdu)
    # the SPDU is itself a signedCertificateRequest carrying an explicit enrolment certificate: it verifies
    verified = verify_certificate_request(spdu)
    assert verified.signer.form == "certificate"
    assert verified.scms_pdu()["content"][1][0] == "eeRaCertRequest"


def test_wrong_ra_key_is_failed_decryption() -> None:
    kat, _ = _kat()
    right = _ra_key(kat)
    wrong = RecipientPrivateKey(right.kind, right.recipient_id, right.p1, SoftwareKey.generate())
    with pytest.raises(Ieee1609Error, match="ECIES tag") as info:
        decrypt(unhex(kat["ee_ra_cert_request_spdu"]), [wrong])
    assert info.value.error is ErrorCode.FAILED_DECRYPTION


@pytest.mark.parametrize("offset", [-1, -40, -200])
def test_flipped_byte_in_the_ciphertext_is_rejected(offset: int) -> None:
    kat, _ = _kat()
    spdu = bytearray(unhex(kat["ee_ra_cert_request_spdu"]))
    spdu[offset] ^= 0x01
    with pytest.raises(Ieee1609Error) as info:
        decrypt(bytes(spdu), [_ra_key(kat)])
    assert info.value.error is ErrorCode.FAILED_DECRYPTION


@pytest.mark.parametrize("offset", [10, 100, 200, -70, -1])
def test_flipped_byte_in_the_signed_request_is_rejected(offset: int) -> None:
    kat, _ = _kat()
    inner = bytearray(decrypt(unhex(kat["ee_ra_cert_request_spdu"]), [_ra_key(kat)]))
    inner[offset] ^= 0x01
    eca = Certificate.from_bytes(unhex(kat["eca_certificate"]))
    with pytest.raises(Ieee1609Error) as info:
        verify_certificate_request(bytes(inner), certificates=[eca])
    assert info.value.error in {ErrorCode.FAILED_SIGNATURE_VERIFICATION, ErrorCode.FAILED_PARSING}


@pytest.mark.parametrize("param", case_params("real-certificates/openscms-self-signed-request.json"))
def test_self_signed_request(param: tuple[str, int | None]) -> None:
    item = case(param)
    spdu = unhex(item["spdu"])
    assert read_bytes(VECTORS_DIR / "openscms" / "EeEcaCertRequestSpdu.dat") == spdu
    verified = verify_certificate_request(spdu)
    assert verified.tbs_request == unhex(item["tbs_request"])
    assert verified.signer.form == "self"
    assert verified.signer.key == Point.decode(Curve.P256, unhex(item["verification_public_key_compressed"]))
    assert item["expected_signature_valid"] is True
    # the key given explicitly must be the requested one: another key fails
    with pytest.raises(Ieee1609Error) as info:
        verify_certificate_request(spdu, public_key=SoftwareKey.generate().public_point)
    assert info.value.error is ErrorCode.FAILED_SIGNATURE_VERIFICATION
