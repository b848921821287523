"""COER curve points, keys and signatures of 1609.2 <-> `scms.crypto` values (`Point`, `Signature`).

1609.2 carries a point as an `EccP256CurvePoint` / `EccP384CurvePoint` CHOICE (x-only, fill, compressed-y-0/1,
uncompressed) and names the curve by the alternative of the enclosing CHOICE (`PublicVerificationKey`,
`BasePublicEncryptionKey`, `Signature`). The canonical forms (1609.2 §6.1.2 canonicalization, standards-notes §2)
are compressed points for keys and x-only for `rSig`; `canonical_point` / `canonical_signature` re-encode a
received value in those forms without validating it (validation happens when a `Point` is built).

The converters raise the crypto errors (`InvalidPoint`, `InvalidSignature`); callers in dot2 turn them into
`Ieee1609Error` with the code that fits where the value came from.
"""

from __future__ import annotations

from typing import Any

from scms.crypto import Curve, InvalidPoint, InvalidSignature, Point, RForm, Signature

__all__ = [
    "ENCRYPTION_KEY_CURVES",
    "SIGNATURE_CURVES",
    "VERIFICATION_KEY_CURVES",
    "canonical_point",
    "canonical_signature",
    "is_canonical_point",
    "point_from_coer",
    "point_to_coer",
    "signature_from_coer",
    "signature_to_coer",
    "verification_key_to_coer",
]

VERIFICATION_KEY_CURVES: dict[str, Curve] = {
    "ecdsaNistP256": Curve.P256,
    "ecdsaBrainpoolP256r1": Curve.BRAINPOOL_P256R1,
    "ecdsaBrainpoolP384r1": Curve.BRAINPOOL_P384R1,
    "ecdsaNistP384": Curve.P384,
}
"""`PublicVerificationKey` alternatives we support (ecsigSm2 is not: no SM2 in scms.crypto)."""

ENCRYPTION_KEY_CURVES: dict[str, Curve] = {
    "eciesNistP256": Curve.P256,
    "eciesBrainpoolP256r1": Curve.BRAINPOOL_P256R1,
}
"""`BasePublicEncryptionKey` alternatives we support (ecencSm2 is not)."""

SIGNATURE_CURVES: dict[str, Curve] = {
    "ecdsaNistP256Signature": Curve.P256,
    "ecdsaBrainpoolP256r1Signature": Curve.BRAINPOOL_P256R1,
    "ecdsaBrainpoolP384r1Signature": Curve.BRAINPOOL_P384R1,
    "ecdsaNistP384Signature": Curve.P384,
}
"""`Signature` alternatives we support (sm2Signature is not)."""

_KEY_NAMES = {curve: name for name, curve in VERIFICATION_KEY_CURVES.items()}
_SIGNATURE_NAMES = {curve: name for name, curve in SIGNATURE_CURVES.items()}


def _uncompressed_name(curve: Curve) -> str:
    return "uncompressedP256" if curve.size == 32 else "uncompressedP384"


def point_from_coer(curve: Curve, choice: tuple[str, Any]) -> Point:
    """The point a key/reconstruction-value CHOICE names; x-only and fill are not keys (InvalidPoint)."""
    form, value = choice
    if form in ("compressed-y-0", "compressed-y-1"):
        return Point.from_x(curve, int.from_bytes(value), 0 if form == "compressed-y-0" else 1)
    if form.startswith("uncompressedP"):
        return Point(curve, int.from_bytes(value["x"]), int.from_bytes(value["y"]))
    raise InvalidPoint(f"a {form} point is not a public key")


_COMPRESSED_FORMS = ("compressed-y-0", "compressed-y-1")
"""The compressed alternative by the parity of y."""


def point_to_coer(point: Point) -> tuple[str, bytes]:
    """The canonical (compressed) CHOICE value of a point."""
    return (_COMPRESSED_FORMS[point.y & 1], point.x.to_bytes(point.curve.size))


def is_canonical_point(choice: tuple[str, Any]) -> bool:
    return not choice[0].startswith("uncompressedP")


def canonical_point(choice: tuple[str, Any]) -> tuple[str, Any]:
    """An uncompressed point re-encoded compressed (the y parity read from y's last byte); others unchanged."""
    form, value = choice
    if form.startswith("uncompressedP"):
        return (f"compressed-y-{value['y'][-1] & 1}", value["x"])
    return choice


def verification_key_to_coer(point: Point) -> tuple[str, tuple[str, bytes]]:
    """A `PublicVerificationKey` value (compressed point) for a key on one of our curves."""
    return (_KEY_NAMES[point.curve], point_to_coer(point))


def signature_from_coer(choice: tuple[str, Any]) -> Signature:
    """The crypto `Signature` of a 1609.2 `Signature` CHOICE (InvalidSignature if unsupported or malformed)."""
    name, value = choice
    curve = SIGNATURE_CURVES.get(name)
    if curve is None:
        raise InvalidSignature(f"unsupported signature algorithm {name}")
    form, r_value = value["rSig"]
    s = int.from_bytes(value["sSig"])
    if form == "x-only":
        return Signature(curve, int.from_bytes(r_value), s)
    try:
        r_point = point_from_coer(curve, (form, r_value))
    except InvalidPoint:
        raise InvalidSignature("rSig is not a point of the curve") from None
    rform = RForm.UNCOMPRESSED if form.startswith("uncompressedP") else RForm.COMPRESSED
    return Signature.from_r_point(r_point, s, rform)


def signature_to_coer(signature: Signature) -> tuple[str, dict[str, Any]]:
    """The 1609.2 `Signature` CHOICE of a crypto signature, in the form it carries (x-only is canonical)."""
    curve = signature.curve
    if signature.form is RForm.X_ONLY:
        r_sig: tuple[str, Any] = ("x-only", signature.r_bytes())
    elif signature.form is RForm.COMPRESSED:
        r_sig = point_to_coer(signature.r_point())
    else:
        r_point = signature.r_point()
        r_sig = (_uncompressed_name(curve), {"x": r_point.x_bytes(), "y": r_point.y.to_bytes(curve.size)})
    return (_SIGNATURE_NAMES[curve], {"rSig": r_sig, "sSig": signature.s_bytes()})


def canonical_signature(choice: tuple[str, Any]) -> tuple[str, Any]:
    """A `Signature` CHOICE with rSig x-only (§6.1.2): the x of a compressed or uncompressed R."""
    name, value = choice
    if name not in SIGNATURE_CURVES:
        return choice
    form, r_value = value["rSig"]
    if form == "x-only":
        return choice
    x = r_value["x"] if form.startswith("uncompressedP") else r_value
    return (name, {"rSig": ("x-only", x), "sSig": value["sSig"]})
