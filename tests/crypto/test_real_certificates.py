"""The crypto rules pinned down by real certificates (shared/vectors/real-certificates): signing input, ECQV e,
butterfly + ECQV end to end. The vector files give the tbs slices; no ASN.1 is decoded here."""

from __future__ import annotations

import pytest

from scms.crypto import (
    Curve,
    HashedId3,
    HashedId8,
    InvalidKey,
    InvalidSignature,
    KeyPurpose,
    Point,
    Signature,
    SoftwareKey,
    cocoon_private_key,
    ecqv_e,
    ecqv_private_key,
    ecqv_public_key,
    sha256,
    signing_digest,
    verify_digest,
)
from vectors import case, case_params, unhex

P256 = Curve.P256


def _point(hex_point: str) -> Point:
    return Point.decode(P256, unhex(hex_point))


def _key(hex_scalar: str) -> SoftwareKey:
    return SoftwareKey.from_private_bytes(P256, unhex(hex_scalar))


def _coer_compressed(point: Point) -> bytes:
    """COER EccP256CurvePoint compressed-y-0/1: choice tag 0x82/0x83, then x."""
    return bytes((0x82 + point.y_parity,)) + point.x_bytes()


# --- iss-root: certificate hash and self-signed signature ------------------------------------------------------------


@pytest.mark.parametrize("param", case_params("real-certificates/iss-root.json"))
def test_iss_root_hash_and_hashed_ids(param: tuple[str, int | None]) -> None:
    item = case(param)
    certificate = unhex(item["certificate"])
    assert sha256(certificate).hex() == item["expected_sha256"]
    assert HashedId8.of(certificate).hex() == item["expected_hashed_id8"]
    assert HashedId3.of(certificate).hex() == item["expected_hashed_id3"]
    assert HashedId8.from_digest(sha256(certificate)) == HashedId8.of(certificate)


def _iss_root_signature(item: dict[str, object]) -> tuple[Point, Signature, bytes, bytes]:
    certificate = unhex(str(item["certificate"]))
    tbs = unhex(str(item["to_be_signed_certificate"]))
    assert certificate[5:-66] == tbs  # the slice the vector notes describe
    signature = Signature(P256, int(str(item["signature_r_x_only"]), 16), int(str(item["signature_s"]), 16))
    assert certificate[-66:] == b"\x80\x80" + signature.r_bytes() + signature.s_bytes()
    return _point(str(item["verification_public_key_compressed"])), signature, tbs, certificate


@pytest.mark.parametrize("param", case_params("real-certificates/iss-root.json"))
def test_iss_root_signature_verifies_with_the_1609_2_signing_input(param: tuple[str, int | None]) -> None:
    item = case(param)
    public, signature, tbs, _ = _iss_root_signature(item)
    assert item["signer_identifier_input"] == ""
    verify_digest(public, signing_digest(P256, tbs, b""), signature)


@pytest.mark.parametrize("param", case_params("real-certificates/iss-root.json"))
def test_iss_root_signature_wrong_forms_do_not_verify(param: tuple[str, int | None]) -> None:
    item = case(param)
    public, signature, tbs, certificate = _iss_root_signature(item)
    assert len(item["invalid_message_variants"]) == 2
    with pytest.raises(InvalidSignature):  # plain ECDSA-SHA256 over the tbs
        verify_digest(public, sha256(tbs), signature)
    with pytest.raises(InvalidSignature):  # SHA-256(tbs) || SHA-256(whole certificate)
        verify_digest(public, signing_digest(P256, tbs, certificate), signature)


@pytest.mark.parametrize("param", case_params("real-certificates/openscms-self-signed-request.json"))
def test_openscms_self_signed_request_signature(param: tuple[str, int | None]) -> None:
    item = case(param)
    spdu, tbs = unhex(item["spdu"]), unhex(item["tbs_request"])
    assert spdu[4:63] == tbs
    public = _point(item["verification_public_key_compressed"])
    assert public.encode() == b"\x03" + tbs[-32:]
    signature = Signature(P256, int(item["signature_r_x_only"], 16), int(item["signature_s"], 16))
    assert spdu[-64:] == signature.r_bytes() + signature.s_bytes()
    verify_digest(public, signing_digest(P256, tbs, unhex(item["signer_identifier_input"])), signature)
    with pytest.raises(InvalidSignature):
        verify_digest(public, sha256(tbs), signature)


# --- ghs-implicit: ECQV with the full hash ------------------------------------------------------------------------


