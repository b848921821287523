"""Encrypted SPDUs (1609.2 clause 5.3.4, 6.3.30): every RecipientInfo kind round-trips; wrong keys fail 400-41."""

from __future__ import annotations

from typing import Any

import pytest

from scms import asn1
from scms.crypto import Curve, HashedId8, SoftwareKey, new_aes128_key, sha256
from scms.dot2.certificate_fields import PublicEncryptionKey
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import (
    CertRecipient,
    HeaderInfo,
    Ieee1609Dot2Data,
    PskRecipient,
    RecipientPrivateKey,
    RecipientSymmetricKey,
    RekRecipient,
    SignedDataRecipient,
    SignerSelf,
    SymmetricEncryptionKey,
    SymmRecipient,
    decrypt,
    encrypt,
    public_key_id,
    sign_data,
    unsecured,
)

from ._spdu_fixtures import Holder, make_explicit

INNER = unsecured(bytes(range(100)))


@pytest.fixture(scope="module", params=[Curve.P256, Curve.BRAINPOOL_P256R1], ids=["p256", "brainpoolP256r1"])
def ra(request: pytest.FixtureRequest) -> Holder:
    return make_explicit(name="ra.example", encryption_curve=request.param)


def _entries(data: bytes) -> list[tuple[str, Any]]:
    entries: list[tuple[str, Any]] = Ieee1609Dot2Data.from_bytes(data).expect("encryptedData")["recipients"]
    return entries


def _code(info: pytest.ExceptionInfo[Ieee1609Error]) -> ErrorCode:
    return info.value.error


def test_cert_recipient(ra: Holder) -> None:
    assert ra.decryption_key is not None
    data = encrypt(INNER, [CertRecipient(ra.certificate)])
    ((kind, info),) = _entries(data)
    assert kind == "certRecipInfo"
    assert info["recipientId"] == ra.certificate.hashed_id8()
    expected_alternative = {Curve.P256: "eciesNistP256", Curve.BRAINPOOL_P256R1: "eciesBrainpoolP256r1"}
    assert info["encKey"][0] == expected_alternative[ra.decryption_key.curve]
    assert decrypt(data, [RecipientPrivateKey.for_certificate(ra.decryption_key, ra.certificate)]) == INNER


def test_cert_recipient_p1_is_the_certificate_hash(ra: Holder) -> None:
    """The ECIES P1 of certRecipInfo is the whole-certificate hash: any other P1 fails the ECIES tag."""
    assert ra.decryption_key is not None
    data = encrypt(INNER, [CertRecipient(ra.certificate)])
    key = RecipientPrivateKey.for_certificate(ra.decryption_key, ra.certificate)
    assert key.p1 == sha256(ra.certificate.data)
    wrong_p1 = RecipientPrivateKey("certRecipInfo", key.recipient_id, sha256(b""), ra.decryption_key)
    with pytest.raises(Ieee1609Error, match="ECIES tag") as info:
        decrypt(data, [wrong_p1])
    assert _code(info) is ErrorCode.FAILED_DECRYPTION


def test_certificate_without_encryption_key() -> None:
    holder = make_explicit(name="no-enc.example")
    with pytest.raises(Ieee1609Error, match="no encryptionKey"):
        encrypt(INNER, [CertRecipient(holder.certificate)])


def test_rek_recipient() -> None:
    key = SoftwareKey.generate()
    public = PublicEncryptionKey(key.public_point)
    data = encrypt(INNER, [RekRecipient(public)])
    ((kind, info),) = _entries(data)
    assert kind == "rekRecipInfo"
    assert info["recipientId"] == HashedId8.of(asn1.encode("PublicEncryptionKey", public.to_coer()))
    assert info["recipientId"] == public_key_id(public)
    assert decrypt(data, [RecipientPrivateKey.for_rek(key)]) == INNER


def test_signed_data_recipient() -> None:
    """An EE puts a response key in a signed request's header; the answer is encrypted to that signed data."""
    ee_signing, ee_response = SoftwareKey.generate(), SoftwareKey.generate()
    request = sign_data(
        unsecured(b"request"),
        header=HeaderInfo(psid=35, encryption_key=PublicEncryptionKey(ee_response.public_point)),
        key=ee_signing,
        signer=SignerSelf(),
    )
    data = encrypt(INNER, [SignedDataRecipient(request)])
    ((kind, info),) = _entries(data)
    assert kind == "signedDataRecipInfo"
    assert info["recipientId"] == HashedId8.of(request)
    assert decrypt(data, [RecipientPrivateKey.for_signed_data(ee_response, request)]) == INNER
    # the same key answering as a rek recipient does not match the signedDataRecipInfo entry
    with pytest.raises(Ieee1609Error, match="no recipient entry") as exc:
        decrypt(data, [RecipientPrivateKey.for_rek(ee_response)])
    assert _code(exc) is ErrorCode.FAILED_DECRYPTION


