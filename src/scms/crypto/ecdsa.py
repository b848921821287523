"""Hazardous material: ECDSA on a digest you computed, with the three 1609.2 forms of r.

Use `scms.dot2` to sign and verify certificates and SPDUs: it builds the 1609.2 signing input with
`signing_digest` from canonical COER and maps `InvalidSignature` to the 1609.2.1 error. 1609.2 §5.3.1 signs
`H(H(data input) ‖ H(signer identifier input))` with SHA-256 on the 256-bit curves and SHA-384 on the 384-bit ones;
the signature carries either x(R) alone (`x-only`, the canonical form) or the whole point R (compressed or
uncompressed). Recovering R from an x-only signature needs the digest and the public key (public values only).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cryptography.exceptions import InvalidSignature as _OpenSslInvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature

from scms.crypto.curves import Curve
from scms.crypto.errors import InvalidPoint, InvalidSignature
from scms.crypto.hashing import HashAlgorithm
from scms.crypto.points import Point

__all__ = ["RForm", "Signature", "signing_digest", "signing_digest_from_signer_hash", "verify_digest"]

# One prehashed-ECDSA object per hash, reused by every sign and verify.
PREHASHED_ECDSA = {
    HashAlgorithm.SHA256: ec.ECDSA(Prehashed(hashes.SHA256())),
    HashAlgorithm.SHA384: ec.ECDSA(Prehashed(hashes.SHA384())),
}


class RForm(Enum):
    """How a 1609.2 `EcdsaP256Signature.rSig` carries R: x only (canonical), compressed or uncompressed point."""

    X_ONLY = "x-only"
    COMPRESSED = "compressed"
    UNCOMPRESSED = "uncompressed"


@dataclass(frozen=True, slots=True)
class Signature:
    """An ECDSA signature: r = x(R) (a field element), s, and for the point forms the y-coordinate of R."""

    curve: Curve
    r: int
    s: int
    form: RForm = RForm.X_ONLY
    r_y: int | None = None

    def __post_init__(self) -> None:
        if not (0 < self.r < self.curve.p and 0 < self.s < self.curve.n):
            raise InvalidSignature("signature value out of range")
        if (self.form is RForm.X_ONLY) != (self.r_y is None):
            raise ValueError("r_y is given exactly for the compressed and uncompressed forms")
        if self.r_y is not None:
            try:
                Point(self.curve, self.r, self.r_y)
            except InvalidPoint:
                raise InvalidSignature("R is not a point of the curve") from None

    @classmethod
    def from_r_point(cls, r_point: Point, s: int, form: RForm = RForm.COMPRESSED) -> Signature:
        if form is RForm.X_ONLY:
            return cls(r_point.curve, r_point.x, s)
        return cls(r_point.curve, r_point.x, s, form, r_point.y)

    def r_bytes(self) -> bytes:
        """x(R), big-endian, `curve.size` bytes (the `x-only` / `compressed-y-*` content of rSig)."""
        return self.r.to_bytes(self.curve.size)

    def s_bytes(self) -> bytes:
        return self.s.to_bytes(self.curve.size)

    def r_point(self) -> Point:
        if self.r_y is None:
            raise ValueError("an x-only signature has no R point; use with_r_point()")
        return Point(self.curve, self.r, self.r_y)

    def to_x_only(self) -> Signature:
        """The canonical 1609.2 form (§6.3.29 canonicalisation): r as x-only (the signature itself if it is)."""
        if self.form is RForm.X_ONLY:
            return self
        return Signature(self.curve, self.r, self.s)

    def with_r_point(self, public: Point, digest: bytes, form: RForm = RForm.COMPRESSED) -> Signature:
        """The same signature carrying the full R (recovered from the public key and digest).

        Raises InvalidSignature if the signature does not verify, since R then does not exist.
        """
        r_point = _recover_r(public, digest, self)
        if r_point is None or r_point.x % self.curve.n != self.r % self.curve.n:
            raise InvalidSignature("signature does not verify")
        return Signature.from_r_point(r_point, self.s, form)


def signing_digest(curve: Curve, data_input: bytes, signer_input: bytes = b"") -> bytes:
    """The 1609.2 ECDSA digest `H(H(data_input) ‖ H(signer_input))`, H chosen by the curve (§5.3.1).

    `data_input` is the COER of the signed content (e.g. ToBeSignedCertificate, ToBeSignedData); `signer_input`
    is the COER of the signer's certificate, or b"" when the signer is `self`.
    """
    return signing_digest_from_signer_hash(curve, data_input, curve.hash_algorithm.digest(signer_input))


def signing_digest_from_signer_hash(curve: Curve, data_input: bytes, signer_hash: bytes) -> bytes:
    """`signing_digest` given H(signer_input) (a signer hashes its own certificate once, not once per signature)."""
    digest = curve.hash_algorithm.digest
    return digest(digest(data_input) + signer_hash)


def verify_digest(public: Point, digest: bytes, signature: Signature) -> None:
    """Verify `signature` on `digest` with `public`; raises InvalidSignature, returns None.

    All three forms are accepted; for the point forms R must equal the recomputed s⁻¹(z·G + r·Q) exactly.
    """
    curve = public.curve
    if signature.curve is not curve:
        raise InvalidSignature("signature and key are on different curves")
    _check_digest(curve, digest)
    r = signature.r % curve.n
    if r == 0:
        raise InvalidSignature("signature does not verify")
    try:
        public.public_key().verify(encode_dss_signature(r, signature.s), digest, PREHASHED_ECDSA[curve.hash_algorithm])
    except _OpenSslInvalidSignature:
        raise InvalidSignature("signature does not verify") from None
    if signature.r_y is not None:
        r_point = _recover_r(public, digest, signature)
        if r_point is None or (r_point.x, r_point.y) != (signature.r, signature.r_y):
            raise InvalidSignature("R does not match the signature")


def _check_digest(curve: Curve, digest: bytes) -> None:
    if len(digest) != curve.hash_algorithm.size:
        raise ValueError(f"a {curve.name} digest has {curve.hash_algorithm.size} bytes")


def _recover_r(public: Point, digest: bytes, signature: Signature) -> Point | None:
    """R = s⁻¹·z·G + s⁻¹·r·Q on public values; None when that is the point at infinity."""
    curve = public.curve
    _check_digest(curve, digest)
    n = curve.n
    s_inv = pow(signature.s, -1, n)
    u1 = int.from_bytes(digest) * s_inv % n
    u2 = signature.r % n * s_inv % n
    if u2 == 0:
        return None
    term = public.mul_public(u2)
    if u1 == 0:
        return term
    try:
        return Point.generator(curve).mul_public(u1) + term
    except InvalidPoint:
        return None
