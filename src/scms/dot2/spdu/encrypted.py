"""Encrypted SPDUs (1609.2 clause 5.3.4, 6.3.30 EncryptedData): AES-128-CCM data, one RecipientInfo per recipient.

The plaintext is the COER of an `Ieee1609Dot2Data` (e.g. a signed SPDU, or `unsecured(payload)`); a fresh data key
and nonce are drawn for every message, and every recipient entry carries the same data key (pskRecipInfo: the data
key IS the pre-shared key, so it must be the only recipient). Every decryption failure is 400-41.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scms.asn1 import Encoded
from scms.crypto import CryptoError, aes128ccm_decrypt, aes128ccm_encrypt, new_aes128_key, new_ccm_nonce
from scms.dot2._codec import encode
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu.data import PROTOCOL_VERSION, Ieee1609Dot2Data, inner_data
from scms.dot2.spdu.recipients import PskRecipient, Recipient, RecipientPrivateKey, RecipientSymmetricKey

__all__ = ["RecipientKey", "decrypt", "encrypt"]

RecipientKey = RecipientPrivateKey | RecipientSymmetricKey


def encrypt(inner: bytes | Encoded, recipients: Sequence[Recipient]) -> bytes:
    """COER `Ieee1609Dot2Data` (encryptedData) carrying `inner` (the COER of an Ieee1609Dot2Data) to `recipients`.

    As for `sign_data`, bytes are decoded first and an `asn1.Encoded` of an Ieee1609Dot2Data is taken as it is.
    """
    if not recipients:
        raise ValueError("an encrypted SPDU needs at least one recipient")
    plaintext = inner_data(inner).data  # the plaintext of 1609.2 encryption is an Ieee1609Dot2Data
    psk = [r for r in recipients if isinstance(r, PskRecipient)]
    if psk and len(recipients) > 1:
        raise ValueError("a pskRecipInfo encrypts with the pre-shared key itself and must be the only recipient")
    data_key = psk[0].key.key if psk else new_aes128_key()
    nonce = new_ccm_nonce()
    value = {
        "recipients": [recipient.recipient_info(data_key) for recipient in recipients],
        "ciphertext": ("aes128ccm", {"nonce": nonce, "ccmCiphertext": aes128ccm_encrypt(data_key, nonce, plaintext)}),
    }
    return encode("Ieee1609Dot2Data", {"protocolVersion": PROTOCOL_VERSION, "content": ("encryptedData", value)})


def decrypt(data: bytes, keys: Sequence[RecipientKey]) -> bytes:
    """The inner `Ieee1609Dot2Data` bytes of an encrypted SPDU, using the first recipient entry one of `keys` answers.

    400-42 if `data` is not an encrypted Ieee1609Dot2Data (or the plaintext is not one); 400-41 when no entry names
    one of our keys, the key unwrap fails, or the CCM tag does not verify.
    """
    encrypted = Ieee1609Dot2Data.from_bytes(data).expect("encryptedData")
    data_key = _data_key(encrypted["recipients"], keys)
    alternative, ciphertext = encrypted["ciphertext"]
    if alternative != "aes128ccm":
        raise Ieee1609Error(ErrorCode.FAILED_DECRYPTION, f"unsupported symmetric cipher {alternative}")
    try:
        plaintext = aes128ccm_decrypt(data_key, ciphertext["nonce"], ciphertext["ccmCiphertext"])
    except CryptoError:
        raise Ieee1609Error(ErrorCode.FAILED_DECRYPTION, "the AES-CCM tag does not verify") from None
    Ieee1609Dot2Data.from_bytes(plaintext)
    return plaintext


def _data_key(entries: list[tuple[str, Any]], keys: Sequence[RecipientKey]) -> bytes:
    for entry in entries:
        for key in keys:
            if key.matches(entry):
                try:
                    return key.data_key(entry)
                except CryptoError as exc:
                    raise Ieee1609Error(ErrorCode.FAILED_DECRYPTION, f"{entry[0]}: {exc}") from None
    raise Ieee1609Error(ErrorCode.FAILED_DECRYPTION, "no recipient entry names one of our keys")
