"""The CAMP crypto-primitive vectors (shared/vectors/camp) and the OpenSCMS butterfly KAT, one test per case."""

from __future__ import annotations

from typing import Any

import pytest

from scms.crypto import (
    Curve,
    DecryptionFailed,
    EciesEncryptedKey,
    KeyPurpose,
    Point,
    SoftwareKey,
    aes128ccm_decrypt,
    aes128ccm_encrypt,
    cocoon_private_key,
    cocoon_public_key,
    ecies_unwrap,
    ecies_wrap,
    expansion_aes_inputs,
    expansion_f,
    expansion_f_int,
    expansion_input,
    kdf2_sha256,
    linkage_value,
    pre_linkage_value,
)
from vectors import case, case_params, unhex

P256 = Curve.P256


def _key(hex_scalar: str) -> SoftwareKey:
    return SoftwareKey.from_private_bytes(P256, unhex(hex_scalar))


def _point(hex_point: str) -> Point:
    return Point.decode(P256, unhex(hex_point))


def _purpose(item: dict[str, Any]) -> KeyPurpose:
    return KeyPurpose.SIGNING if item["purpose"] == "signing" else KeyPurpose.ENCRYPTION


# --- butterfly expansion --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("param", case_params("camp/butterfly-expansion.json"))
def test_butterfly_expansion_intermediates(param: tuple[str, int | None]) -> None:
    item = case(param)
    key, i, j, purpose = unhex(item["expansion_key"]), item["i"], item["j"], _purpose(item)
    x = expansion_input(i, j, purpose)
    assert x.hex() == item["expected_expansion_input_x"]
    f_int = expansion_f_int(key, x)
    assert f_int.hex() == item["expected_f_int"]
    if "expected_aes_inputs_x_plus_1_2_3" not in item:
        return  # the KISA case pins down x and f_int only (see its notes)
    inputs = expansion_aes_inputs(x)
    assert [block.hex() for block in inputs] == item["expected_aes_inputs_x_plus_1_2_3"]
    blocks = [f_int[16 * t : 16 * t + 16] for t in range(3)]
    assert [block.hex() for block in blocks] == item["expected_blocks_aes_output_xor_input"]
    # The AES outputs of the vector are what our blocks XOR their inputs give back.
    outputs = [bytes(a ^ b for a, b in zip(block, inp, strict=True)) for block, inp in zip(blocks, inputs, strict=True)]
    assert [out.hex() for out in outputs] == item["expected_aes_outputs"]
    assert expansion_f(key, i, j, purpose) == int(item["expected_f_mod_n"], 16)


@pytest.mark.parametrize("param", case_params("camp/butterfly-expansion.json"))
def test_butterfly_cocoon_keys(param: tuple[str, int | None]) -> None:
    item = case(param)
    role = "signing" if item["purpose"] == "signing" else "encryption"
    if f"expected_cocoon_{role}_private_key" not in item:
        pytest.skip("this case publishes no cocoon keys (KISA: x and f_int only)")
    key, i, j, purpose = unhex(item["expansion_key"]), item["i"], item["j"], _purpose(item)
    caterpillar_key = _key(item[f"caterpillar_{role}_private_key"])
    caterpillar = _point(item[f"caterpillar_{role}_public_key_uncompressed"])
    assert caterpillar_key.public_point == caterpillar
    expected_public = _point(item[f"expected_cocoon_{role}_public_key_uncompressed"])
    assert cocoon_public_key(caterpillar, key, i, j, purpose) == expected_public
    cocoon_key = cocoon_private_key(caterpillar_key, key, i, j, purpose)
    # Equal public points <=> equal scalars mod n: the expected private key, imported, must give the same point.
    assert cocoon_key.public_point == _key(item[f"expected_cocoon_{role}_private_key"]).public_point
    assert cocoon_key.public_point == expected_public


@pytest.mark.parametrize("param", case_params("openscms/kat/butterfly-expansion.json"))
def test_openscms_butterfly_kat(param: tuple[str, int | None]) -> None:
    item = case(param)
    key, i, j, purpose = unhex(item["expansion_key"]), item["i"], item["j"], _purpose(item)
    if "y_hex" in item:
        assert expansion_f_int(key, expansion_input(i, j, purpose)).hex() == item["y_hex"]
    f = expansion_f(key, i, j, purpose)
    assert Point.generator(P256).mul_public(f).encode(compressed=True).hex() == item["f_times_G_compressed"]
    caterpillar = _point(item["caterpillar_uncompressed"])
    cocoon = cocoon_public_key(caterpillar, key, i, j, purpose)
    assert cocoon.encode(compressed=True).hex() == item["cocoon_compressed"]


