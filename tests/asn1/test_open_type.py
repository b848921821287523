"""Our open-type extension of asn1tools: class-field-typed components compile to a length-prefixed octet string
holding the inner COER (X.696 clause 30), and open-type values are bytes both ways."""

from __future__ import annotations

import pytest

from scms.asn1 import decode, encode
from scms.asn1._compile import compiled
from scms.asn1._open_type import is_type_field_reference, rewrite_open_types


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("EXT-TYPE.&ExtContent", True),
        ("CERT-EXT-TYPE.&App", True),
        ("IEEE-1609-2-1-MSCTL.&TbsCtl", True),
        ("EXT-TYPE.&extId", False),
        ("CERT-EXT-TYPE.&id", False),
        ("HashedId8", False),
        ("OCTET STRING", False),
    ],
)
def test_type_fields_are_told_from_value_fields(reference: str, expected: bool) -> None:
    assert is_type_field_reference(reference) is expected


def test_rewrite_turns_type_fields_into_octet_strings_anywhere() -> None:
    parsed = {
        "M": {
            "types": {
                "A": {
                    "type": "SEQUENCE",
                    "members": [
                        {"name": "id", "type": "C.&id"},
                        {"name": "content", "type": "C.&Content", "table": ["Set", [".id"]]},
                    ],
                },
                "B": {"type": "SEQUENCE OF", "element": {"type": "C.&Content"}},
                "D": {"type": "INTEGER"},
            }
        }
    }
    assert rewrite_open_types(parsed) == [("M", "A"), ("M", "B")]
    types = parsed["M"]["types"]
    assert types["A"]["members"][0] == {"name": "id", "type": "C.&id"}
    assert types["A"]["members"][1]["type"] == "OCTET STRING"
    assert types["A"]["members"][1]["open-type"] == "C.&Content"
    assert types["B"]["element"] == {"type": "OCTET STRING", "open-type": "C.&Content"}
    assert types["D"] == {"type": "INTEGER"}


def test_our_modules_have_their_open_types_rewritten() -> None:
    types = compiled().parsed["Ieee1609Dot2"]["types"]
    content = types["AppExtension"]["members"][1]
    assert (content["type"], content["open-type"]) == ("OCTET STRING", "CERT-EXT-TYPE.&App")
    extns = types["ContributedExtensionBlock"]["members"][1]["element"]
    assert extns["open-type"] == "IEEE1609DOT2-HEADERINFO-CONTRIBUTED-EXTENSION.&Extn"


def test_open_type_is_a_length_prefixed_octet_string() -> None:
    oid = encode("OperatingOrganizationId", "1.3.6.1")
    assert oid == bytes.fromhex("032b0601")  # OER: length, then the BER contents octets (no tag)
    # AppExtension {id ExtId, content open type}: no preamble, id in one octet, then length + inner COER.
    assert encode("AppExtension", {"id": 1, "content": oid}) == bytes.fromhex("0104") + oid
    long_content = b"\xaa" * 200
    assert encode("AppExtension", {"id": 9, "content": long_content}) == bytes.fromhex("0981c8") + long_content
    assert decode("AppExtension", bytes.fromhex("0104") + oid) == {"id": 1, "content": oid}
