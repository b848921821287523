"""`EncryptedIndividualPLV`: one pre-linkage value, encrypted by a linkage authority for the ACA (1609.2.1
`Ieee1609Dot2Dot1AcaRaInterface`, `LinkageInfo`; standards notes §7.3).

    EncryptedIndividualPLV ::= {version 2, laId (2 octets), encPlv Ieee1609Dot2Data-SymmEncryptedSingleRecipient}

`encPlv` is an encryptedData with exactly one recipient, a `symmRecipInfo` whose recipientId is the HashedId8 of
the `SymmetricEncryptionKey` that LA and ACA share; its AES-128-CCM plaintext is the `Ieee1609Dot2Data`
unsecuredData holding the 9 octets of `PreLinkageValue` (1609.2 encrypts an Ieee1609Dot2Data). The RA carries it
from the LA to the ACA inside `RaAcaCertRequest.linkageInfo` and cannot read it: it has no key. How LA and ACA
come to share the key is outside 1609.2.1; here it is configuration (`docs/api-protocol-internal.md`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scms import asn1
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import (
    RecipientSymmetricKey,
    SymmetricEncryptionKey,
    SymmRecipient,
    decrypt,
    encrypt,
    unsecured,
)
from scms.protocol._codec import decode

__all__ = ["ENCRYPTED_PLV_VERSION", "PLV_SIZE", "EncryptedPlv", "decrypt_plv", "encrypt_plv"]

ENCRYPTED_PLV_VERSION = 2
PLV_SIZE = 9
"""`PreLinkageValue ::= OCTET STRING (SIZE(9))` (1609.2 clause 5.1.3.4)."""
_ENC_PLV_OFFSET = 3
_ONE_SYMM_RECIPIENT = bytes.fromhex("0382010181")
"""Ieee1609Dot2Data v3, encryptedData, SequenceOfRecipientInfo of quantity 1, symmRecipInfo: COER of the start of
every `Ieee1609Dot2Data-SymmEncryptedSingleRecipient`."""


@dataclass(frozen=True)
class EncryptedPlv:
    """A received or built `EncryptedIndividualPLV`: the LA that made it and its exact COER bytes (build it with
    `from_bytes`, `from_coer` or `encrypt_plv`, which guarantee that `data` is one canonical encoding)."""

    la_id: int
    data: bytes
    """COER of the whole EncryptedIndividualPLV."""

    @classmethod
    def from_bytes(cls, data: bytes) -> EncryptedPlv:
        """Strictly decode `data`; 400-42 when it is not one canonical EncryptedIndividualPLV."""
        return cls(int.from_bytes(decode("EncryptedIndividualPLV", data)["laId"]), bytes(data))

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> EncryptedPlv:
        """From the decoded value (e.g. `RaAcaCertRequest.linkageInfo.encPlv1`): it was strictly decoded, so
        encoding it again gives the bytes received."""
        return cls(int.from_bytes(value["laId"]), asn1.encode("EncryptedIndividualPLV", value))

    def to_coer(self) -> asn1.Encoded:
        """The component to put in a `LinkageInfo`, written from its bytes."""
        return asn1.Encoded("EncryptedIndividualPLV", self.data)

    def __repr__(self) -> str:
        return f"EncryptedPlv(la_id={self.la_id}, {len(self.data)} bytes)"


def encrypt_plv(plv: bytes, la_id: int, key: SymmetricEncryptionKey) -> EncryptedPlv:
    """LA: encrypt the 9-octet `plv` for the ACA under the LA-ACA `key` (fresh data key and nonces)."""
    if len(plv) != PLV_SIZE:
        raise ValueError("a pre-linkage value is 9 octets")
    if not 0 <= la_id <= 0xFFFF:
        raise ValueError("an LaId is 16 bits")
    encrypted = encrypt(unsecured(plv), [SymmRecipient(key)])
    encrypted_data = asn1.Encoded("Ieee1609Dot2Data", encrypted)
    value = {"version": ENCRYPTED_PLV_VERSION, "laId": la_id.to_bytes(2), "encPlv": encrypted_data}
    return EncryptedPlv(la_id, asn1.encode("EncryptedIndividualPLV", value))


def decrypt_plv(encrypted: EncryptedPlv, keys: Mapping[int, SymmetricEncryptionKey]) -> bytes:
    """ACA: the pre-linkage value inside `encrypted`, with the key shared with LA `encrypted.la_id`.

    400-41 when no key is shared with that LA, the recipient is not that key or the CCM tag fails; 400-42 when
    encPlv is not an encryptedData with one symmRecipInfo or the plaintext is not a 9-octet unsecuredData.
    """
    key = keys.get(encrypted.la_id)
    if key is None:
        raise Ieee1609Error(ErrorCode.FAILED_DECRYPTION, f"no key shared with LA {encrypted.la_id}")
    # A SEQUENCE without optional fields or extensions has no preamble: version (1 octet), laId (2), then encPlv.
    enc_plv = encrypted.data[_ENC_PLV_OFFSET:]
    # `decrypt` decodes strictly (canonical COER only), so this prefix says exactly "one recipient, symmRecipInfo".
    if not enc_plv.startswith(_ONE_SYMM_RECIPIENT):
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, "encPlv has one recipient, a symmRecipInfo")
    plaintext = decrypt(enc_plv, [RecipientSymmetricKey(key)])
    plv = plaintext[-PLV_SIZE:]
    if plaintext != unsecured(plv):
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, "the plaintext of encPlv is no unsecured PreLinkageValue")
    return plv