@pytest.mark.parametrize("param", case_params("real-certificates/ghs-implicit.json"))
def test_ghs_implicit_certificate_full_hash_reproduces_both_keys(param: tuple[str, int | None]) -> None:
    item = case(param)
    certificate, tbs, issuer = (
        unhex(item["certificate"]),
        unhex(item["to_be_signed_certificate"]),
        unhex(item["issuer_certificate"]),
    )
    assert certificate[12:] == tbs
    assert sha256(issuer).hex() == item["expected_issuer_sha256"]
    assert certificate[4:12] == HashedId8.of(issuer)
    issuer_public = _point(item["issuer_public_key_uncompressed"])
    reconstruction = _point(item["reconstruction_value_uncompressed"])
    assert tbs.endswith(_coer_compressed(reconstruction))  # verifyKeyIndicator.reconstructionValue
    e = ecqv_e(tbs, issuer)
    expected_public = _point(item["expected_public_key_uncompressed"])
    assert ecqv_public_key(e, reconstruction, issuer_public) == expected_public
    key = ecqv_private_key(
        _key(item["initial_private_key_kU"]),
        e,
        unhex(item["private_key_reconstruction_value_r"]),
        reconstruction,
        issuer_public,
    )
    assert key.public_point == expected_public
    assert key.public_point == _key(item["expected_private_key"]).public_point


@pytest.mark.parametrize("param", case_params("real-certificates/ghs-implicit.json"))
def test_ghs_implicit_certificate_sec4_shortened_hash_fails(param: tuple[str, int | None]) -> None:
    item = case(param)
    tbs, issuer = unhex(item["to_be_signed_certificate"]), unhex(item["issuer_certificate"])
    sec4_e = int.from_bytes(sha256(sha256(tbs) + sha256(issuer))) >> 1
    assert sec4_e != ecqv_e(tbs, issuer)
    issuer_public = _point(item["issuer_public_key_uncompressed"])
    reconstruction = _point(item["reconstruction_value_uncompressed"])
    assert ecqv_public_key(sec4_e, reconstruction, issuer_public) != _point(item["expected_public_key_uncompressed"])
    with pytest.raises(InvalidKey):
        ecqv_private_key(
            _key(item["initial_private_key_kU"]),
            sec4_e,
            unhex(item["private_key_reconstruction_value_r"]),
            reconstruction,
            issuer_public,
        )


# --- ghs-butterfly-pseudonym: original butterfly + ECQV end to end ------------------------------------------------


@pytest.mark.parametrize("param", case_params("real-certificates/ghs-butterfly-pseudonym.json"))
def test_ghs_butterfly_pseudonym_end_to_end(param: tuple[str, int | None]) -> None:
    item = case(param)
    certificate, tbs = unhex(item["certificate"]), unhex(item["to_be_signed_certificate"])
    issuer = unhex(item["issuer_certificate"])
    assert certificate[12:] == tbs
    assert sha256(issuer).hex() == item["expected_issuer_sha256"]
    issuer_public = _point(item["issuer_public_key_compressed"])
    reconstruction = _point(item["reconstruction_value_compressed"])
    assert tbs.endswith(_coer_compressed(reconstruction))
    # b = a + f(k, x_S(i, j)); d = e·b + r; the check d·G == e·P + Q_PCA runs inside ecqv_private_key.
    cocoon = cocoon_private_key(
        _key(item["caterpillar_private_key"]),
        unhex(item["expansion_key"]),
        item["i"],
        item["j"],
        KeyPurpose.SIGNING,
    )
    e = ecqv_e(tbs, issuer)
    key = ecqv_private_key(cocoon, e, unhex(item["private_key_reconstruction_value_r"]), reconstruction, issuer_public)
    assert key.public_point == _key(item["expected_private_key"]).public_point
    assert key.public_point == ecqv_public_key(e, reconstruction, issuer_public)


@pytest.mark.parametrize("param", case_params("real-certificates/ghs-butterfly-pseudonym.json"))
def test_ghs_butterfly_pseudonym_wrong_j_fails_the_key_check(param: tuple[str, int | None]) -> None:
    item = case(param)
    tbs, issuer = unhex(item["to_be_signed_certificate"]), unhex(item["issuer_certificate"])
    cocoon = cocoon_private_key(
        _key(item["caterpillar_private_key"]),
        unhex(item["expansion_key"]),
        item["i"],
        item["j"] + 1,
        KeyPurpose.SIGNING,
    )
    with pytest.raises(InvalidKey):
        ecqv_private_key(
            cocoon,
            ecqv_e(tbs, issuer),
            unhex(item["private_key_reconstruction_value_r"]),
            _point(item["reconstruction_value_compressed"]),
            _point(item["issuer_public_key_compressed"]),
        )
