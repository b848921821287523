"""Encryption keys as recipients name them (1609.2 clause 6.3.34): the HashedId8 of a canonical COER
`PublicEncryptionKey` (rekRecipInfo) and the `SymmetricEncryptionKey` of symmRecipInfo / pskRecipInfo.

The public key type is the certificate layer's `PublicEncryptionKey` (point + symmetric algorithm); only
AES-128-CCM with ECIES on NIST P-256 or brainpoolP256r1 is supported (the two non-SM alternatives).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms.crypto import Curve, HashedId8
from scms.dot2._codec import encode
from scms.dot2.certificate_fields import PublicEncryptionKey
from scms.dot2.curve_points import ENCRYPTION_KEY_CURVES

__all__ = ["PublicEncryptionKey", "SymmetricEncryptionKey", "ecies_alternative", "public_key_id"]

# The same names serve BasePublicEncryptionKey and EncryptedDataEncryptionKey (clause 6.3.33).
_ECIES_ALTERNATIVE = {curve: name for name, curve in ENCRYPTION_KEY_CURVES.items()}
AES_KEY_SIZE = 16


def ecies_alternative(curve: Curve) -> str:
    """The ECIES CHOICE alternative for `curve`; ValueError for a curve 1609.2 does not encrypt to."""
    try:
        return _ECIES_ALTERNATIVE[curve]
    except KeyError:
        raise ValueError(f"no 1609.2 ECIES on {curve.name}") from None


def public_key_id(key: PublicEncryptionKey) -> HashedId8:
    """The rekRecipInfo recipientId: HashedId8 of the COER `PublicEncryptionKey`, point compressed (canonical)."""
    return HashedId8.of(encode("PublicEncryptionKey", key.to_coer()))


@dataclass(frozen=True, repr=False)
class SymmetricEncryptionKey:
    """A 16-byte AES-128-CCM key (`SymmetricEncryptionKey.aes128Ccm`); its repr never shows the key."""

    key: bytes

    def __post_init__(self) -> None:
        if len(self.key) != AES_KEY_SIZE:
            raise ValueError("an AES-128 key has 16 bytes")

    def __repr__(self) -> str:
        return "SymmetricEncryptionKey([secure])"

    def to_coer(self) -> tuple[str, Any]:
        return ("aes128Ccm", self.key)

    def hashed_id8(self) -> HashedId8:
        """The symmRecipInfo / pskRecipInfo recipientId: HashedId8 of the COER `SymmetricEncryptionKey`."""
        return HashedId8.of(encode("SymmetricEncryptionKey", self.to_coer()))
