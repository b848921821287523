"""Finding the key that signed an SPDU or a certificate request from its `SignerIdentifier` (1609.2 clause 6.3.24).

digest: the signer is one of the certificates the caller gives, by HashedId8. certificate: the first carried
certificate is the signer. self: the caller supplies the key (e.g. the one a certificate request names). An
implicit signer certificate needs its issuer among the given (or carried) certificates to reconstruct its key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from scms.crypto import Curve, InvalidSignature, Point, signing_digest, verify_digest
from scms.dot2._codec import encode
from scms.dot2.certificate import Certificate
from scms.dot2.curve_points import signature_from_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32, Time64

__all__ = ["ResolvedSigner", "hash_id_of", "resolve_signer"]

# An implicit certificate issued by an implicit CA certificate is legal but rare; bound the recursion anyway.
MAX_IMPLICIT_DEPTH = 4


def hash_id_of(curve: Curve) -> str:
    """The `HashAlgorithm` value that goes with a signing curve (SHA-256 / SHA-384, clause 5.3.1)."""
    return "sha256" if curve.size == 32 else "sha384"


@dataclass(frozen=True)
class ResolvedSigner:
    """The signer of an SPDU: its form, its verification key and (unless self) its certificate."""

    form: Literal["self", "digest", "certificate"]
    key: Point
    certificate: Certificate | None

    @property
    def signer_input(self) -> bytes:
        """What the signature hashes for the signer: its whole canonical certificate, or b"" for self."""
        return b"" if self.certificate is None else self.certificate.canonical_bytes

    def verify(self, hash_id: str, data_input: bytes, signature_value: tuple[str, Any]) -> None:
        """Check the signature over `data_input` (any r form); 400-43 on any mismatch."""
        try:
            signature = signature_from_coer(signature_value)
            if signature.curve is not self.key.curve or hash_id != hash_id_of(self.key.curve):
                raise InvalidSignature("signature, hash and key do not belong to the same curve")
            verify_digest(self.key, signing_digest(self.key.curve, data_input, self.signer_input), signature)
        except InvalidSignature as exc:
            raise Ieee1609Error(ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"signer {self}: {exc}") from None

    def check_permits(self, psid: int) -> None:
        if self.certificate is not None and not self.certificate.permits(psid):
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{self.certificate} does not permit psid {psid}")

    def check_valid_at(self, moment: Time32 | Time64) -> None:
        if self.certificate is not None and not self.certificate.valid_at(moment):
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{self.certificate} not valid at {int(moment)}")

    def __str__(self) -> str:
        return "self" if self.certificate is None else f"{self.form} {self.certificate.hashed_id8()}"


def resolve_signer(
    value: tuple[str, Any], certificates: Sequence[Certificate], public_key: Point | None
) -> ResolvedSigner:
    """The signer a decoded `SignerIdentifier` names; 400-40 when it cannot be found or its key not obtained."""
    form, content = value
    if form == "self":
        if public_key is None:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, "signer self: no verification key given")
        return ResolvedSigner("self", public_key, None)
    if form == "digest":
        found = next((c for c in certificates if c.hashed_id8() == content), None)
        if found is None:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"unknown signer digest {content.hex()}")
        return ResolvedSigner("digest", _key(found, certificates, 0), found)
    if form == "certificate" and content:
        carried = [Certificate(encode("Certificate", cert), cert) for cert in content]
        return ResolvedSigner("certificate", _key(carried[0], [*certificates, *carried[1:]], 0), carried[0])
    raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"unusable signer identifier {form}")


def _key(cert: Certificate, pool: Sequence[Certificate], depth: int) -> Point:
    if cert.is_explicit:
        return cert.public_key()
    issuer = next((c for c in pool if c.identified_by(cert.issuer)), None)
    if issuer is None or depth >= MAX_IMPLICIT_DEPTH:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert} is implicit and its issuer is not given")
    return cert.public_key(issuer, issuer_key=_key(issuer, pool, depth + 1))
