"""How a signed SPDU names its signer (1609.2 clause 6.3.24 SignerIdentifier) and what the signature hashes for it.

Whatever the form, the signature covers `H(H(COER tbs) || H(signer input))` where the signer input is the
canonical COER of the WHOLE signer certificate, or the empty string for `self` (clause 5.3.1; standards-notes §3):
`digest` only changes what is sent, not what is signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms.asn1 import Encoded
from scms.dot2.certificate import Certificate

__all__ = ["SignerCertificate", "SignerDigest", "SignerForm", "SignerSelf"]


@dataclass(frozen=True)
class SignerSelf:
    """`self`: signed with the key the content itself names (e.g. a certificate request's new key)."""

    def to_coer(self) -> tuple[str, Any]:
        return ("self", None)

    @property
    def signer_input(self) -> bytes:
        return b""

    def __str__(self) -> str:
        return "self"


@dataclass(frozen=True)
class SignerDigest:
    """`digest`: the HashedId8 of the signer certificate; the verifier must already hold the certificate."""

    certificate: Certificate

    def to_coer(self) -> tuple[str, Any]:
        return ("digest", bytes(self.certificate.hashed_id8()))

    @property
    def signer_input(self) -> bytes:
        return self.certificate.canonical_bytes

    def __str__(self) -> str:
        return f"digest {self.certificate.hashed_id8()}"


@dataclass(frozen=True)
class SignerCertificate:
    """`certificate`: the signer certificate carried in the SPDU (a one-element SequenceOfCertificate)."""

    certificate: Certificate

    def to_coer(self) -> tuple[str, Any]:
        # The canonical bytes go in as they are (no re-encoding of the certificate value for every signature).
        return ("certificate", [Encoded("Certificate", self.certificate.canonical_bytes)])

    @property
    def signer_input(self) -> bytes:
        return self.certificate.canonical_bytes

    def __str__(self) -> str:
        return f"certificate {self.certificate.hashed_id8()}"


SignerForm = SignerSelf | SignerDigest | SignerCertificate
