"""Hazardous material: the error types of the crypto primitives; `scms.dot2` turns them into 1609.2.1 errors.

Use the `verify_*` functions of `scms.dot2`, which raise the project's protocol error with its 1609.2.1 code.
Here there is one small hierarchy so that callers can catch `CryptoError` once. Messages name what failed and
never carry key material, shared secrets or plaintext.
"""

from __future__ import annotations

__all__ = ["CryptoError", "DecryptionFailed", "InvalidKey", "InvalidPoint", "InvalidSignature"]


class CryptoError(Exception):
    """Base of every error raised by `scms.crypto`."""


class InvalidPoint(CryptoError):
    """A curve point is malformed, not on the curve, or the point at infinity."""


class InvalidSignature(CryptoError):
    """An ECDSA signature does not verify (maps to 1609.2.1 "failed signature verification")."""


class DecryptionFailed(CryptoError):
    """An ECIES tag or AES-CCM tag did not verify (maps to 1609.2.1 "failed decryption")."""


class InvalidKey(CryptoError):
    """A key file could not be read, or a reconstructed key does not match its public key."""
