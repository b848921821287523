"""The certificate view on real certificates (ISS root, GHS implicit and pseudonym, OpenSCMS RA) and on edge cases."""

from __future__ import annotations

from typing import Any

import pytest

from scms.crypto import Curve, HashAlgorithm, Point, RForm, SoftwareKey, sha256, signing_digest
from scms.dot2._codec import encode
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType, ValidityPeriod
from scms.dot2.curve_points import signature_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permissions import Ssp
from scms.dot2.region import IdentifiedRegion, IdentifiedRegions
from scms.dot2.time import IPeriods, Time32, Time64
from vectors import VECTORS_DIR, case, case_params, read_bytes, unhex

ROOT = "real-certificates/iss-root.json"
IMPLICIT = "real-certificates/ghs-implicit.json"
PSEUDONYM = "real-certificates/ghs-butterfly-pseudonym.json"


@pytest.mark.parametrize("param", case_params(ROOT))
def test_iss_root_hash_ids_and_self_signature(param: Any) -> None:
    c = case(param)
    cert = Certificate.from_bytes(unhex(c["certificate"]))
    assert cert.is_canonical
    assert cert.hash() == unhex(c["expected_sha256"])
    assert cert.hash(HashAlgorithm.SHA256) == cert.hash()  # its own algorithm: the hash computed once
    assert cert.hash(HashAlgorithm.SHA384) == HashAlgorithm.SHA384.digest(cert.canonical_bytes)
    assert cert.hashed_id8() == unhex(c["expected_hashed_id8"])
    assert cert.hashed_id3() == unhex(c["expected_hashed_id3"])
    assert cert.hashed_id10() == unhex(c["expected_sha256"])[-10:]
    assert cert.tbs_bytes() == unhex(c["to_be_signed_certificate"])
    assert cert.type is CertificateType.EXPLICIT and cert.is_self_signed
    assert cert.issuer.hash_algorithm is HashAlgorithm.SHA256
    assert cert.verification_key == Point.decode(Curve.P256, unhex(c["verification_public_key_compressed"]))
    cert.verify_signature()  # issuer None: self-signed, signer input ""
    assert cert.signature is not None and cert.signature.r_bytes() == unhex(c["signature_r_x_only"])
    assert cert.id.name == "v2xrootca.ghsiss.com"
    assert cert.permits(35, b"\x81\x00\x01") and cert.permits(256) and not cert.permits(32)
    assert not cert.permits(35, b"\x81\x00\x02")


@pytest.mark.parametrize("param", case_params(ROOT))
def test_iss_root_with_one_tbs_bit_changed_fails_signature(param: Any) -> None:
    data = bytearray(unhex(case(param)["certificate"]))
    data[20] ^= 0x01  # inside the name: still parses
    cert = Certificate.from_bytes(bytes(data))
    with pytest.raises(Ieee1609Error) as err:
        cert.verify_signature()
    assert err.value.error is ErrorCode.FAILED_SIGNATURE_VERIFICATION


@pytest.mark.parametrize("param", case_params(IMPLICIT))
def test_ghs_implicit_public_key_reconstructed_with_its_issuer(param: Any) -> None:
    c = case(param)
    issuer = Certificate.from_bytes(unhex(c["issuer_certificate"]))
    cert = Certificate.from_bytes(unhex(c["certificate"]))
    assert issuer.hash() == unhex(c["expected_issuer_sha256"])
    assert cert.issuer.digest == issuer.hashed_id8()
    assert cert.is_implicit and cert.signature is None and cert.verification_key is None
    assert cert.tbs_bytes() == unhex(c["to_be_signed_certificate"])
    assert cert.reconstruction_value() == Point.decode(Curve.P256, unhex(c["reconstruction_value_uncompressed"]))
    expected = SoftwareKey.from_private_bytes(Curve.P256, unhex(c["expected_private_key"])).public_point
    assert cert.public_key(issuer) == expected
    assert expected == Point.decode(Curve.P256, unhex(c["expected_public_key_uncompressed"]))
    assert cert.region == IdentifiedRegions((IdentifiedRegion(840),))
    assert cert.crl_series == 3 and cert.craca_id == bytes.fromhex("e30491")
    assert cert.id.kind == "none"


@pytest.mark.parametrize("param", case_params(IMPLICIT))
def test_implicit_key_needs_its_own_issuer(param: Any) -> None:
    c = case(param)
    cert = Certificate.from_bytes(unhex(c["certificate"]))
    with pytest.raises(Ieee1609Error) as err:
        cert.public_key()
    assert err.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION
    with pytest.raises(Ieee1609Error, match="not issued by"):
        cert.public_key(cert.__class__.from_bytes(read_bytes(VECTORS_DIR / "openscms" / "RaCertificate.dat")))


