"""ECDSA with the 1609.2 forms of r: sign, verify, convert, and every tampering fails."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scms.crypto import (
    Curve,
    InvalidSignature,
    Point,
    RForm,
    Signature,
    SoftwareKey,
    signing_digest,
    signing_digest_from_signer_hash,
    verify_digest,
)

from ._helpers import CURVES

PROPERTY = settings(max_examples=30, deadline=None)
KEYS = {curve: SoftwareKey.generate(curve) for curve in CURVES}


def _flip(data: bytes, index: int, bit: int) -> bytes:
    index %= len(data)
    return data[:index] + bytes((data[index] ^ (1 << bit),)) + data[index + 1 :]


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.name)
def test_signing_digest_is_the_1609_2_double_hash(curve: Curve) -> None:
    h = hashlib.sha256 if curve.size == 32 else hashlib.sha384
    data, signer = b"tbs bytes", b"signer certificate"
    assert signing_digest(curve, data, signer) == h(h(data).digest() + h(signer).digest()).digest()
    assert signing_digest(curve, data) == h(h(data).digest() + h(b"").digest()).digest()


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.name)
def test_signing_digest_from_the_signer_hash_is_the_signing_digest(curve: Curve) -> None:
    h = hashlib.sha256 if curve.size == 32 else hashlib.sha384
    data, signer = b"tbs bytes", b"signer certificate"
    assert signing_digest_from_signer_hash(curve, data, h(signer).digest()) == signing_digest(curve, data, signer)
    assert signing_digest_from_signer_hash(curve, data, h(b"").digest()) == signing_digest(curve, data)


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.name)
def test_sign_gives_x_only_and_verifies_in_every_form(curve: Curve) -> None:
    key = KEYS[curve]
    digest = signing_digest(curve, b"message")
    signature = key.sign_digest(digest)
    assert signature.form is RForm.X_ONLY and signature.r_y is None
    assert len(signature.r_bytes()) == len(signature.s_bytes()) == curve.size
    verify_digest(key.public_point, digest, signature)
    for form in (RForm.COMPRESSED, RForm.UNCOMPRESSED):
        full = signature.with_r_point(key.public_point, digest, form)
        assert full.form is form and full.r % curve.n == signature.r % curve.n
        verify_digest(key.public_point, digest, full)
        assert full.to_x_only() == signature
        assert Signature.from_r_point(full.r_point(), full.s, form) == full
        # R with the other y is the negated point: it must not verify.
        wrong = Signature.from_r_point(-full.r_point(), full.s, form)
        with pytest.raises(InvalidSignature):
            verify_digest(key.public_point, digest, wrong)


@PROPERTY
@given(st.sampled_from(CURVES), st.binary(min_size=1, max_size=64), st.integers(0, 200), st.integers(0, 7))
def test_a_flipped_bit_in_signature_or_digest_fails(curve: Curve, message: bytes, index: int, bit: int) -> None:
    key = KEYS[curve]
    digest = signing_digest(curve, message)
    signature = key.sign_digest(digest)
    with pytest.raises(InvalidSignature):
        verify_digest(key.public_point, _flip(digest, index, bit), signature)
    r, s = _flip(signature.r_bytes(), index, bit), _flip(signature.s_bytes(), index, bit)
    for r_int, s_int in ((int.from_bytes(r), signature.s), (signature.r, int.from_bytes(s))):
        with pytest.raises(InvalidSignature):
            # Out-of-range values are refused when the Signature is built; the rest when it is verified.
            verify_digest(key.public_point, digest, Signature(curve, r_int, s_int))


def test_signature_by_another_key_fails() -> None:
    digest = signing_digest(Curve.P256, b"m")
    signature = SoftwareKey.generate().sign_digest(digest)
    with pytest.raises(InvalidSignature):
        verify_digest(KEYS[Curve.P256].public_point, digest, signature)
    with pytest.raises(InvalidSignature):
        signature.with_r_point(KEYS[Curve.P256].public_point, digest)


def test_signature_and_key_of_different_curves_fail() -> None:
    digest = signing_digest(Curve.P256, b"m")
    signature = KEYS[Curve.BRAINPOOL_P256R1].sign_digest(digest)
    with pytest.raises(InvalidSignature):
        verify_digest(KEYS[Curve.P256].public_point, digest, signature)


def test_signature_values_are_range_checked() -> None:
    curve = Curve.P256
    for r, s in ((0, 1), (1, 0), (curve.p, 1), (1, curve.n)):
        with pytest.raises(InvalidSignature):
            Signature(curve, r, s)
    with pytest.raises(ValueError):
        Signature(curve, 1, 1, RForm.X_ONLY, r_y=2)
    with pytest.raises(ValueError):
        Signature(curve, 1, 1, RForm.COMPRESSED)
    generator = Point.generator(curve)
    with pytest.raises(InvalidSignature):  # an R that is not on the curve
        Signature(curve, generator.x, 1, RForm.UNCOMPRESSED, (generator.y + 1) % curve.p)
    with pytest.raises(ValueError):
        Signature(curve, 1, 1).r_point()


def test_verify_checks_the_digest_length() -> None:
    key = KEYS[Curve.P256]
    signature = key.sign_digest(bytes(32))
    with pytest.raises(ValueError, match="32 bytes"):
        verify_digest(key.public_point, bytes(31), signature)
