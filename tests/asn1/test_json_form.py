"""The JSON form of values: round trips through JSON text, and the errors `from_json` gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from scms.asn1 import EncodeError, decode, encode
from scms.asn1.json_form import from_json, to_json

from ._samples import real_certificates
from ._strategies import values_of


def _through_text(type_name: str, value: Any) -> Any:
    return from_json(type_name, json.loads(json.dumps(to_json(type_name, value))))


@pytest.mark.parametrize("type_name", ["Certificate", "Ieee1609Dot2Data", "CrlContents", "HeaderInfo"])
def test_generated_values_round_trip_through_json_text(type_name: str) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(values_of(type_name))
    def check(value: Any) -> None:
        assert _through_text(type_name, value) == value

    check()


def test_real_certificate_json_form() -> None:
    data = real_certificates()[0]
    document = to_json("Certificate", decode("Certificate", data))
    assert document["issuer"] == {"self": "sha256"}
    assert document["toBeSigned"]["cracaId"] == "000000"
    assert document["toBeSigned"]["certIssuePermissions"][0]["eeType"] == {"value": "c0", "length": 8}
    assert document["signature"]["ecdsaNistP256Signature"]["rSig"]["x-only"] == data[-64:-32].hex()
    assert encode("Certificate", from_json("Certificate", document)) == data


def test_markers_are_written_and_read() -> None:
    inner = {"$type": "HashedId8", "value": b"\x01" * 8}
    value = {"protocolVersion": 3, "content": ("unsecuredData", inner)}
    document = to_json("Ieee1609Dot2Data", value)
    assert document == {"protocolVersion": 3, "content": {"unsecuredData": {"$type": "HashedId8", "value": "01" * 8}}}
    assert from_json("Ieee1609Dot2Data", document) == {"protocolVersion": 3, "content": ("unsecuredData", b"\x01" * 8)}


@pytest.mark.parametrize(
    ("document", "path", "reason"),
    [
        ([], "PsidSsp", "expected a JSON object"),
        ({"psid": 1, "extra": 2}, "PsidSsp", "no component named extra"),
        ({"psid": 1, "ssp": {"opaque": "zz"}}, "PsidSsp.ssp.opaque", "not a hex string"),
        ({"psid": 1, "ssp": {"opaque": 12}}, "PsidSsp.ssp.opaque", "expected a hex string"),
        ({"psid": 1, "ssp": {"opaque": "", "bitmapSsp": ""}}, "PsidSsp.ssp", "exactly one key"),
        ({"psid": 1, "ssp": {"other": ""}}, "PsidSsp.ssp", "no alternative named other"),
    ],
)
def test_bad_json_is_an_encode_error_naming_the_component(document: Any, path: str, reason: str) -> None:
    with pytest.raises(EncodeError) as caught:
        from_json("PsidSsp", document)
    assert caught.value.path == path and reason in caught.value.reason


@pytest.mark.parametrize(
    "document",
    [{"value": "80"}, {"value": "80", "length": -1}, {"value": "80", "length": True}, "80"],
)
def test_bad_bit_strings_are_refused(document: Any) -> None:
    with pytest.raises(EncodeError):
        from_json("EndEntityType", document)


def test_marker_type_must_be_a_name() -> None:
    with pytest.raises(EncodeError):
        from_json("Opaque", {"$type": 5, "value": 1})
    with pytest.raises(EncodeError):
        from_json("Opaque", {"$type": "HashedId8", "value": "0102"})  # 2 octets are no HashedId8


def test_json_values_are_checked_by_the_codec() -> None:
    value = from_json("PsidSsp", {"psid": -5})  # the reader leaves numbers to the codec
    with pytest.raises(EncodeError):
        encode("PsidSsp", value)
    with pytest.raises(EncodeError):
        to_json("PsidSsp", {"psid": 1, "ssp": 5})
