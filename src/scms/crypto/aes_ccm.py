"""Hazardous material: raw AES-128-CCM with caller-supplied keys and nonces; a reused nonce breaks it.

Use the encrypted-SPDU recipes of `scms.dot2` instead, which draw a fresh key and nonce per message. This is
1609.2 §5.3.8 `SymmetricCiphertext.aes128ccm`: AES-128-CCM (NIST SP 800-38C) with a 12-byte nonce, a 16-byte tag
appended to the ciphertext and no associated data.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESCCM

from scms.crypto.errors import DecryptionFailed

__all__ = ["aes128ccm_decrypt", "aes128ccm_encrypt", "new_aes128_key", "new_ccm_nonce"]

KEY_SIZE = 16
NONCE_SIZE = 12
TAG_SIZE = 16


def new_aes128_key() -> bytes:
    """A fresh random 16-byte data key (one per message)."""
    return os.urandom(KEY_SIZE)


def new_ccm_nonce() -> bytes:
    """A fresh random 12-byte nonce (never reuse one with the same key)."""
    return os.urandom(NONCE_SIZE)


def _check(key: bytes, nonce: bytes) -> None:
    if len(key) != KEY_SIZE or len(nonce) != NONCE_SIZE:
        raise ValueError("AES-128-CCM takes a 16-byte key and a 12-byte nonce")


def aes128ccm_encrypt(key: bytes, nonce: bytes, plaintext: bytes) -> bytes:
    """ciphertext ‖ 16-byte tag (the `ccmCiphertext` of `One28BitCcmCiphertext`)."""
    _check(key, nonce)
    return AESCCM(key, TAG_SIZE).encrypt(nonce, plaintext, None)


def aes128ccm_decrypt(key: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    """The plaintext; DecryptionFailed if the tag does not verify (nothing is returned then)."""
    _check(key, nonce)
    if len(ciphertext) < TAG_SIZE:
        raise DecryptionFailed("AES-CCM ciphertext shorter than its tag")
    try:
        return AESCCM(key, TAG_SIZE).decrypt(nonce, ciphertext, None)
    except InvalidTag:
        raise DecryptionFailed("AES-CCM tag does not verify") from None
