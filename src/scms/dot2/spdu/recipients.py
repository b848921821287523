"""Recipients of an encrypted SPDU (1609.2 clause 6.3.32 RecipientInfo; standards-notes §5.2).

Sender side, one class per RecipientInfo alternative, each knowing its recipientId and how it wraps the data key:

| class                 | recipientId                                   | data key                                   |
|-----------------------|-----------------------------------------------|--------------------------------------------|
| `CertRecipient`       | HashedId8 of the recipient certificate        | ECIES, P1 = hash of that certificate       |
| `SignedDataRecipient` | HashedId8 of the signed Ieee1609Dot2Data      | ECIES to its header key, P1 = its hash     |
| `RekRecipient`        | HashedId8 of the COER PublicEncryptionKey     | ECIES, P1 = SHA-256("")                    |
| `SymmRecipient`       | HashedId8 of the COER SymmetricEncryptionKey  | AES-128-CCM under that key                 |
| `PskRecipient`        | HashedId8 of the COER SymmetricEncryptionKey  | none: the data is encrypted with the key   |

Receiver side: `RecipientPrivateKey` (a `KeyAgreement` with the id and P1 it answers to) and
`RecipientSymmetricKey`. The 16-byte key ECIES wraps is the raw data key, nothing around it (clause 5.3.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from scms.crypto import (
    DecryptionFailed,
    EciesEncryptedKey,
    EciesEphemeral,
    HashedId8,
    InvalidPoint,
    KeyAgreement,
    aes128ccm_decrypt,
    aes128ccm_encrypt,
    ecies_unwrap,
    ecies_wrap,
    new_ccm_nonce,
    sha256,
)
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import PublicEncryptionKey
from scms.dot2.curve_points import ENCRYPTION_KEY_CURVES, point_from_coer, point_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu.data import Ieee1609Dot2Data
from scms.dot2.spdu.encryption_key import SymmetricEncryptionKey, ecies_alternative, public_key_id

__all__ = [
    "EMPTY_P1",
    "CertRecipient",
    "PskRecipient",
    "PublicKeyKind",
    "Recipient",
    "RecipientPrivateKey",
    "RecipientSymmetricKey",
    "RekRecipient",
    "SignedDataRecipient",
    "SymmRecipient",
]

EMPTY_P1 = sha256(b"")
"""P1 of rekRecipInfo: the hash of the empty string."""

PublicKeyKind = Literal["certRecipInfo", "signedDataRecipInfo", "rekRecipInfo"]


def _ecies_info(
    kind: PublicKeyKind,
    recipient_id: HashedId8,
    key: PublicEncryptionKey,
    p1: bytes,
    data_key: bytes,
    drawn: EciesEphemeral | None = None,
) -> tuple[str, Any]:
    if key.symmetric_algorithm != "aes128Ccm":
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"{kind}: the recipient key is for {key.symmetric_algorithm}")
    wrapped = ecies_wrap(key.point, data_key, p1, drawn=drawn)
    enc_key = {"v": point_to_coer(wrapped.v), "c": wrapped.c, "t": wrapped.t}
    return (kind, {"recipientId": bytes(recipient_id), "encKey": (ecies_alternative(key.curve), enc_key)})


@dataclass(frozen=True)
class CertRecipient:
    """Encrypt to the `encryptionKey` of a certificate, e.g. the RA's or the MA's."""

    certificate: Certificate

    def recipient_info(self, data_key: bytes) -> tuple[str, Any]:
        cert = self.certificate
        key = cert.encryption_key
        if key is None:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"{cert} has no encryptionKey")
        return _ecies_info("certRecipInfo", cert.hashed_id8(), key, sha256(cert.canonical_bytes), data_key)


@dataclass(frozen=True)
class SignedDataRecipient:
    """Encrypt to the `headerInfo.encryptionKey` of a signed SPDU we received (its exact COER bytes)."""

    signed_data: bytes

    def recipient_info(self, data_key: bytes) -> tuple[str, Any]:
        data = Ieee1609Dot2Data.from_bytes(self.signed_data)
        header = data.expect("signedData")["tbsData"]["headerInfo"]
        key = header.get("encryptionKey")
        if key is None or key[0] != "public":
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, "the signed data carries no public encryptionKey")
        try:
            public = PublicEncryptionKey.from_coer(key[1])
        except InvalidPoint as exc:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"headerInfo.encryptionKey: {exc}") from None
        return _ecies_info("signedDataRecipInfo", data.hashed_id8(), public, data.hash(), data_key)


@dataclass(frozen=True)
class RekRecipient:
    """Encrypt to a bare public encryption key (e.g. a response encryption key of a certificate request); `drawn`:
    the ECIES ephemeral key drawn ahead for it (`scms.crypto.ecies_ephemerals`, an ACA's piece of responses)."""

    key: PublicEncryptionKey
    drawn: EciesEphemeral | None = field(default=None, compare=False, repr=False)

    def recipient_info(self, data_key: bytes) -> tuple[str, Any]:
        return _ecies_info("rekRecipInfo", public_key_id(self.key), self.key, EMPTY_P1, data_key, self.drawn)


@dataclass(frozen=True)
class SymmRecipient:
    """Wrap the data key with AES-128-CCM under a shared symmetric key (e.g. LA to ACA, 1609.2.1 clause 9.4)."""

    key: SymmetricEncryptionKey

    def recipient_info(self, data_key: bytes) -> tuple[str, Any]:
        nonce = new_ccm_nonce()
        wrapped = {"nonce": nonce, "ccmCiphertext": aes128ccm_encrypt(self.key.key, nonce, data_key)}
        return ("symmRecipInfo", {"recipientId": bytes(self.key.hashed_id8()), "encKey": ("aes128ccm", wrapped)})


@dataclass(frozen=True)
class PskRecipient:
    """Encrypt the data directly with a pre-shared key (must then be the only recipient)."""

    key: SymmetricEncryptionKey

    def recipient_info(self, data_key: bytes) -> tuple[str, Any]:
        return ("pskRecipInfo", bytes(self.key.hashed_id8()))


Recipient = CertRecipient | SignedDataRecipient | RekRecipient | SymmRecipient | PskRecipient


@dataclass(frozen=True)
class RecipientPrivateKey:
    """A private decryption key and the (kind, recipientId, P1) it answers to."""

    kind: PublicKeyKind
    recipient_id: HashedId8
    p1: bytes
    key: KeyAgreement

    @classmethod
    def for_certificate(cls, key: KeyAgreement, certificate: Certificate) -> RecipientPrivateKey:
        """The private key of a certificate's encryptionKey (e.g. the RA's)."""
        return cls("certRecipInfo", certificate.hashed_id8(), sha256(certificate.canonical_bytes), key)

    @classmethod
    def for_signed_data(cls, key: KeyAgreement, signed_data: bytes) -> RecipientPrivateKey:
        """The private key of the encryptionKey we put in the headerInfo of `signed_data` (what we sent)."""
        data = Ieee1609Dot2Data.from_bytes(signed_data)
        return cls("signedDataRecipInfo", data.hashed_id8(), data.hash(), key)

    @classmethod
    def for_rek(cls, key: KeyAgreement) -> RecipientPrivateKey:
        """A bare response encryption key; its id is that of its canonical COER PublicEncryptionKey."""
        return cls("rekRecipInfo", public_key_id(PublicEncryptionKey(key.public_point)), EMPTY_P1, key)

    def matches(self, info: tuple[str, Any]) -> bool:
        kind, value = info
        return kind == self.kind and value["recipientId"] == self.recipient_id

    def data_key(self, info: tuple[str, Any]) -> bytes:
        """Unwrap the data key of a matching entry; DecryptionFailed / InvalidPoint on any defect."""
        alternative, enc = info[1]["encKey"]
        curve = ENCRYPTION_KEY_CURVES.get(alternative)
        if curve is not self.key.curve:
            raise DecryptionFailed(f"{alternative} key for a {self.key.curve.name} recipient")
        wrapped = EciesEncryptedKey(point_from_coer(curve, enc["v"]), enc["c"], enc["t"])
        return ecies_unwrap(self.key, wrapped, self.p1)


@dataclass(frozen=True)
class RecipientSymmetricKey:
    """A symmetric key, answering symmRecipInfo and pskRecipInfo entries with its id."""

    key: SymmetricEncryptionKey

    def matches(self, info: tuple[str, Any]) -> bool:
        kind, value = info
        if kind == "pskRecipInfo":
            return bool(value == self.key.hashed_id8())
        return kind == "symmRecipInfo" and value["recipientId"] == self.key.hashed_id8()

    def data_key(self, info: tuple[str, Any]) -> bytes:
        kind, value = info
        if kind == "pskRecipInfo":
            return self.key.key
        alternative, wrapped = value["encKey"]
        if alternative != "aes128ccm":
            raise DecryptionFailed(f"unsupported key wrap {alternative}")
        data_key = aes128ccm_decrypt(self.key.key, wrapped["nonce"], wrapped["ccmCiphertext"])
        if len(data_key) != len(self.key.key):
            raise DecryptionFailed("the wrapped data key is not an AES-128 key")
        return data_key
