"""Butterfly keys across the three roles: whatever the RA and ACA derive, the EE can follow (1609.2.1 §9.3)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scms.crypto import (
    ButterflyVariant,
    Curve,
    InvalidKey,
    KeyPurpose,
    Point,
    SoftwareKey,
    cocoon_private_key,
    cocoon_public_key,
    ecies_unwrap,
    ecies_wrap,
    ecqv_begin,
    ecqv_begin_many,
    ecqv_e,
    ecqv_finish,
    ecqv_private_key,
    ecqv_public_key,
    expansion_f,
    expansion_input,
    explicit_private_key,
    explicit_randomize,
    explicit_randomize_many,
    response_decryption_key,
    response_encryption_public_key,
)

from ._helpers import openssl_times_g

PROPERTY = settings(max_examples=8, deadline=None)
ACA_KEY = SoftwareKey.generate()
ACA_CERTIFICATE = b"\x80\x03\x00 ACA certificate bytes"
UINT32 = st.integers(0, 0xFFFFFFFF)


@dataclass
class Ee:
    """An EE's butterfly request material: caterpillar(s) and expansion key(s)."""

    variant: ButterflyVariant
    signing_caterpillar: SoftwareKey
    signing_expansion: bytes
    encryption_caterpillar: SoftwareKey | None
    encryption_expansion: bytes | None

    @classmethod
    def new(cls, variant: ButterflyVariant, keys: tuple[bytes, bytes]) -> Ee:
        if variant is ButterflyVariant.ORIGINAL:
            return cls(variant, SoftwareKey.generate(), keys[0], SoftwareKey.generate(), keys[1])
        return cls(variant, SoftwareKey.generate(), keys[0], None, None)


def _ra_cocoon_keys(ee: Ee, i: int, j: int) -> tuple[Point, Point]:
    """RA: (B, response encryption key), from the public request only."""
    cocoon = cocoon_public_key(ee.signing_caterpillar.public_point, ee.signing_expansion, i, j, KeyPurpose.SIGNING)
    encryption_caterpillar = ee.encryption_caterpillar.public_point if ee.encryption_caterpillar else None
    response_key = response_encryption_public_key(
        ee.variant,
        cocoon,
        i,
        j,
        encryption_caterpillar=encryption_caterpillar,
        encryption_expansion_key=ee.encryption_expansion,
    )
    return cocoon, response_key


@pytest.mark.parametrize("variant", list(ButterflyVariant), ids=lambda v: v.value)
@pytest.mark.parametrize("explicit", [True, False], ids=["explicit", "implicit"])
@PROPERTY
@given(
    st.tuples(st.binary(min_size=16, max_size=16), st.binary(min_size=16, max_size=16)), UINT32, UINT32, st.booleans()
)
def test_ee_follows_the_ra_and_aca(
    variant: ButterflyVariant, explicit: bool, expansion_keys: tuple[bytes, bytes], i: int, j: int, in_piece: bool
) -> None:
    ee = Ee.new(variant, expansion_keys)
    cocoon, response_key = _ra_cocoon_keys(ee, i, j)
    # `in_piece`: the ACA randomises a piece of cocoon keys together (one shared inversion), this one among others.
    piece = [SoftwareKey.generate().public_point, cocoon, cocoon]

    # ACA: randomise the cocoon key and answer with the private key info, encrypted to the response key.
    if explicit and in_piece:
        drawn = explicit_randomize_many(piece)
        assert [d.cocoon for d in drawn] == piece and drawn[1].certificate_key != drawn[2].certificate_key
        private_key_info, certificate_key = drawn[1].c, drawn[1].certificate_key
        assert "c=[secure]" in repr(drawn[1]) and drawn[1].c.hex() not in repr(drawn[1])
    elif explicit:
        private_key_info, certificate_key = explicit_randomize(cocoon)
    else:
        issuance = ecqv_begin_many(piece)[1] if in_piece else ecqv_begin(cocoon)
        reconstruction = issuance.reconstruction_point
        e = ecqv_e(b"tbs with " + reconstruction.encode(), ACA_CERTIFICATE)
        private_key_info = ecqv_finish(issuance, e, ACA_KEY)
        certificate_key = ecqv_public_key(e, reconstruction, ACA_KEY.public_point)
    data_key = b"0123456789abcdef"
    wrapped = ecies_wrap(response_key, data_key, b"")

    # EE: the cocoon key matches the RA's B, the decryption key the ACA's encryption key, the final key the certificate.
    cocoon_key = cocoon_private_key(ee.signing_caterpillar, ee.signing_expansion, i, j, KeyPurpose.SIGNING)
    assert cocoon_key.public_point == cocoon
    decryption_key = response_decryption_key(
        variant,
        cocoon_key,
        i,
        j,
        encryption_caterpillar_key=ee.encryption_caterpillar,
        encryption_expansion_key=ee.encryption_expansion,
    )
    assert decryption_key.public_point == response_key
    assert ecies_unwrap(decryption_key, wrapped, b"") == data_key
    if explicit:
        final = explicit_private_key(cocoon_key, private_key_info, certificate_key)
    else:
        final = ecqv_private_key(cocoon_key, e, private_key_info, reconstruction, ACA_KEY.public_point)
    assert final.public_point == certificate_key
    assert final.public_point != cocoon  # the ACA's randomisation unlinks the certificate key from B


