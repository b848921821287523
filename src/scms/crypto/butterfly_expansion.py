"""Hazardous material: the raw butterfly expansion function; it only makes sense inside a butterfly flow.

Use `scms.crypto.butterfly` (cocoon keys, response keys) or the protocol layer instead. 1609.2.1 §9.3 / CAMP:
x_S(i,j) = 0^32 ‖ i ‖ j ‖ 0^32 (signing), x_E(i,j) = 1^32 ‖ i ‖ j ‖ 0^32 (encryption), i and j 32-bit big-endian;
f_int(k, x) = (AES_k(x+1) ⊕ (x+1)) ‖ (AES_k(x+2) ⊕ (x+2)) ‖ (AES_k(x+3) ⊕ (x+3)) with 128-bit integer addition;
f = int(f_int) mod n — the whole 384 bits are reduced (standards notes §6.1, verified on the CAMP vectors).
"""

from __future__ import annotations

from enum import Enum

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from scms.crypto.curves import Curve

__all__ = ["KeyPurpose", "expansion_aes_inputs", "expansion_f", "expansion_f_int", "expansion_input"]

_UINT32 = 1 << 32
_BLOCK = 1 << 128
_ECB = modes.ECB()  # noqa: S305 -- single AES blocks used as a PRF, as 1609.2.1 §9.3 defines it


class KeyPurpose(Enum):
    """Which expansion input: x_S for signing keys (prefix 0^32), x_E for encryption keys (prefix 1^32)."""

    SIGNING = 0x00000000
    ENCRYPTION = 0xFFFFFFFF


def expansion_input(i: int, j: int, purpose: KeyPurpose) -> bytes:
    """x_S(i, j) or x_E(i, j), 16 bytes."""
    if not (0 <= i < _UINT32 and 0 <= j < _UINT32):
        raise ValueError("i and j are 32-bit unsigned integers")
    return purpose.value.to_bytes(4) + i.to_bytes(4) + j.to_bytes(4) + bytes(4)


def expansion_aes_inputs(x: bytes) -> tuple[bytes, bytes, bytes]:
    """x+1, x+2, x+3 as 16-byte blocks (128-bit addition; it never wraps for a real x, whose low word is 0)."""
    if len(x) != 16:
        raise ValueError("the expansion input is 16 bytes")
    base = int.from_bytes(x)
    first, second, third = (((base + t) % _BLOCK).to_bytes(16) for t in (1, 2, 3))
    return first, second, third


def expansion_f_int(expansion_key: bytes, x: bytes) -> bytes:
    """f_int(k, x), 48 bytes: the three AES blocks, each XORed with its input."""
    if len(expansion_key) != 16:
        raise ValueError("the butterfly expansion key is a 16-byte AES-128 key")
    blocks = b"".join(expansion_aes_inputs(x))
    # One ECB call for the three blocks; XOR the 384-bit strings as integers.
    output = Cipher(algorithms.AES(expansion_key), _ECB).encryptor().update(blocks)
    return (int.from_bytes(output) ^ int.from_bytes(blocks)).to_bytes(48)


def expansion_f(expansion_key: bytes, i: int, j: int, purpose: KeyPurpose, curve: Curve = Curve.P256) -> int:
    """f(k, i, j) = int(f_int(k, x(i, j))) mod n. Only P-256 is defined by vectors; other curves reduce mod their n."""
    return int.from_bytes(expansion_f_int(expansion_key, expansion_input(i, j, purpose))) % curve.n
