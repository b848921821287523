"""The OpenSCMS COER captures (shared/vectors/openscms/*.dat) through our 1609.2 + 1609.2.1 modules.

Every file decodes with the type the vectors README names and re-encodes to the identical bytes; every nested layer
(the opaque octets of an SPDU, the open types of a CTL, certificates inside) does the same, opened with the tables
of `scms.asn1.spdu_layers_dot2dot1`. A few field values are checked against the README and the standards notes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from scms.asn1 import decode, encode
from scms.asn1.layers import decode_deep, encode_deep
from scms.asn1.spdu_layers_dot2dot1 import LAYERS, OPEN_TYPE_FIELDS, SECURITY_MGMT_PSID, shape_of
from vectors import VECTORS_DIR, openscms_dat_params, read_bytes

# File -> the type the vectors README names for it. DecryptedEeRaCertRequestSpdu.dat is the plaintext of an
# EeRaCertRequestSpdu: the standard gives that inner signed-certificate-request layer no name of its own.
DAT_TYPES = {
    "RaCertificate.dat": "Certificate",
    "CertManagementPdu.dat": "ScmsPdu",
    "CertificateManagementInfoStatusSpdu.dat": "CertificateManagementInformationStatusSpdu",
    "DecryptedEeRaCertRequestSpdu.dat": "Ieee1609Dot2Data",
    "EeRaCertRequest.dat": "EeRaCertRequestSpdu",
    "EncryptedEeEcaCertRequestSpdu.dat": "EeEcaCertRequestSpdu",
    "EeEcaCertRequestSpdu.dat": "EeEcaCertRequestSpdu",
    "EeRaSuccessorEnrollmentCertRequestSpdu.dat": "EeRaSuccessorEnrollmentCertRequestSpdu",
    "OscmsCertificateChainFile.dat": "ScmsPdu",
    "OscmsCertificateChainFileSpdu.dat": "CertificateChainSpdu",
    "composite-crl-scms-pdu.dat": "ScmsPdu",
    "composite-crl-file.dat": "CompositeCrlSpdu",
}

# HashedId8 of RaCertificate.dat (the recipient of EeRaCertRequest.dat), as the vectors README states.
RA_HASHED_ID8 = bytes.fromhex("15e298fe7b1d9199")

_LAYER = {layer.spdu: layer for layer in LAYERS}
_OPEN_TYPES = {(field.container, field.path): field for field in OPEN_TYPE_FIELDS}


def _dat(name: str) -> bytes:
    return read_bytes(VECTORS_DIR / "openscms" / name)


def _roundtrip(type_name: str, data: bytes) -> Any:
    value = decode(type_name, data)
    assert encode(type_name, value) == data, f"{type_name} does not re-encode to the same bytes"
    return value


def _opaque(value: dict[str, Any], kind: str) -> bytes:
    """The octets at the place `kind` names (scms.asn1.layer_table.ContentKind)."""
    alternative, content = value["content"]
    if kind == "unsecured":
        assert alternative == "unsecuredData"
        octets = content
    elif kind == "signed":
        assert alternative == "signedData"
        inner_alternative, octets = content["tbsData"]["payload"]["data"]["content"]
        assert inner_alternative == "unsecuredData"
    elif kind == "signed-certificate-request":
        assert alternative == "signedCertificateRequest"
        octets = content
    else:
        raise AssertionError(f"no octets to open in a {kind} layer")
    assert isinstance(octets, bytes)
    return octets


def _open(spdu: str, value: dict[str, Any]) -> tuple[str, Any]:
    """Open one SPDU layer with our table: the inner type name and its decoded (round-tripped) value."""
    layer = _LAYER[spdu]
    assert layer.inner is not None, f"{spdu} is encrypted"
    return layer.inner, _roundtrip(layer.inner, _opaque(value, layer.kind))


def _open_spdu_bytes(spdu: str, data: bytes) -> Any:
    return _open(spdu, _roundtrip(spdu, data))[1]


def _open_type(container: str, member: str, value: dict[str, Any]) -> Any:
    field = _OPEN_TYPES[(container, (member,))]
    return _roundtrip(field.types[value[field.selector]], value[member])


def _scope(pdu: dict[str, Any]) -> tuple[str, str]:
    interface, (alternative, _) = pdu["content"]
    return interface, alternative


def _hashed_id8(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[-8:]


@pytest.mark.parametrize("path", openscms_dat_params())
def test_dat_file_roundtrips_with_its_readme_type(path: Path) -> None:
    data = read_bytes(path)
    assert path.name in DAT_TYPES, f"{path.name} is new: name its type in DAT_TYPES (from the vectors README)"
    _roundtrip(DAT_TYPES[path.name], data)


# Layers `decode_deep` must open in each file, by inner type. A CTL is 1 ScmsPdu (MultiSignedCtlSpdu) + its two open
# types + 1 ScmsPdu per elector signature (3 in both captures); the composite CRL adds its one SecuredCrl's contents;
# encrypted SPDUs and the unnamed plaintext layer (DecryptedEeRaCertRequestSpdu.dat) stay closed.
_CTL = Counter({"ScmsPdu": 1 + 3, "FullIeeeTbsCtl": 1, "SequenceOfCertificate": 1})
DEEP_LAYERS = {
    "RaCertificate.dat": Counter(),
    "CertManagementPdu.dat": Counter(),
    "CertificateManagementInfoStatusSpdu.dat": Counter({"ScmsPdu": 1}),
    "DecryptedEeRaCertRequestSpdu.dat": Counter(),
    "EeRaCertRequest.dat": Counter(),
    "EncryptedEeEcaCertRequestSpdu.dat": Counter({"SignedCertificateRequest": 1}),
    "EeEcaCertRequestSpdu.dat": Counter({"SignedCertificateRequest": 1}),
    "EeRaSuccessorEnrollmentCertRequestSpdu.dat": Counter(),
    "OscmsCertificateChainFile.dat": _CTL,
    "OscmsCertificateChainFileSpdu.dat": _CTL + Counter({"ScmsPdu": 1}),
    "composite-crl-scms-pdu.dat": _CTL + Counter({"CrlContents": 1}),
    "composite-crl-file.dat": _CTL + Counter({"CrlContents": 1, "ScmsPdu": 1}),
}


def _markers(value: Any, found: Counter[str]) -> Counter[str]:
    if isinstance(value, dict):
        if "$type" in value:
            found[value["$type"]] += 1
        for item in value.values():
            _markers(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _markers(item, found)
    return found


@pytest.mark.parametrize("path", openscms_dat_params())
def test_dat_file_deep_decodes_every_layer_and_encodes_back(path: Path) -> None:
    data = read_bytes(path)
    type_name = DAT_TYPES[path.name]
    deep = decode_deep(type_name, data)
    assert _markers(deep, Counter()) == DEEP_LAYERS[path.name]
    assert encode_deep(type_name, deep) == data


@pytest.mark.parametrize("path", openscms_dat_params())
def test_dat_file_first_bytes_match_the_readme(path: Path) -> None:
    # README: 03 = Ieee1609Dot2Data protocolVersion 3, 02 = ScmsPdu version 2; certificates start 80 03.
    data = read_bytes(path)
    type_name = DAT_TYPES[path.name]
    value = decode(type_name, data)
    if type_name == "ScmsPdu":
        assert value["version"] == 2
        assert data[:2] == b"\x02\x84"  # cert = CertManagementPdu
    elif type_name == "Certificate":
        assert value["version"] == 3
    else:
        assert value["protocolVersion"] == 3
        content_tag = {
            "unsecuredData": 0x80,
            "signedData": 0x81,
            "encryptedData": 0x82,
            "signedCertificateRequest": 0x83,
        }
        assert data[1] == content_tag[value["content"][0]]


def test_cert_management_pdu_is_info_status() -> None:
    pdu = _roundtrip("ScmsPdu", _dat("CertManagementPdu.dat"))
    assert _scope(pdu) == ("cert", "infoStatus")
    status = pdu["content"][1][1]
    # OpenSCMS's RA lists its own CRL (series 1) under its own HashedId8 as cracaId.
    assert status["crl"] == [{"cracaId": RA_HASHED_ID8, "series": 1, "issueDate": status["crl"][0]["issueDate"]}]
    assert [(ctl["ctlSeriesId"].hex(), ctl["sequenceNumber"]) for ctl in status["ctl"]] == [("ffffffffffffff00", 0)]
    assert status["ma"] == []
    assert "ra" in status  # sent by an RA


def test_cmis_spdu_is_signed_by_the_ra_around_the_cert_management_pdu() -> None:
    spdu = _roundtrip("CertificateManagementInformationStatusSpdu", _dat("CertificateManagementInfoStatusSpdu.dat"))
    inner_type, pdu = _open("CertificateManagementInformationStatusSpdu", spdu)
    assert inner_type == "ScmsPdu"
    assert _opaque(spdu, "signed") == _dat("CertManagementPdu.dat")
    assert _scope(pdu) == shape_of("CertificateManagementInformationStatusSpdu").scope
    signed = spdu["content"][1]
    assert signed["tbsData"]["headerInfo"]["psid"] == SECURITY_MGMT_PSID
    signer_kind, chain = signed["signer"]
    assert signer_kind == "certificate"
    assert [encode("Certificate", cert) for cert in chain] == [_dat("RaCertificate.dat")]


def test_ra_certificate_hashed_id8_and_ra_ssp() -> None:
    ra = _dat("RaCertificate.dat")
    assert _hashed_id8(ra) == RA_HASHED_ID8
    cert = _roundtrip("Certificate", ra)
    ssps = [p["ssp"] for p in cert["toBeSigned"]["appPermissions"] if p["psid"] == SECURITY_MGMT_PSID]
    assert [decode("SecurityMgmtSsp", ssp[1]) for ssp in ssps] == [("ra", {"version": 2})]


@pytest.mark.parametrize("name", ["EeEcaCertRequestSpdu.dat", "EncryptedEeEcaCertRequestSpdu.dat"])
def test_ee_eca_cert_request_is_self_signed_eca_ee_request(name: str) -> None:
    spdu = _roundtrip("EeEcaCertRequestSpdu", _dat(name))
    inner_type, request = _open("EeEcaCertRequestSpdu", spdu)
    assert inner_type == "SignedCertificateRequest"
    assert request["signer"] == ("self", None)
    assert request["hashAlgorithmId"] == "sha256"
    pdu = request["tbsRequest"]
    assert pdu["version"] == 2
    assert _scope(pdu) == shape_of("EeEcaCertRequestSpdu").scope == ("eca-ee", "eeEcaCertRequest")
    ee_eca = pdu["content"][1][1]
    assert ee_eca["version"] == 2
    assert ee_eca["type"] == "implicit"
    # Not checked: the request's inner-subtype constraints (cracaId '000000'H, certRequestPermissions PRESENT) are not
    # OER-visible, and OpenSCMS breaks both (cracaId b7b902 in one capture, no certRequestPermissions in the other).
    assert ee_eca["tbsCert"]["verifyKeyIndicator"][0] == "verificationKey"
    # The README: only the "Encrypted..." capture carries a canonicalId (a 64-hex-digit string).
    if name.startswith("Encrypted"):
        assert len(ee_eca["canonicalId"]) == 64
    else:
        assert "canonicalId" not in ee_eca


def test_decrypted_ee_ra_cert_request_is_signed_by_an_enrolment_certificate() -> None:
    value = _roundtrip("Ieee1609Dot2Data", _dat("DecryptedEeRaCertRequestSpdu.dat"))
    # This is layer two of EeRa1609Dot2AuthenticatedCertRequestSpdu (the plaintext of its encrypted layer).
    assert shape_of("EeRa1609Dot2AuthenticatedCertRequestSpdu").wrapping[1] == "signed-certificate-request"
    request = _roundtrip("SignedCertificateRequest", _opaque(value, "signed-certificate-request"))
    signer_kind, chain = request["signer"]
    assert signer_kind == "certificate" and len(chain) == 1  # SignerSingleCert
    assert chain[0]["type"] == "implicit"
    pdu = request["tbsRequest"]
    assert _scope(pdu) == shape_of("EeRaCertRequestSpdu").scope == ("ee-ra", "eeRaCertRequest")
    ee_ra = pdu["content"][1][1]
    assert ee_ra["version"] == 2
    assert ee_ra["type"] == "explicit"
    assert ee_ra["additionalParams"][0] == "encryptionKey"  # no butterfly: respond encrypted to this key
    assert {p["psid"] for p in ee_ra["tbsCert"]["appPermissions"]} == {35, 135}


def test_ee_ra_cert_request_is_encrypted_to_the_ra_certificate() -> None:
    spdu = _roundtrip("EeRaCertRequestSpdu", _dat("EeRaCertRequest.dat"))
    assert _LAYER["EeRaCertRequestSpdu"].kind == "encrypted"
    kind, encrypted = spdu["content"]
    assert kind == "encryptedData"
    [(recipient_kind, recipient)] = encrypted["recipients"]
    assert recipient_kind == "certRecipInfo"
    assert recipient["recipientId"] == _hashed_id8(_dat("RaCertificate.dat")) == RA_HASHED_ID8
    ecies_kind, ecies = recipient["encKey"]
    assert ecies_kind == "eciesNistP256"
    assert ecies["v"][0] in ("compressed-y-0", "compressed-y-1")
    assert (len(ecies["c"]), len(ecies["t"])) == (16, 16)
    cipher_kind, ccm = encrypted["ciphertext"]
    assert cipher_kind == "aes128ccm" and len(ccm["nonce"]) == 12


def test_successor_enrolment_request_is_encrypted() -> None:
    spdu = _roundtrip("EeRaSuccessorEnrollmentCertRequestSpdu", _dat("EeRaSuccessorEnrollmentCertRequestSpdu.dat"))
    assert shape_of("EeRaSuccessorEnrollmentCertRequestSpdu").wrapping[0] == "encrypted"
    kind, encrypted = spdu["content"]
    assert kind == "encryptedData"
    [(recipient_kind, _)] = encrypted["recipients"]
    assert recipient_kind == "certRecipInfo"
    assert encrypted["ciphertext"][0] == "aes128ccm"


@pytest.mark.parametrize(
    ("spdu_file", "pdu_file", "spdu"),
    [
        ("OscmsCertificateChainFileSpdu.dat", "OscmsCertificateChainFile.dat", "CertificateChainSpdu"),
        ("composite-crl-file.dat", "composite-crl-scms-pdu.dat", "CompositeCrlSpdu"),
    ],
)
def test_unsecured_file_spdu_wraps_the_scms_pdu_file(spdu_file: str, pdu_file: str, spdu: str) -> None:
    value = _roundtrip(spdu, _dat(spdu_file))
    assert _opaque(value, _LAYER[spdu].kind) == _dat(pdu_file)
    _, pdu = _open(spdu, value)
    assert _scope(pdu) == shape_of(spdu).scope


def _check_home_ctl(home_ctl: dict[str, Any], signature_psid: int) -> dict[str, Any]:
    """Open a MultiSignedCtlSpdu down to its open types and elector signatures; returns the FullIeeeTbsCtl."""
    _, pdu = _open("MultiSignedCtlSpdu", _roundtrip("MultiSignedCtlSpdu", encode("Ieee1609Dot2Data", home_ctl)))
    assert _scope(pdu) == ("cert", "multiSignedCtl")
    ctl = pdu["content"][1][1]
    assert ctl["type"] == 1  # fullIeeeCtl
    tbs: dict[str, Any] = _open_type("MultiSignedCtl", "tbsCtl", ctl)
    assert tbs["type"] == 1
    certificates = _open_type("MultiSignedCtl", "unsigned", ctl)
    for certificate in certificates:
        _roundtrip("Certificate", encode("Certificate", certificate))
    assert ctl["signatures"], "SIZE(1..MAX)"
    for signature in ctl["signatures"]:
        spdu = _roundtrip("CtlSignatureSpdu", encode("Ieee1609Dot2Data", signature))
        _, signed_pdu = _open("CtlSignatureSpdu", spdu)
        assert _scope(signed_pdu) == shape_of("CtlSignatureSpdu").scope
        to_be_signed = signed_pdu["content"][1][1]
        assert (to_be_signed["ctlSeriesId"], to_be_signed["ctlType"], to_be_signed["sequenceNumber"]) == (
            tbs["ctlSeriesId"],
            1,
            tbs["sequenceNumber"],
        )
        # standards notes §9 [V]: tbsCtlHash = SHA-384 over the COER of FullIeeeTbsCtl (the open type's contents).
        assert to_be_signed["tbsCtlHash"] == hashlib.sha384(ctl["tbsCtl"]).digest()
        assert spdu["content"][1]["tbsData"]["headerInfo"]["psid"] == signature_psid
    return tbs


def test_certificate_chain_file_down_to_the_ctl() -> None:
    pdu = _roundtrip("ScmsPdu", _dat("OscmsCertificateChainFile.dat"))
    assert _scope(pdu) == ("cert", "certificateChain")
    chain = pdu["content"][1][1]
    # This capture signs its CTL with PSID 111111 (standards notes §13.7); the standard says SecurityMgmtPsid.
    tbs = _check_home_ctl(chain["homeCtl"], signature_psid=111111)
    assert shape_of("CtlSignatureSpdu").psid == SECURITY_MGMT_PSID
    assert tbs["ctlSeriesId"].hex() == "ffffffffffffff00"
    assert tbs["quorum"] == 3  # the extension addition after `...`
    assert (len(tbs["electorApprove"]), len(tbs["rootCaApprove"])) == (3, 2)
    roles = []
    for certificate in chain["others"]:
        _roundtrip("Certificate", encode("Certificate", certificate))
        permissions = certificate["toBeSigned"]["appPermissions"]
        roles += [decode("SecurityMgmtSsp", p["ssp"][1])[0] for p in permissions if p["psid"] == SECURITY_MGMT_PSID]
    assert roles == ["root", "ica", "eca", "aca", "ra"]


def test_composite_crl_down_to_the_crl_contents() -> None:
    pdu = _roundtrip("ScmsPdu", _dat("composite-crl-scms-pdu.dat"))
    assert _scope(pdu) == ("cert", "compositeCrl")
    composite = pdu["content"][1][1]
    [secured_crl] = composite["crl"]
    secured = _roundtrip("SecuredCrl", encode("Ieee1609Dot2Data", secured_crl))
    signed = secured["content"][1]
    assert signed["tbsData"]["headerInfo"]["psid"] == 256  # CrlPsid
    contents = _roundtrip("CrlContents", _opaque(secured, "signed"))
    assert (contents["version"], contents["typeSpecific"][0]) == (1, "fullHashCrl")
    _check_home_ctl(composite["homeCtl"], signature_psid=SECURITY_MGMT_PSID)
