"""Linkage seeds, pre-linkage values, linkage values and encrypted indices: CAMP layout (standards notes §7)."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, settings
from hypothesis import strategies as st

from scms.crypto import (
    encrypted_index,
    group_linkage_value,
    group_pre_linkage_value,
    linkage_seed_after,
    linkage_value,
    next_linkage_seed,
    pre_linkage_value,
    pre_linkage_values,
)

SEED = st.binary(min_size=16, max_size=16)
LA_ID = st.integers(0, 0xFFFF)
U32 = st.integers(0, 0xFFFFFFFF)
PROPERTY = settings(max_examples=30, deadline=None)


def _aes_block(key: bytes, block: bytes) -> bytes:
    return Cipher(algorithms.AES(key), modes.ECB()).encryptor().update(block)


@PROPERTY
@given(LA_ID, SEED)
def test_seed_evolution_hashes_la_id_seed_and_112_zero_bits(la_id: int, seed: bytes) -> None:
    sha_input = la_id.to_bytes(2, "big") + seed + bytes(14)
    assert len(sha_input) == 32
    assert next_linkage_seed(la_id, seed) == hashlib.sha256(sha_input).digest()[:16]


@PROPERTY
@given(LA_ID, SEED, st.integers(0, 6))
def test_n_steps_are_n_single_steps(la_id: int, seed: bytes, steps: int) -> None:
    expected = seed
    for _ in range(steps):
        expected = next_linkage_seed(la_id, expected)
    assert linkage_seed_after(la_id, seed, steps) == expected


@PROPERTY
@given(LA_ID, SEED, st.lists(U32, min_size=1, max_size=20))
def test_pre_linkage_values_are_aes_output_xor_input_first_9_bytes(la_id: int, seed: bytes, js: list[int]) -> None:
    values = pre_linkage_values(la_id, seed, js)
    for j, value in zip(js, values, strict=True):
        block = la_id.to_bytes(2, "big") + j.to_bytes(4, "big") + bytes(10)
        expected = bytes(a ^ b for a, b in zip(_aes_block(seed, block), block, strict=True))[:9]
        assert value == expected == pre_linkage_value(la_id, seed, j)


@PROPERTY
@given(LA_ID, LA_ID, SEED, SEED, U32)
def test_group_linkage_uses_the_same_functions_with_j_value(
    la1: int, la2: int, gs1: bytes, gs2: bytes, j_value: int
) -> None:
    gplv1, gplv2 = group_pre_linkage_value(la1, gs1, j_value), group_pre_linkage_value(la2, gs2, j_value)
    assert gplv1 == pre_linkage_value(la1, gs1, j_value)
    glv = group_linkage_value(gplv1, gplv2)
    assert glv == linkage_value(gplv2, gplv1) == bytes(a ^ b for a, b in zip(gplv1, gplv2, strict=True))
    assert len(glv) == 9


@PROPERTY
@given(SEED, U32, U32)
def test_encrypted_index_is_aes_of_j_k_zero_xor_input(key: bytes, j_value: int, k: int) -> None:
    block = j_value.to_bytes(4, "big") + k.to_bytes(4, "big") + bytes(8)
    expected = bytes(a ^ b for a, b in zip(_aes_block(key, block), block, strict=True))
    assert encrypted_index(key, j_value, k) == expected


def test_range_checks() -> None:
    seed = bytes(16)
    with pytest.raises(ValueError):
        next_linkage_seed(0x10000, seed)
    with pytest.raises(ValueError):
        next_linkage_seed(1, bytes(15))
    with pytest.raises(ValueError):
        linkage_seed_after(1, seed, -1)
    with pytest.raises(ValueError):
        pre_linkage_value(1, seed, 1 << 32)
    with pytest.raises(ValueError):
        linkage_value(bytes(9), bytes(16))
    with pytest.raises(ValueError):
        encrypted_index(bytes(16), -1, 0)
    with pytest.raises(ValueError):
        encrypted_index(bytes(32), 0, 0)