# --- linkage ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("param", case_params("camp/linkage-values.json"))
def test_linkage_values(param: tuple[str, int | None]) -> None:
    item = case(param)
    assert item["i"] == 0  # initial seeds: no evolution in this file
    j = item["j"]
    plvs = []
    for la in ("1", "2"):
        la_id = int(item[f"la_id_{la}"], 16)
        seed = unhex(item[f"linkage_seed_{la}"])
        plv = pre_linkage_value(la_id, seed, j)
        assert plv.hex() == item[f"expected_plv_{la}"]
        # The AES input of the vector, XORed into the first 9 bytes of the published AES output, gives our PLV.
        aes_in, aes_out = unhex(item[f"expected_aes_input_{la}"]), unhex(item[f"expected_aes_output_{la}"])
        assert aes_in == la_id.to_bytes(2) + j.to_bytes(4) + bytes(10)
        assert bytes(a ^ b for a, b in zip(aes_in[:9], aes_out[:9], strict=True)) == plv
        plvs.append(plv)
    assert linkage_value(plvs[0], plvs[1]).hex() == item["expected_lv"]


# --- ECIES, KDF2, AES-CCM ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("param", case_params("camp/ecies.json"))
def test_ecies_wrap_with_fixed_ephemeral_key(param: tuple[str, int | None]) -> None:
    item = case(param)
    recipient = _point(item["recipient_public_key_uncompressed"])
    ephemeral = _key(item["ephemeral_private_key"])
    wrapped = ecies_wrap(recipient, unhex(item["plaintext_key"]), unhex(item["p1"]), ephemeral=ephemeral)
    assert wrapped.v.encode(compressed=False).hex() == item["expected_ephemeral_public_key_uncompressed"]
    assert wrapped.c.hex() == item["expected_ciphertext"]
    assert wrapped.t.hex() == item["expected_tag"]


@pytest.mark.parametrize("param", case_params("camp/ecies.json"))
def test_ecies_unwrap(param: tuple[str, int | None]) -> None:
    item = case(param)
    recipient_key = _key(item["recipient_private_key"])
    assert recipient_key.public_point == _point(item["recipient_public_key_uncompressed"])
    wrapped = EciesEncryptedKey(
        _point(item["expected_ephemeral_public_key_uncompressed"]),
        unhex(item["expected_ciphertext"]),
        unhex(item["expected_tag"]),
    )
    assert ecies_unwrap(recipient_key, wrapped, unhex(item["p1"])).hex() == item["plaintext_key"]


@pytest.mark.parametrize("param", case_params("camp/ecies.json"))
def test_ecies_unwrap_with_the_printed_p1_fails(param: tuple[str, int | None]) -> None:
    # ecies.txt prints k on its "P1" line; decrypting with that value must fail the tag (vector notes).
    item = case(param)
    wrapped = EciesEncryptedKey(
        _point(item["expected_ephemeral_public_key_uncompressed"]),
        unhex(item["expected_ciphertext"]),
        unhex(item["expected_tag"]),
    )
    with pytest.raises(DecryptionFailed):
        ecies_unwrap(_key(item["recipient_private_key"]), wrapped, unhex(item["plaintext_key"]))


@pytest.mark.parametrize("param", case_params("camp/kdf2.json"))
def test_kdf2_sha256(param: tuple[str, int | None]) -> None:
    item = case(param)
    out = kdf2_sha256(unhex(item["shared_secret"]), unhex(item["key_derivation_parameter"]), item["output_length"])
    assert out.hex() == item["expected_output"]


@pytest.mark.parametrize("param", case_params("camp/aes-ccm.json"))
def test_aes128ccm(param: tuple[str, int | None]) -> None:
    item = case(param)
    key, nonce, plaintext = unhex(item["key"]), unhex(item["nonce"]), unhex(item["plaintext"])
    assert len(plaintext) == item["plaintext_length"]
    sealed = aes128ccm_encrypt(key, nonce, plaintext)
    assert sealed.hex() == item["expected_ciphertext_and_tag"]
    assert aes128ccm_decrypt(key, nonce, unhex(item["expected_ciphertext_and_tag"])) == plaintext
