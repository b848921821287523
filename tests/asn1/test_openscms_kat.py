"""The COER side of the OpenSCMS known-answer tests (shared/vectors/openscms/kat): what can be read without keys.

Decrypting and verifying the request belongs to scms.dot2; here the outer encrypted SPDU, the RA and ECA
certificates and the plaintext request of request-hash.json are decoded, re-encoded and checked field by field.
"""

from __future__ import annotations

import hashlib
from typing import Any

from scms.asn1 import decode, encode
from scms.asn1.spdu_layers_dot2dot1 import SECURITY_MGMT_PSID, shape_of
from vectors import load_json, unhex

_OBK = "openscms/kat/ee-ra-cert-request-obk.json"


def _roundtrip(type_name: str, data: bytes) -> Any:
    value = decode(type_name, data)
    assert encode(type_name, value) == data
    return value


def _management_ssps(certificate: dict[str, Any]) -> list[Any]:
    permissions = certificate["toBeSigned"].get("appPermissions", [])
    return [decode("SecurityMgmtSsp", p["ssp"][1]) for p in permissions if p["psid"] == SECURITY_MGMT_PSID]


def test_obk_request_is_encrypted_to_the_ra_certificate() -> None:
    kat = load_json(_OBK)
    spdu = unhex(kat["input"]["ee_ra_cert_request_spdu"])
    ra_certificate = unhex(kat["input"]["ra_certificate"])
    value = _roundtrip("EeRaCertRequestSpdu", spdu)
    assert shape_of("EeRaCertRequestSpdu").wrapping == ("encrypted", "signed-certificate-request")
    kind, encrypted = value["content"]
    assert kind == "encryptedData"
    [(recipient_kind, recipient)] = encrypted["recipients"]
    assert recipient_kind == "certRecipInfo"
    # HashedId8 of the RA certificate: the low-order 8 bytes of SHA-256 over the whole COER certificate.
    assert recipient["recipientId"] == hashlib.sha256(ra_certificate).digest()[-8:]
    ecies_kind, ecies = recipient["encKey"]
    assert ecies_kind == "eciesNistP256"
    point_form, x = ecies["v"]
    assert point_form in ("compressed-y-0", "compressed-y-1") and len(x) == 32  # ephemeral key, compressed
    assert (len(ecies["c"]), len(ecies["t"])) == (16, 16)
    cipher_kind, ccm = encrypted["ciphertext"]
    assert cipher_kind == "aes128ccm" and len(ccm["nonce"]) == 12
    # The README: it decrypts to a 346-byte signed certificate request; CCM appends a 16-byte tag.
    assert len(ccm["ccmCiphertext"]) == 346 + 16


def test_obk_request_hash_is_hashed_id8_of_the_spdu_as_received() -> None:
    kat = load_json(_OBK)
    spdu = unhex(kat["input"]["ee_ra_cert_request_spdu"])
    assert hashlib.sha256(spdu).digest()[-8:] == unhex(kat["expected"]["request_hash_id"])


def test_obk_ra_certificate_carries_the_encryption_key_and_ra_ssp() -> None:
    kat = load_json(_OBK)
    certificate = _roundtrip("Certificate", unhex(kat["input"]["ra_certificate"]))
    assert _management_ssps(certificate) == [("ra", {"version": 2})]
    encryption_key = certificate["toBeSigned"]["encryptionKey"]
    assert encryption_key["supportedSymmAlg"] == "aes128Ccm"
    assert encryption_key["publicKey"][0] == "eciesNistP256"


def test_obk_eca_certificate_carries_the_eca_public_key() -> None:
    kat = load_json(_OBK)
    certificate = _roundtrip("Certificate", unhex(kat["input"]["eca_certificate"]))
    assert _management_ssps(certificate) == [("eca", {"version": 2})]
    xy = unhex(kat["input"]["eca_public_key_xy"])
    key_kind, (point_form, x) = certificate["toBeSigned"]["verifyKeyIndicator"][1]
    assert key_kind == "ecdsaNistP256"
    assert x == xy[:32]
    assert point_form == ("compressed-y-0" if xy[-1] % 2 == 0 else "compressed-y-1")


def test_request_hash_spdu_is_an_original_butterfly_ee_ra_request() -> None:
    kat = load_json("openscms/kat/request-hash.json")
    spdu = unhex(kat["input"]["spdu"])
    value = _roundtrip("Ieee1609Dot2Data", spdu)
    kind, octets = value["content"]
    assert kind == "signedCertificateRequest"
    request = _roundtrip("SignedCertificateRequest", octets)
    assert request["signer"][0] == "certificate"
    interface, (alternative, ee_ra) = request["tbsRequest"]["content"]
    assert (interface, alternative) == shape_of("EeRaCertRequestSpdu").scope
    params_kind, params = ee_ra["additionalParams"]
    assert params_kind == "original"
    assert params["signingExpansion"][0] == params["encryptionExpansion"][0] == "aes128"
    assert len(params["signingExpansion"][1]) == len(params["encryptionExpansion"][1]) == 16
    assert hashlib.sha256(spdu).digest()[-8:] == unhex(kat["expected"]["hash_id"])
