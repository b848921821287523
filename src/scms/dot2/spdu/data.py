"""`Ieee1609Dot2Data` (1609.2 clause 6.3.1), protocol version 3: the unsecured builder and a read-only view.

Every SPDU of 1609.2 / 1609.2.1 is an `Ieee1609Dot2Data` whose content is unsecuredData, signedData,
encryptedData, signedCertificateRequest (1609.2.1) or signedX509CertificateRequest. The view keeps the exact
received bytes (whose hash names the SPDU, e.g. a request hash or a signedDataRecipInfo id) and the decoded value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, cast

from scms.asn1 import Encoded
from scms.crypto import HashedId8, sha256
from scms.dot2._codec import decode, encode
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu._canonical import canonical_data_value

__all__ = ["PROTOCOL_VERSION", "ContentKind", "Ieee1609Dot2Data", "inner_data", "unsecured"]

PROTOCOL_VERSION = 3

ContentKind = Literal[
    "unsecuredData", "signedData", "encryptedData", "signedCertificateRequest", "signedX509CertificateRequest"
]


def unsecured(payload: bytes) -> bytes:
    """COER `Ieee1609Dot2Data` with content unsecuredData = `payload` (e.g. a COER ScmsPdu or CrlContents)."""
    return encode("Ieee1609Dot2Data", {"protocolVersion": PROTOCOL_VERSION, "content": ("unsecuredData", payload)})


def inner_data(inner: bytes | Encoded) -> Encoded:
    """The data a signed or encrypted SPDU carries, checked: bytes are decoded (what is not an Ieee1609Dot2Data is
    refused, ValueError for a wrong `Encoded`, 400-42 for bytes); an `asn1.Encoded` of an Ieee1609Dot2Data (bytes
    `unsecured`, `encrypt` or `sign_data` has just returned) is taken as it is."""
    if isinstance(inner, Encoded):
        if inner.type_name != "Ieee1609Dot2Data":
            raise ValueError(f"signed or encrypted data carries an Ieee1609Dot2Data, not a {inner.type_name}")
        return inner
    decode("Ieee1609Dot2Data", inner)  # refuse what is not one; then its bytes go in unchanged
    return Encoded("Ieee1609Dot2Data", inner)


@dataclass(frozen=True)
class Ieee1609Dot2Data:
    """A received `Ieee1609Dot2Data`: the exact bytes and their strict decoding."""

    raw: bytes
    value: dict[str, Any]

    @classmethod
    def from_bytes(cls, data: bytes) -> Ieee1609Dot2Data:
        """Strictly decode `data` (one canonical value, no trailing bytes); 400-42 otherwise."""
        return cls(bytes(data), decode("Ieee1609Dot2Data", data))

    @property
    def kind(self) -> ContentKind:
        return cast(ContentKind, self.value["content"][0])

    @property
    def content(self) -> Any:
        """The value of the content alternative (bytes for the opaque kinds, a dict for signed/encrypted data)."""
        return self.value["content"][1]

    def expect(self, kind: ContentKind) -> Any:
        """The content when it is of `kind`; 400-42 naming both kinds otherwise."""
        if self.kind != kind:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"expected {kind} content, got {self.kind}")
        return self.content

    def unsecured_payload(self) -> bytes:
        """The octets of an unsecuredData content (400-42 for any other kind)."""
        return cast(bytes, self.expect("unsecuredData"))

    @cached_property
    def canonical_bytes(self) -> bytes:
        """The canonical COER (clause 6.1.2): the received bytes unless a point or rSig came in another form."""
        canonical = encode("Ieee1609Dot2Data", canonical_data_value(self.value))
        return self.raw if canonical == self.raw else canonical

    def hash(self) -> bytes:
        """SHA-256 of the canonical encoding (the signedDataRecipInfo P1, clause 6.3.34)."""
        return sha256(self.canonical_bytes)

    def hashed_id8(self) -> HashedId8:
        """HashedId8 of the canonical encoding (the signedDataRecipInfo recipientId). A request hash is taken over
        the bytes as received instead: `HashedId8.of(view.raw)`."""
        return HashedId8.from_digest(self.hash())
