"""SoftwareKey behind the Signer / KeyAgreement interfaces: key files, ECDH, and never printing the scalar."""

from __future__ import annotations

import pickle

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from scms.crypto import Curve, InvalidKey, KeyAgreement, Signer, SoftwareKey, signing_digest, verify_digest

from ._helpers import CURVES, openssl_times_g


def test_software_key_implements_both_interfaces() -> None:
    key = SoftwareKey.generate()
    assert isinstance(key, Signer) and isinstance(key, KeyAgreement)
    assert key.curve is Curve.P256


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.name)
def test_pkcs8_pem_round_trip(curve: Curve) -> None:
    key = SoftwareKey.generate(curve)
    pem = key.to_pkcs8_pem()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    loaded = SoftwareKey.from_pkcs8_pem(pem)
    assert loaded.curve is curve and loaded.public_point == key.public_point
    digest = signing_digest(curve, b"data")
    verify_digest(key.public_point, digest, loaded.sign_digest(digest))


def test_encrypted_pkcs8_pem_needs_its_password() -> None:
    key = SoftwareKey.generate()
    pem = key.to_pkcs8_pem(password=b"correct horse")
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert SoftwareKey.from_pkcs8_pem(pem, b"correct horse").public_point == key.public_point
    for wrong in (None, b"wrong"):
        with pytest.raises(InvalidKey):
            SoftwareKey.from_pkcs8_pem(pem, wrong)


def test_key_files_of_other_kinds_are_refused() -> None:
    rsa_pem = rsa.generate_private_key(65537, 2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    p521_pem = ec.generate_private_key(ec.SECP521R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    for pem in (rsa_pem, p521_pem, b"-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n", b""):
        with pytest.raises(InvalidKey):
            SoftwareKey.from_pkcs8_pem(pem)


def test_from_private_bytes_gives_the_key_of_that_scalar() -> None:
    key = SoftwareKey.from_private_bytes(Curve.P256, (12345).to_bytes(32))
    assert key.public_point == openssl_times_g(Curve.P256, 12345)
    n = Curve.P256.n
    for raw in (bytes(32), n.to_bytes(32), (1).to_bytes(31), (1).to_bytes(33)):
        with pytest.raises(InvalidKey):
            SoftwareKey.from_private_bytes(Curve.P256, raw)


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.name)
def test_ecdh_is_the_x_coordinate_of_the_shared_point(curve: Curve) -> None:
    alice, bob = SoftwareKey.from_private_bytes(curve, (777).to_bytes(curve.size)), SoftwareKey.generate(curve)
    shared = alice.ecdh(bob.public_point)
    assert shared == bob.ecdh(alice.public_point)
    assert shared == bob.public_point.mul_public(777).x_bytes()
    assert len(shared) == curve.size


def test_ecdh_refuses_a_point_of_another_curve() -> None:
    with pytest.raises(ValueError, match="another curve"):
        SoftwareKey.generate(Curve.P256).ecdh(SoftwareKey.generate(Curve.P384).public_point)


def test_key_never_prints_or_pickles_its_scalar() -> None:
    scalar = 0x1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F809
    key = SoftwareKey.from_private_bytes(Curve.P256, scalar.to_bytes(32))
    for text in (repr(key), str(key), f"{key}", f"{key!r}", repr([key]), repr({"k": key})):
        assert "SoftwareKey([secure])" in text
        assert f"{scalar:x}" not in text.lower() and str(scalar) not in text
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(key)
    assert not hasattr(key, "__dict__")


def test_sign_digest_checks_the_digest_length() -> None:
    key = SoftwareKey.generate(Curve.P384)
    with pytest.raises(ValueError, match="48 bytes"):
        key.sign_digest(bytes(32))
