"""Nested layers: decode_deep opens the 1609.2 layers listed in spdu_layers_dot2, encode_deep closes them."""

from __future__ import annotations

from typing import Any

from scms.asn1 import decode, encode
from scms.asn1.layer_table import Layer, OpenTypeField
from scms.asn1.layers import decode_deep, encode_deep, layer_for, open_type_for

from ._expect import refused
from ._samples import crl_contents, secured_crl

SIGNATURE = ("ecdsaNistP256Signature", {"rSig": ("x-only", b"\x11" * 32), "sSig": b"\x22" * 32})


def _signed(inner: bytes, psid: int = 256) -> dict[str, Any]:
    data = {"protocolVersion": 3, "content": ("unsecuredData", inner)}
    tbs = {"payload": {"data": data}, "headerInfo": {"psid": psid}}
    return {
        "protocolVersion": 3,
        "content": (
            "signedData",
            {"hashId": "sha256", "tbsData": tbs, "signer": ("self", None), "signature": SIGNATURE},
        ),
    }


def _payload(value: dict[str, Any]) -> Any:
    return value["content"][1]["tbsData"]["payload"]["data"]["content"][1]


def test_secured_crl_opens_to_its_crl_contents() -> None:
    data = secured_crl()
    deep = decode_deep("SecuredCrl", data)
    marker = _payload(deep)
    assert marker == {"$type": "CrlContents", "value": decode("CrlContents", crl_contents())}
    assert marker["value"]["typeSpecific"][0] == "fullHashCrl"
    assert encode_deep("SecuredCrl", deep) == data


def test_plain_types_are_not_opened() -> None:
    """Only a value declared with a listed type is opened: the same bytes as Ieee1609Dot2Data stay opaque."""
    data = secured_crl()
    assert decode_deep("Ieee1609Dot2Data", data) == decode("Ieee1609Dot2Data", data)


def test_a_secured_crl_that_is_not_signed_is_refused() -> None:
    unsecured = encode("Ieee1609Dot2Data", {"protocolVersion": 3, "content": ("unsecuredData", crl_contents())})
    error = refused(decode_deep, "SecuredCrl", unsecured)
    assert error.type_name == "SecuredCrl" and "expected signedData content, found unsecuredData" in error.reason


def test_a_signed_payload_that_is_not_unsecured_data_is_refused() -> None:
    value = _signed(b"")
    value["content"][1]["tbsData"]["payload"] = {"extDataHash": ("sha256HashedData", b"\x00" * 32)}
    error = refused(decode_deep, "SecuredCrl", encode("SecuredCrl", value))
    assert "signed payload is not an unsecuredData" in error.reason


def test_an_inner_error_names_the_inner_type_and_the_layer() -> None:
    broken = crl_contents()[:-1]
    error = refused(decode_deep, "SecuredCrl", encode("SecuredCrl", _signed(broken)))
    assert error.type_name == "CrlContents"
    assert "inside SecuredCrl" in error.reason and error.offset <= len(broken)


def test_open_type_fields_are_opened_by_their_id() -> None:
    oid = encode("OperatingOrganizationId", "1.3.6.1.4.1")
    known = {"id": 1, "content": oid}
    unknown = {"id": 7, "content": b"\x05\x00"}
    extensions = encode("SequenceOfAppExtensions", [known, unknown])
    deep = decode_deep("SequenceOfAppExtensions", extensions)
    assert deep == [{"id": 1, "content": {"$type": "OperatingOrganizationId", "value": "1.3.6.1.4.1"}}, unknown]
    assert encode_deep("SequenceOfAppExtensions", deep) == extensions


def test_contributed_header_extensions_open_through_the_list() -> None:
    extension = encode("Ieee1609ContributedHeaderInfoExtension", {"id": 1, "content": encode("HashedId8", b"\x07" * 8)})
    blocks = [{"contributorId": 1, "extns": [extension, extension]}, {"contributorId": 2, "extns": [b"\x01"]}]
    data = encode("ContributedExtensionBlocks", blocks)
    deep = decode_deep("ContributedExtensionBlocks", data)
    opened = deep[0]["extns"][0]
    assert opened["$type"] == "Ieee1609ContributedHeaderInfoExtension"
    assert opened["value"]["content"] == {"$type": "HashedId8", "value": b"\x07" * 8}
    assert deep[1] == blocks[1]  # contributor 2 (ETSI) is not in our tables
    assert encode_deep("ContributedExtensionBlocks", deep) == data


def test_encrypted_data_is_not_opened() -> None:
    encrypted = {
        "recipients": [("pskRecipInfo", b"\x01" * 8)],
        "ciphertext": ("aes128ccm", {"nonce": b"\x02" * 12, "ccmCiphertext": b"\x03" * 20}),
    }
    data = encode("Ieee1609Dot2Data", {"protocolVersion": 3, "content": ("encryptedData", encrypted)})
    assert decode_deep("Ieee1609Dot2Data", data)["content"] == ("encryptedData", encrypted)


def test_table_lookups() -> None:
    assert layer_for("SecuredCrl") == Layer("SecuredCrl", "signed", "CrlContents")
    assert layer_for("Certificate") is None
    assert open_type_for("AppExtension", ("content",), 1) == "OperatingOrganizationId"
    assert open_type_for("AppExtension", ("content",), 2) is None
    assert open_type_for("MultiSignedCtl", ("tbsCtl",), 1) == "FullIeeeTbsCtl"
    assert OpenTypeField("A", ("b",), "id", {1: "C"}).types[1] == "C"
