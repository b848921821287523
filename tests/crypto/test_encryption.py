"""ECIES key wrap, KDF2 and AES-128-CCM: round trips, and every tampering is refused."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.x963kdf import X963KDF
from hypothesis import given, settings
from hypothesis import strategies as st

from scms.crypto import (
    Curve,
    DecryptionFailed,
    EciesEncryptedKey,
    SoftwareKey,
    aes128ccm_decrypt,
    aes128ccm_encrypt,
    ecies_ephemerals,
    ecies_unwrap,
    ecies_wrap,
    kdf2_sha256,
    new_aes128_key,
    new_ccm_nonce,
)

from ._helpers import CURVES_256

PROPERTY = settings(max_examples=30, deadline=None)
RECIPIENTS = {curve: SoftwareKey.generate(curve) for curve in CURVES_256}
KEY16 = st.binary(min_size=16, max_size=16)


def _flip(data: bytes, index: int, bit: int) -> bytes:
    index %= len(data)
    return data[:index] + bytes((data[index] ^ (1 << bit),)) + data[index + 1 :]


@PROPERTY
@given(st.binary(max_size=64), st.binary(max_size=64), st.integers(1, 200))
def test_kdf2_agrees_with_the_x963_kdf_of_cryptography(secret: bytes, parameter: bytes, length: int) -> None:
    reference = X963KDF(hashes.SHA256(), length, parameter).derive(secret)
    assert kdf2_sha256(secret, parameter, length) == reference


def test_kdf2_rejects_a_zero_length() -> None:
    with pytest.raises(ValueError):
        kdf2_sha256(b"z", b"", 0)


@PROPERTY
@given(st.sampled_from(CURVES_256), KEY16, st.binary(max_size=40), st.booleans())
def test_ecies_round_trip(curve: Curve, key: bytes, p1: bytes, drawn_ahead: bool) -> None:
    # `drawn_ahead`: the ephemeral keys of a piece of wraps drawn first (`ecies_ephemerals`), as an ACA does.
    recipient = RECIPIENTS[curve]
    if drawn_ahead:
        other, drawn = ecies_ephemerals([SoftwareKey.generate(curve).public_point, recipient.public_point])
        with pytest.raises(ValueError, match="another recipient"):
            ecies_wrap(recipient.public_point, key, p1, drawn=other)
        wrapped = ecies_wrap(recipient.public_point, key, p1, drawn=drawn)
        assert wrapped.v == drawn.ephemeral_point != other.ephemeral_point
        with pytest.raises(ValueError, match="already used"):  # one ephemeral key, one wrap
            ecies_wrap(recipient.public_point, key, p1, drawn=drawn)
        assert "[secure]" in repr(drawn)
    else:
        wrapped = ecies_wrap(recipient.public_point, key, p1)
    assert wrapped.v.curve is curve and len(wrapped.c) == len(wrapped.t) == 16
    assert ecies_unwrap(recipient, wrapped, p1) == key


@PROPERTY
@given(KEY16, st.binary(min_size=1, max_size=40), st.integers(0, 63), st.integers(0, 7))
def test_ecies_tampering_and_wrong_p1_are_refused(key: bytes, p1: bytes, index: int, bit: int) -> None:
    recipient = RECIPIENTS[Curve.P256]
    wrapped = ecies_wrap(recipient.public_point, key, p1)
    tampered = [
        EciesEncryptedKey(wrapped.v, _flip(wrapped.c, index, bit), wrapped.t),
        EciesEncryptedKey(wrapped.v, wrapped.c, _flip(wrapped.t, index, bit)),
        EciesEncryptedKey(SoftwareKey.generate().public_point, wrapped.c, wrapped.t),
    ]
    for candidate in tampered:
        with pytest.raises(DecryptionFailed):
            ecies_unwrap(recipient, candidate, p1)
    with pytest.raises(DecryptionFailed):
        ecies_unwrap(recipient, wrapped, _flip(p1, index, bit))
    with pytest.raises(DecryptionFailed):
        ecies_unwrap(SoftwareKey.generate(), wrapped, p1)
    # Known property of the 1609.2 construction: Z is x(v·R) only and the tag does not cover V, so -V (the other
    # y-parity) unwraps to the same key. Only V's encoding is malleable, not the key; never use the ciphertext bytes
    # as an identity.
    assert ecies_unwrap(recipient, EciesEncryptedKey(-wrapped.v, wrapped.c, wrapped.t), p1) == key


def test_ecies_checks_sizes_and_curves() -> None:
    recipient = RECIPIENTS[Curve.P256]
    with pytest.raises(ValueError):
        ecies_wrap(recipient.public_point, bytes(15), b"")
    wrapped = ecies_wrap(recipient.public_point, bytes(16), b"")
    with pytest.raises(ValueError):
        EciesEncryptedKey(wrapped.v, wrapped.c[:15], wrapped.t)
    with pytest.raises(DecryptionFailed):
        ecies_unwrap(RECIPIENTS[Curve.BRAINPOOL_P256R1], wrapped, b"")


def test_ecies_draws_a_fresh_ephemeral_key_each_time() -> None:
    recipient = RECIPIENTS[Curve.P256].public_point
    first, second = ecies_wrap(recipient, bytes(16), b""), ecies_wrap(recipient, bytes(16), b"")
    assert first.v != second.v and first.c != second.c


@PROPERTY
@given(st.binary(max_size=300), st.integers(0, 400), st.integers(0, 7))
def test_aes_ccm_round_trip_and_tampering(plaintext: bytes, index: int, bit: int) -> None:
    key, nonce = new_aes128_key(), new_ccm_nonce()
    sealed = aes128ccm_encrypt(key, nonce, plaintext)
    assert len(sealed) == len(plaintext) + 16
    assert aes128ccm_decrypt(key, nonce, sealed) == plaintext
    with pytest.raises(DecryptionFailed):
        aes128ccm_decrypt(key, nonce, _flip(sealed, index, bit))
    with pytest.raises(DecryptionFailed):
        aes128ccm_decrypt(key, _flip(nonce, index, bit), sealed)
    with pytest.raises(DecryptionFailed):
        aes128ccm_decrypt(_flip(key, index, bit), nonce, sealed)


def test_aes_ccm_checks_sizes() -> None:
    key, nonce = new_aes128_key(), new_ccm_nonce()
    assert len(key) == 16 and len(nonce) == 12
    with pytest.raises(ValueError):
        aes128ccm_encrypt(bytes(32), nonce, b"x")
    with pytest.raises(ValueError):
        aes128ccm_encrypt(key, bytes(13), b"x")
    with pytest.raises(DecryptionFailed):
        aes128ccm_decrypt(key, nonce, bytes(15))