def test_signed_data_without_a_header_key() -> None:
    request = sign_data(unsecured(b"r"), header=HeaderInfo(psid=35), key=SoftwareKey.generate(), signer=SignerSelf())
    with pytest.raises(Ieee1609Error, match="no public encryptionKey"):
        encrypt(INNER, [SignedDataRecipient(request)])


def test_symm_recipient() -> None:
    key = SymmetricEncryptionKey(new_aes128_key())
    data = encrypt(INNER, [SymmRecipient(key)])
    ((kind, info),) = _entries(data)
    assert kind == "symmRecipInfo"
    assert info["recipientId"] == HashedId8.of(asn1.encode("SymmetricEncryptionKey", ("aes128Ccm", key.key)))
    assert info["encKey"][0] == "aes128ccm"
    assert decrypt(data, [RecipientSymmetricKey(key)]) == INNER


def test_psk_recipient_encrypts_with_the_key_itself() -> None:
    key = SymmetricEncryptionKey(new_aes128_key())
    data = encrypt(INNER, [PskRecipient(key)])
    assert _entries(data) == [("pskRecipInfo", key.hashed_id8())]
    from scms.crypto import aes128ccm_decrypt

    _, ciphertext = Ieee1609Dot2Data.from_bytes(data).expect("encryptedData")["ciphertext"]
    assert aes128ccm_decrypt(key.key, ciphertext["nonce"], ciphertext["ccmCiphertext"]) == INNER
    assert decrypt(data, [RecipientSymmetricKey(key)]) == INNER


def test_psk_must_be_alone() -> None:
    key = SymmetricEncryptionKey(new_aes128_key())
    with pytest.raises(ValueError, match="only recipient"):
        encrypt(INNER, [PskRecipient(key), SymmRecipient(key)])


def test_several_recipients_each_decrypt(ra: Holder) -> None:
    assert ra.decryption_key is not None
    rek = SoftwareKey.generate()
    symm = SymmetricEncryptionKey(new_aes128_key())
    data = encrypt(
        INNER, [CertRecipient(ra.certificate), RekRecipient(PublicEncryptionKey(rek.public_point)), SymmRecipient(symm)]
    )
    assert [kind for kind, _ in _entries(data)] == ["certRecipInfo", "rekRecipInfo", "symmRecipInfo"]
    assert decrypt(data, [RecipientPrivateKey.for_certificate(ra.decryption_key, ra.certificate)]) == INNER
    assert decrypt(data, [RecipientPrivateKey.for_rek(rek)]) == INNER
    assert decrypt(data, [RecipientSymmetricKey(symm)]) == INNER


def test_fresh_data_key_and_nonce_per_message() -> None:
    key = SoftwareKey.generate()
    recipients = [RekRecipient(PublicEncryptionKey(key.public_point))]
    first, second = encrypt(INNER, recipients), encrypt(INNER, recipients)
    nonces = [Ieee1609Dot2Data.from_bytes(d).expect("encryptedData")["ciphertext"][1]["nonce"] for d in (first, second)]
    wrapped = [_entries(d)[0][1]["encKey"][1]["c"] for d in (first, second)]
    assert nonces[0] != nonces[1]
    assert wrapped[0] != wrapped[1]


# --- failures ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rek", "symm", "psk"])
def test_wrong_key_is_failed_decryption(kind: str) -> None:
    if kind == "rek":
        good, bad = SoftwareKey.generate(), SoftwareKey.generate()
        data = encrypt(INNER, [RekRecipient(PublicEncryptionKey(good.public_point))])
        keys: list[RecipientPrivateKey | RecipientSymmetricKey] = [RecipientPrivateKey.for_rek(bad)]
    else:
        good_key, bad_key = SymmetricEncryptionKey(new_aes128_key()), SymmetricEncryptionKey(new_aes128_key())
        data = encrypt(INNER, [(SymmRecipient if kind == "symm" else PskRecipient)(good_key)])
        keys = [RecipientSymmetricKey(bad_key)]
    with pytest.raises(Ieee1609Error, match="no recipient entry") as info:
        decrypt(data, keys)
    assert _code(info) is ErrorCode.FAILED_DECRYPTION


