"""Property: a changed byte anywhere in a signed SPDU or signed certificate request makes verification fail.

The mutated bytes may fail to parse (400-42), to find or use the signer (400-40, 400-64) or to verify (400-43);
nothing but `Ieee1609Error` may escape. The one change that can still verify is replacing the x-only rSig tag by
the compressed-y tag of the right parity: the same signature in another permitted form (clause 6.3.29), so the
mutated SPDU must then have the original's canonical encoding.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scms.crypto import SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import PublicEncryptionKey
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import (
    HeaderInfo,
    Ieee1609Dot2Data,
    RecipientPrivateKey,
    RekRecipient,
    SignerCertificate,
    SignerDigest,
    decrypt,
    encrypt,
    sign_data,
    unsecured,
    verify_certificate_request,
    verify_signed,
)
from scms.dot2.time import Time64
from vectors import VECTORS_DIR, read_bytes

from ._spdu_fixtures import make_explicit, make_implicit

REJECTED = {
    ErrorCode.FAILED_PARSING,
    ErrorCode.FAILED_SIGNATURE_VERIFICATION,
    ErrorCode.FAILED_CHAIN_VERIFICATION,
    ErrorCode.INVALID_VERIFY_KEY_INDICATOR,
}


@cache
def _signed_samples() -> dict[str, tuple[bytes, tuple[Certificate, ...]]]:
    ca = make_explicit(name="ca.example", psids=())
    explicit = make_explicit(issuer=ca)
    implicit = make_implicit(issuer=ca)
    header = HeaderInfo(
        psid=35,
        generation_time=Time64(700_000_000_000_000),
        encryption_key=PublicEncryptionKey(SoftwareKey.generate().public_point),
    )
    inner = unsecured(bytes(range(100)))
    return {
        "digest-explicit": (
            sign_data(inner, header=header, key=explicit.key, signer=SignerDigest(explicit.certificate)),
            (explicit.certificate,),
        ),
        "certificate-implicit": (
            sign_data(inner, header=header, key=implicit.key, signer=SignerCertificate(implicit.certificate)),
            (ca.certificate,),
        ),
        # The signer given as well: read around its bytes (`read_signed_parts`), not decoded.
        "certificate-explicit-given": (
            sign_data(inner, header=header, key=explicit.key, signer=SignerCertificate(explicit.certificate)),
            (ca.certificate, explicit.certificate),
        ),
    }


def _mutate(data: bytes, position: int, value: int) -> bytes:
    mutated = bytearray(data)
    mutated[position % len(data)] = value
    return bytes(mutated)


def _assert_rejected_or_equivalent(original: bytes, mutated: bytes, verify: object) -> None:
    if mutated == original:
        return
    try:
        verify(mutated)  # type: ignore[operator]
    except Ieee1609Error as exc:
        assert exc.error in REJECTED, exc
        return
    assert Ieee1609Dot2Data.from_bytes(mutated).canonical_bytes == Ieee1609Dot2Data.from_bytes(original).raw


@pytest.mark.parametrize("name", ["digest-explicit", "certificate-implicit", "certificate-explicit-given"])
@settings(max_examples=250, deadline=None)
@given(position=st.integers(min_value=0, max_value=10_000), value=st.integers(min_value=0, max_value=255))
def test_changed_byte_in_signed_data(name: str, position: int, value: int) -> None:
    data, certificates = _signed_samples()[name]
    mutated = _mutate(data, position, value)
    _assert_rejected_or_equivalent(data, mutated, lambda b: verify_signed(b, certificates=certificates))


@settings(max_examples=250, deadline=None)
@given(position=st.integers(min_value=0, max_value=10_000), value=st.integers(min_value=0, max_value=255))
def test_changed_byte_in_real_signed_data(position: int, value: int) -> None:
    data = read_bytes(VECTORS_DIR / "openscms" / "CertificateManagementInfoStatusSpdu.dat")
    _assert_rejected_or_equivalent(data, _mutate(data, position, value), verify_signed)


@settings(max_examples=250, deadline=None)
@given(position=st.integers(min_value=0, max_value=10_000), value=st.integers(min_value=0, max_value=255))
@example(position=65, value=0x83)  # rSig x-only -> compressed-y-1, the form R has: accepted, canonical as before
def test_changed_byte_in_real_self_signed_request(position: int, value: int) -> None:
    data = read_bytes(VECTORS_DIR / "openscms" / "EeEcaCertRequestSpdu.dat")
    _assert_rejected_or_equivalent(data, _mutate(data, position, value), verify_certificate_request)


@cache
def _encrypted_sample() -> tuple[bytes, bytes, RecipientPrivateKey]:
    key = SoftwareKey.generate()
    inner = unsecured(bytes(range(100)))
    return (
        encrypt(inner, [RekRecipient(PublicEncryptionKey(key.public_point))]),
        inner,
        RecipientPrivateKey.for_rek(key),
    )


@settings(max_examples=250, deadline=None)
@given(position=st.integers(min_value=0, max_value=10_000), value=st.integers(min_value=0, max_value=255))
def test_changed_byte_in_encrypted_data(position: int, value: int) -> None:
    """Decrypting a changed encrypted SPDU fails with 400-41/400-42 or yields the original plaintext: the ECIES
    ephemeral point's y parity is not authenticated (x-only ECDH, crypto.md gotcha), so compressed-y-0 <-> -1
    still decrypts to the same data key. Nothing else escapes."""
    data, inner, key = _encrypted_sample()
    mutated = _mutate(data, position, value)
    try:
        plaintext = decrypt(mutated, [key])
    except Ieee1609Error as exc:
        assert exc.error in {ErrorCode.FAILED_DECRYPTION, ErrorCode.FAILED_PARSING}, exc
        return
    assert plaintext == inner


@pytest.mark.parametrize("name", ["digest-explicit", "certificate-explicit-given"])
def test_each_byte_of_a_signed_spdu_once(name: str) -> None:
    """Exhaustive over positions (each byte xor 0x01), so no position is left to chance."""
    data, certificates = _signed_samples()[name]
    for position in range(len(data)):
        mutated = _mutate(data, position, data[position] ^ 0x01)
        with pytest.raises(Ieee1609Error) as info:
            verify_signed(mutated, certificates=certificates)
        assert info.value.error in REJECTED
