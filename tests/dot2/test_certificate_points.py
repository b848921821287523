"""COER points, keys and signatures <-> crypto values, and the canonical form of certificate fields."""

from __future__ import annotations

import pytest

from scms.crypto import Curve, InvalidPoint, InvalidSignature, RForm, SoftwareKey, signing_digest
from scms.dot2.canonical import canonical_certificate_value, is_canonical_certificate
from scms.dot2.curve_points import (
    canonical_point,
    canonical_signature,
    point_from_coer,
    point_to_coer,
    signature_from_coer,
    signature_to_coer,
    verification_key_to_coer,
)

from ._cert_fixtures import make_pki


@pytest.mark.parametrize("curve", list(Curve), ids=lambda c: c.name)
def test_points_round_trip_and_canonicalize(curve: Curve) -> None:
    point = SoftwareKey.generate(curve).public_point
    compressed = point_to_coer(point)
    assert compressed[0] == f"compressed-y-{point.y_parity}" and point_from_coer(curve, compressed) == point
    name = "uncompressedP256" if curve.size == 32 else "uncompressedP384"
    uncompressed = (name, {"x": point.x_bytes(), "y": point.y.to_bytes(curve.size)})
    assert point_from_coer(curve, uncompressed) == point
    assert canonical_point(uncompressed) == compressed
    with pytest.raises(InvalidPoint):
        point_from_coer(curve, ("x-only", point.x_bytes()))
    with pytest.raises(InvalidPoint):
        point_from_coer(curve, ("fill", None))
    assert verification_key_to_coer(point)[1] == compressed


@pytest.mark.parametrize("curve", list(Curve), ids=lambda c: c.name)
@pytest.mark.parametrize("form", list(RForm), ids=lambda f: f.value)
def test_signature_forms_round_trip(curve: Curve, form: RForm) -> None:
    key = SoftwareKey.generate(curve)
    digest = signing_digest(curve, b"tbs")
    signature = key.sign_digest(digest).to_x_only()
    if form is not RForm.X_ONLY:
        signature = signature.with_r_point(key.public_point, digest, form)
    value = signature_to_coer(signature)
    assert signature_from_coer(value) == signature
    canonical = canonical_signature(value)
    assert canonical[1]["rSig"] == ("x-only", signature.r_bytes())
    assert signature_from_coer(canonical) == signature.to_x_only()


def test_unsupported_signature_algorithm() -> None:
    with pytest.raises(InvalidSignature, match="sm2"):
        signature_from_coer(("sm2Signature", {"rSig": b"\x01" * 32, "sSig": b"\x01" * 32}))


def test_canonical_certificate_value_compresses_every_key() -> None:
    pki = make_pki()
    value = dict(pki.ica.value)
    tbs = dict(value["toBeSigned"])
    encryption = tbs["encryptionKey"]
    point = point_from_coer(Curve.P256, encryption["publicKey"][1])
    uncompressed = ("uncompressedP256", {"x": point.x_bytes(), "y": point.y.to_bytes(32)})
    tbs["encryptionKey"] = {**encryption, "publicKey": ("eciesNistP256", uncompressed)}
    value["toBeSigned"] = tbs
    assert not is_canonical_certificate(value)
    assert canonical_certificate_value(value) == pki.ica.value
    assert is_canonical_certificate(pki.ica.value)
