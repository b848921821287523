"""Canonical keys and canonical ids of registered devices (1609.2.1 clause 4.1.4.2, `canonicalId`).

A device is registered under its canonical public key; the RA names it by its canonical id, the lower-case hex
SHA-256 of the key's compressed SEC 1 encoding (64 characters; the same shape as the ids OpenSCMS devices send).
1609.2.1 leaves the form of the id to the SCMS; an EE that signs its enrollment request with the canonical key puts
this id into `canonicalId`, and an EE that signs with the requested key itself is found by the id of that key.
"""

from __future__ import annotations

import re

from scms.crypto import Curve, InvalidPoint, Point, sha256

__all__ = ["CANONICAL_ID_PATTERN", "CURVES", "canonical_id", "curve_name", "read_public_key"]

CANONICAL_ID_PATTERN = r"^[0-9a-f]{64}$"

CURVES: dict[str, Curve] = {
    "P-256": Curve.P256,
    "P-384": Curve.P384,
    "brainpoolP256r1": Curve.BRAINPOOL_P256R1,
    "brainpoolP384r1": Curve.BRAINPOOL_P384R1,
}
"""The curves of 1609.2 verification keys, by the names the registration API uses."""

_HEX = re.compile(r"^([0-9a-fA-F]{2})+$")


def canonical_id(key: Point) -> str:
    """The canonical id of a canonical public key."""
    return sha256(key.encode(compressed=True)).hex()


def curve_name(curve: Curve) -> str:
    return next(name for name, known in CURVES.items() if known is curve)


def read_public_key(curve: str, public_key: str) -> Point:
    """A canonical key given as a curve name and hex SEC 1 (compressed or not); ValueError names what is wrong."""
    if curve not in CURVES:
        raise ValueError(f"unknown curve {curve[:32]!r} (known: {', '.join(CURVES)})")
    if not _HEX.match(public_key):
        raise ValueError("public_key is not hex octets")
    try:
        return Point.decode(CURVES[curve], bytes.fromhex(public_key))
    except InvalidPoint:
        raise ValueError(f"public_key is not a {curve} point") from None
