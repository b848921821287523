"""Hazardous material: raw linkage-seed and linkage-value functions; seeds are the LA's most sensitive data.

Use the LA / ACA / CRL functions of `scms.protocol` and `scms.dot2` instead. 1609.2 §5.1.3.4 with the CAMP byte
layout (standards notes §7.1; `la_id` 2 bytes and j 4 bytes, big-endian, at the START of the block):
- seed evolution (seedEvoFn1-sha256): ls(i) = first 16 bytes of SHA-256(la_id ‖ ls(i-1) ‖ 0^112);
- pre-linkage value (lvGenFn1-aes128): plv(i, j) = first 9 bytes of AES_ls(i)(la_id ‖ j ‖ 0^80) ⊕ that input;
- lv = plv1 ⊕ plv2. Group linkage uses the same functions with group seeds and a 32-bit jValue (§7.2).
Another layout (0^80 ‖ la_id ‖ j, last bytes) is in circulation [U]; the layout lives in `_plv_input` and
`next_linkage_seed` only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = [
    "encrypted_index",
    "group_linkage_value",
    "group_pre_linkage_value",
    "linkage_seed_after",
    "linkage_value",
    "next_linkage_seed",
    "pre_linkage_value",
    "pre_linkage_values",
]

SEED_SIZE = 16
PLV_SIZE = 9
_ECB = modes.ECB()  # noqa: S305 -- independent single AES blocks, as 1609.2 §5.1.3.4 defines them


def _check_seed(la_id: int, seed: bytes) -> None:
    if not 0 <= la_id <= 0xFFFF:
        raise ValueError("la_id is a 16-bit LaId")
    if len(seed) != SEED_SIZE:
        raise ValueError("a linkage seed is 16 bytes")


def _u32(value: int) -> bytes:
    if not 0 <= value <= 0xFFFFFFFF:
        raise ValueError("j / jValue / k are 32-bit unsigned integers")
    return value.to_bytes(4)


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a) ^ int.from_bytes(b)).to_bytes(len(a))


def next_linkage_seed(la_id: int, seed: bytes) -> bytes:
    """ls(i) from ls(i-1): one step of seed evolution."""
    _check_seed(la_id, seed)
    return hashlib.sha256(la_id.to_bytes(2) + seed + bytes(14)).digest()[:SEED_SIZE]


def linkage_seed_after(la_id: int, seed: bytes, steps: int) -> bytes:
    """ls(i0 + steps) from ls(i0) (e.g. steps = iCert - iRev when checking a CRL entry)."""
    if steps < 0:
        raise ValueError("seeds evolve forwards only")
    for _ in range(steps):
        seed = next_linkage_seed(la_id, seed)
    _check_seed(la_id, seed)
    return seed


def _plv_input(la_id: int, j: int) -> bytes:
    return la_id.to_bytes(2) + _u32(j) + bytes(10)


def pre_linkage_values(la_id: int, seed: bytes, js: Iterable[int]) -> list[bytes]:
    """plv(i, j) for every j in `js` with one AES key schedule (an LA issues jmax of them per i-period)."""
    _check_seed(la_id, seed)
    inputs = [_plv_input(la_id, j) for j in js]
    outputs = Cipher(algorithms.AES(seed), _ECB).encryptor().update(b"".join(inputs))
    return [_xor(outputs[16 * n : 16 * n + PLV_SIZE], block[:PLV_SIZE]) for n, block in enumerate(inputs)]


def pre_linkage_value(la_id: int, seed: bytes, j: int) -> bytes:
    """plv(i, j), 9 bytes, with `seed` = ls(i) of the LA whose id is `la_id`."""
    return pre_linkage_values(la_id, seed, (j,))[0]


def linkage_value(plv1: bytes, plv2: bytes) -> bytes:
    """lv(i, j) = plv1 ⊕ plv2, the 9-byte `LinkageValue` of a pseudonym certificate."""
    if len(plv1) != PLV_SIZE or len(plv2) != PLV_SIZE:
        raise ValueError("pre-linkage values are 9 bytes")
    return _xor(plv1, plv2)


def group_pre_linkage_value(la_id: int, group_seed: bytes, j_value: int) -> bytes:
    """gplv(i, jValue): the pre-linkage function keyed by a group seed gs(i), with the 32-bit jValue for j."""
    return pre_linkage_value(la_id, group_seed, j_value)


def group_linkage_value(gplv1: bytes, gplv2: bytes) -> bytes:
    """glv = gplv1 ⊕ gplv2, the `value` of a `GroupLinkageValue` (its `jValue` is jValue as 4 bytes)."""
    return linkage_value(gplv1, gplv2)


def encrypted_index(indices_key: bytes, j_value: int, k: int) -> bytes:
    """ei(j, k) = AES_ik(j ‖ k ‖ 0^64) ⊕ that input, 16 bytes (CAMP glv; k = 32-bit group chain identifier).

    Note: the CAMP script calls its function with j and k swapped; this follows its documented formula.
    """
    if len(indices_key) != 16:
        raise ValueError("the indices key is a 16-byte AES-128 key")
    block = _u32(j_value) + _u32(k) + bytes(8)
    return _xor(Cipher(algorithms.AES(indices_key), _ECB).encryptor().update(block), block)