def test_original_response_key_is_the_encryption_cocoon_key() -> None:
    ee = Ee.new(ButterflyVariant.ORIGINAL, (bytes(16), bytes(range(16))))
    cocoon, response_key = _ra_cocoon_keys(ee, 3, 4)
    assert ee.encryption_caterpillar is not None and ee.encryption_expansion is not None
    f_e = expansion_f(ee.encryption_expansion, 3, 4, KeyPurpose.ENCRYPTION)
    assert response_key == ee.encryption_caterpillar.public_point + openssl_times_g(Curve.P256, f_e)
    assert response_key != cocoon


@pytest.mark.parametrize("variant", [ButterflyVariant.UNIFIED, ButterflyVariant.COMPACT_UNIFIED])
def test_unified_response_key_is_the_signing_cocoon_key(variant: ButterflyVariant) -> None:
    ee = Ee.new(variant, (bytes(range(16)), bytes(16)))
    cocoon, response_key = _ra_cocoon_keys(ee, 3, 4)
    assert response_key == cocoon


def test_original_variant_needs_its_encryption_material() -> None:
    cocoon_key = SoftwareKey.generate()
    with pytest.raises(ValueError, match="original variant"):
        response_encryption_public_key(ButterflyVariant.ORIGINAL, cocoon_key.public_point, 0, 0)
    with pytest.raises(ValueError, match="original variant"):
        response_decryption_key(ButterflyVariant.ORIGINAL, cocoon_key, 0, 0, encryption_expansion_key=bytes(16))


def test_explicit_key_checks() -> None:
    cocoon_key = SoftwareKey.generate()
    c, certificate_key = explicit_randomize(cocoon_key.public_point)
    assert len(c) == 32 and certificate_key != cocoon_key.public_point
    wrong_c = (int.from_bytes(c) ^ 1).to_bytes(32)
    with pytest.raises(InvalidKey, match="does not match"):
        explicit_private_key(cocoon_key, wrong_c, certificate_key)
    for bad in (c[:31], Curve.P256.n.to_bytes(32)):
        with pytest.raises(InvalidKey):
            explicit_private_key(cocoon_key, bad)


def test_expansion_inputs_differ_by_purpose_and_check_ranges() -> None:
    assert expansion_input(1, 2, KeyPurpose.SIGNING) == bytes.fromhex("00000000000000010000000200000000")
    assert expansion_input(1, 2, KeyPurpose.ENCRYPTION) == bytes.fromhex("ffffffff000000010000000200000000")
    for i, j in ((-1, 0), (0, -1), (1 << 32, 0), (0, 1 << 32)):
        with pytest.raises(ValueError):
            expansion_input(i, j, KeyPurpose.SIGNING)
    with pytest.raises(ValueError):
        expansion_f(bytes(15), 0, 0, KeyPurpose.SIGNING)
