"""Hazardous material: a raw key derivation function; ECIES in `scms.crypto.ecies` is its only intended user.

Use `ecies_wrap` / `ecies_unwrap` (or the encryption recipes of `scms.dot2`) instead. KDF2 with SHA-256 (IEEE 1363a
§13.2, the KDF of 1609.2 §5.3.5), which is the same construction as ANSI X9.63:
`SHA-256(Z ‖ counter ‖ P) ‖ ...`, a 4-byte big-endian counter starting at 1, truncated to the length asked for.
"""

from __future__ import annotations

import hashlib

__all__ = ["kdf2_sha256"]

_MAX_LENGTH = 32 * 0xFFFFFFFF


def kdf2_sha256(shared_secret: bytes, parameter: bytes, length: int) -> bytes:
    """`length` bytes of KDF2-SHA256(Z = shared_secret, P = parameter)."""
    if not 0 < length <= _MAX_LENGTH:
        raise ValueError("KDF2 output length out of range")
    blocks = [
        hashlib.sha256(shared_secret + counter.to_bytes(4) + parameter).digest()
        for counter in range(1, (length + 31) // 32 + 1)
    ]
    return b"".join(blocks)[:length]