@pytest.mark.parametrize("param", case_params(PSEUDONYM))
def test_ghs_pseudonym_linkage_data_and_validity(param: Any) -> None:
    c = case(param)
    cert = Certificate.from_bytes(unhex(c["certificate"]))
    linkage = cert.id.linkage
    assert cert.id.kind == "linkageData" and linkage is not None
    assert linkage.i_cert == int(c["i"]) == 142
    assert linkage.linkage_value == unhex(c["decoded"]["linkage_value"])
    glv = linkage.group_linkage_value
    assert glv is not None and glv.j_value == unhex(c["decoded"]["group_linkage_value"]["j_value"])
    assert cert.validity.start == 347619603 + 142 * 604800 == IPeriods().start(142)
    assert (cert.validity.unit, cert.validity.count) == ("hours", 169)
    assert cert.validity.end == cert.validity.start + 169 * 3600
    assert [p.psid for p in cert.app_permissions] == [32, 38]
    issuer = Certificate.from_bytes(unhex(c["issuer_certificate"]))
    assert cert.public_key(issuer).curve is Curve.P256


@pytest.mark.parametrize("path", [VECTORS_DIR / "openscms" / "RaCertificate.dat"], ids=["openscms/RaCertificate.dat"])
def test_openscms_ra_certificate_view(path: Any) -> None:
    data = read_bytes(path)
    cert = Certificate.from_bytes(data)
    assert cert.data == data and cert.is_canonical
    assert cert.id.kind == "binaryId"
    assert cert.permits(35, Ssp(b"\x8b\x00\x02"))
    assert cert.encryption_key is not None and cert.encryption_key.curve is Curve.P256
    assert cert.hashed_id8() == sha256(data)[-8:]


def _uncompress(point: tuple[str, bytes], curve: Curve) -> tuple[str, dict[str, bytes]]:
    p = Point.from_x(curve, int.from_bytes(point[1]), 0 if point[0] == "compressed-y-0" else 1)
    return ("uncompressedP256", {"x": p.x_bytes(), "y": p.y.to_bytes(32)})


@pytest.mark.parametrize("param", case_params(ROOT))
def test_non_canonical_encoding_hashes_as_the_canonical_one(param: Any) -> None:
    canonical = Certificate.from_bytes(unhex(case(param)["certificate"]))
    value = dict(canonical.value)
    tbs = dict(value["toBeSigned"])
    name, point = tbs["verifyKeyIndicator"][1]
    tbs["verifyKeyIndicator"] = ("verificationKey", (name, _uncompress(point, Curve.P256)))
    value["toBeSigned"] = tbs
    # rSig as the full point R (recovered from the key and digest).
    sig = canonical.signature
    assert sig is not None and canonical.verification_key is not None
    digest = signing_digest(Curve.P256, canonical.tbs_bytes())
    value["signature"] = signature_to_coer(sig.with_r_point(canonical.verification_key, digest, RForm.COMPRESSED))
    other = Certificate.from_bytes(encode("Certificate", value))
    assert other.data != canonical.data and not other.is_canonical
    assert other.canonical_bytes == canonical.data
    assert other.hashed_id8() == canonical.hashed_id8() and other == canonical
    assert other.tbs_bytes() == canonical.tbs_bytes()
    other.verify_signature()


def test_garbage_fails_parsing() -> None:
    with pytest.raises(Ieee1609Error) as err:
        Certificate.from_bytes(b"\x80\x03\x00\x81")
    assert err.value.error is ErrorCode.FAILED_PARSING


@pytest.mark.parametrize("param", case_params(ROOT))
def test_type_flag_inconsistent_with_contents_is_rejected(param: Any) -> None:
    data = bytearray(unhex(case(param)["certificate"]))
    data[2] = 0x01  # explicit -> implicit, signature still present
    with pytest.raises(Ieee1609Error) as err:
        Certificate.from_bytes(bytes(data))
    assert err.value.error is ErrorCode.FAILED_PARSING


@pytest.mark.parametrize("param", case_params(ROOT))
def test_x_only_verification_key_is_an_invalid_key(param: Any) -> None:
    cert = Certificate.from_bytes(unhex(case(param)["certificate"]))
    value = dict(cert.value)
    tbs = dict(value["toBeSigned"])
    tbs["verifyKeyIndicator"] = ("verificationKey", ("ecdsaNistP256", ("x-only", b"\x01" * 32)))
    value["toBeSigned"] = tbs
    broken = Certificate.from_bytes(encode("Certificate", value))
    with pytest.raises(Ieee1609Error) as err:
        _ = broken.verification_key
    assert err.value.error is ErrorCode.INVALID_VERIFY_KEY_INDICATOR


def test_validity_arithmetic() -> None:
    v = ValidityPeriod(Time32(1000), "years", 2)
    assert v.end == 1000 + 2 * 31556952
    assert v.contains(Time32(1000)) and not v.contains(Time32(999)) and not v.contains(v.end)
    assert v.contains(Time64(int(v.end) * 1_000_000 - 1))
    short = ValidityPeriod(Time32(1000), "milliseconds", 1500)
    assert short.end == 1002 and short.contains(Time64(1_001_499_999)) and not short.contains(Time64(1_001_500_000))
    assert short.within(v) and not v.within(short)
    assert ValidityPeriod(Time32(2**32 - 10), "hours", 1).end == 2**32 - 1