def test_wrong_private_key_under_the_right_id(ra: Holder) -> None:
    impostor = RecipientPrivateKey.for_certificate(
        SoftwareKey.generate(ra.certificate.encryption_key.curve),  # type: ignore[union-attr]
        ra.certificate,
    )
    with pytest.raises(Ieee1609Error) as info:
        decrypt(encrypt(INNER, [CertRecipient(ra.certificate)]), [impostor])
    assert _code(info) is ErrorCode.FAILED_DECRYPTION


@pytest.mark.parametrize("where", ["ciphertext", "tag", "nonce", "wrapped-key", "ecies-tag"])
def test_tampering_is_failed_decryption(where: str) -> None:
    key = SoftwareKey.generate()
    data = encrypt(INNER, [RekRecipient(PublicEncryptionKey(key.public_point))])
    value = Ieee1609Dot2Data.from_bytes(data).value
    encrypted = value["content"][1]
    ccm = encrypted["ciphertext"][1]
    ecies = encrypted["recipients"][0][1]["encKey"][1]
    flip = {
        "ciphertext": (ccm, "ccmCiphertext", 0),
        "tag": (ccm, "ccmCiphertext", -1),
        "nonce": (ccm, "nonce", 0),
        "wrapped-key": (ecies, "c", 0),
        "ecies-tag": (ecies, "t", 5),
    }[where]
    container, field, index = flip
    octets = bytearray(container[field])
    octets[index] ^= 0x40
    container[field] = bytes(octets)
    with pytest.raises(Ieee1609Error) as info:
        decrypt(asn1.encode("Ieee1609Dot2Data", value), [RecipientPrivateKey.for_rek(key)])
    assert _code(info) is ErrorCode.FAILED_DECRYPTION


def test_key_on_another_curve_fails() -> None:
    p256, brainpool = SoftwareKey.generate(Curve.P256), SoftwareKey.generate(Curve.BRAINPOOL_P256R1)
    data = encrypt(INNER, [RekRecipient(PublicEncryptionKey(p256.public_point))])
    entry = _entries(data)[0]
    mismatched = RecipientPrivateKey("rekRecipInfo", entry[1]["recipientId"], sha256(b""), brainpool)
    with pytest.raises(Ieee1609Error) as info:
        decrypt(data, [mismatched])
    assert _code(info) is ErrorCode.FAILED_DECRYPTION


def test_plaintext_must_be_ieee1609dot2data() -> None:
    key = SymmetricEncryptionKey(new_aes128_key())
    with pytest.raises(Ieee1609Error) as info:
        encrypt(b"not an Ieee1609Dot2Data", [PskRecipient(key)])
    assert _code(info) is ErrorCode.FAILED_PARSING
    with pytest.raises(ValueError, match="at least one recipient"):
        encrypt(INNER, [])


def test_plaintext_just_encoded_is_taken_as_it_is() -> None:
    # An `asn1.Encoded` Ieee1609Dot2Data (bytes `unsecured` has just returned) is not decoded again.
    key = SoftwareKey.generate()
    data = encrypt(asn1.Encoded("Ieee1609Dot2Data", INNER), [RekRecipient(PublicEncryptionKey(key.public_point))])
    assert decrypt(data, [RecipientPrivateKey.for_rek(key)]) == INNER
    psk = [PskRecipient(SymmetricEncryptionKey(new_aes128_key()))]
    with pytest.raises(ValueError, match="not a ScmsPdu"):
        encrypt(asn1.Encoded("ScmsPdu", INNER), psk)


def test_decrypt_needs_encrypted_data() -> None:
    with pytest.raises(Ieee1609Error) as info:
        decrypt(INNER, [RecipientSymmetricKey(SymmetricEncryptionKey(new_aes128_key()))])
    assert _code(info) is ErrorCode.FAILED_PARSING


def test_symmetric_key_repr_hides_the_key() -> None:
    key = SymmetricEncryptionKey(bytes(range(16)))
    assert repr(key) == "SymmetricEncryptionKey([secure])"
    assert bytes(range(16)).hex() not in repr(RecipientSymmetricKey(key))
