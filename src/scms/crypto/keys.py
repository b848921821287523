"""Hazardous material: private keys; the `Signer` / `KeyAgreement` interfaces are the safe way to use them.

Use `scms.dot2` to sign SPDUs and certificates and to decrypt: it takes any object that satisfies `Signer` or
`KeyAgreement`, so a software key now and a PKCS#11 key later are interchangeable. `SoftwareKey` keeps its scalar
inside OpenSSL (`cryptography`): signing, ECDH and the public key are constant-time there. It never prints or
exports its scalar except as an (optionally encrypted) PKCS#8 PEM key file.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from scms.crypto.curves import Curve
from scms.crypto.ecdsa import PREHASHED_ECDSA, Signature
from scms.crypto.errors import InvalidKey
from scms.crypto.points import Point, _from_public_key

__all__ = ["KeyAgreement", "Signer", "SoftwareKey"]

_ECDH = ec.ECDH()
"""The (stateless) ECDH algorithm object, shared by every exchange."""


@runtime_checkable
class Signer(Protocol):
    """Something that signs 1609.2 digests (see `scms.crypto.ecdsa.signing_digest`)."""

    @property
    def curve(self) -> Curve: ...

    @property
    def public_point(self) -> Point: ...

    def sign_digest(self, digest: bytes) -> Signature:
        """ECDSA over an already hashed digest; the signature comes in the canonical x-only form."""
        ...


@runtime_checkable
class KeyAgreement(Protocol):
    """Something that does ECDH (ECIES decryption, 1609.2 §5.3.5)."""

    @property
    def curve(self) -> Curve: ...

    @property
    def public_point(self) -> Point: ...

    def ecdh(self, peer: Point) -> bytes:
        """x(d·peer), big-endian, `curve.size` bytes."""
        ...


class SoftwareKey:
    """A private key held by OpenSSL in this process; implements `Signer` and `KeyAgreement`."""

    __slots__ = ("_curve", "_key", "_public")

    def __init__(self, key: ec.EllipticCurvePrivateKey, curve: Curve) -> None:
        """Wrap a `cryptography` key; prefer `generate`, `from_pkcs8_pem` or `from_private_bytes`."""
        self._key = key
        self._curve = curve
        self._public: Point | None = None

    @classmethod
    def generate(cls, curve: Curve = Curve.P256) -> SoftwareKey:
        return cls(ec.generate_private_key(curve.ec_curve), curve)

    @classmethod
    def from_private_bytes(cls, curve: Curve, raw: bytes) -> SoftwareKey:
        """Import a raw big-endian scalar (`curve.size` bytes, 0 < d < n), e.g. a vendor `.priv` file."""
        if len(raw) != curve.size:
            raise InvalidKey(f"a {curve.name} private key has {curve.size} bytes")
        d = int.from_bytes(raw)
        if not 0 < d < curve.n:
            raise InvalidKey("private key out of range")
        return cls(ec.derive_private_key(d, curve.ec_curve), curve)

    @classmethod
    def from_pkcs8_pem(cls, pem: bytes, password: bytes | None = None) -> SoftwareKey:
        """Load a PEM private key file (PKCS#8, optionally encrypted; SEC 1 `EC PRIVATE KEY` is accepted too)."""
        try:
            key = serialization.load_pem_private_key(pem, password)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise InvalidKey("not a readable PEM private key (or wrong password)") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise InvalidKey("not an elliptic-curve private key")
        try:
            curve = Curve.from_openssl_name(key.curve.name)
        except ValueError:
            raise InvalidKey("private key on an unsupported curve") from None
        return cls(key, curve)

    def to_pkcs8_pem(self, password: bytes | None = None) -> bytes:
        """The key as a PKCS#8 PEM file, encrypted with `password` when one is given."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
        )
        return self._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)

    @property
    def curve(self) -> Curve:
        return self._curve

    @property
    def public_point(self) -> Point:
        public = self._public
        if public is None:
            public = self._public = _from_public_key(self._curve, self._key.public_key())
        return public

    def sign_digest(self, digest: bytes) -> Signature:
        alg = self._curve.hash_algorithm
        if len(digest) != alg.size:
            raise ValueError(f"a {self._curve.name} digest has {alg.size} bytes")
        r, s = decode_dss_signature(self._key.sign(digest, PREHASHED_ECDSA[alg]))
        return Signature(self._curve, r, s)

    def ecdh(self, peer: Point) -> bytes:
        if peer.curve is not self._curve:
            raise ValueError("peer point on another curve")
        return self._key.exchange(_ECDH, peer.public_key())

    def __repr__(self) -> str:
        return "SoftwareKey([secure])"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        # Refuse pickling: a key crosses a process boundary only as a key file, never by accident.
        raise TypeError("SoftwareKey cannot be pickled; write it with to_pkcs8_pem()")
