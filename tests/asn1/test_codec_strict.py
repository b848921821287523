"""Strict decoding: anything but exactly one canonical COER encoding of a valid value is a CodecError that names
the type and the byte offset where the problem is."""

from __future__ import annotations

from typing import Any

import pytest

from scms.asn1 import CodecError, EncodeError, decode, encode, qualified_name, type_names
from scms.asn1 import codec as codec_module
from scms.asn1._compile import Compiled, compiled

from ._samples import real_certificates


def _error(type_name: str, data: Any) -> CodecError:
    with pytest.raises(CodecError) as caught:
        decode(type_name, data)
    error = caught.value
    assert error.type_name == type_name
    assert type_name in str(error) and f"byte offset {error.offset}" in str(error)
    return error


@pytest.fixture(scope="module")
def certificates() -> list[bytes]:
    return real_certificates()


def test_trailing_bytes_are_refused(certificates: list[bytes]) -> None:
    for data in certificates:
        error = _error("Certificate", data + b"\x00")
        assert error.offset == len(data)
        assert "1 trailing bytes" in error.reason


def test_truncation_at_every_offset_is_refused(certificates: list[bytes]) -> None:
    for data in certificates:
        for end in range(len(data)):
            error = _error("Certificate", data[:end])
            assert 0 <= error.offset <= end, (end, error)


def test_long_form_length_for_a_short_length_is_refused(certificates: list[bytes]) -> None:
    root = certificates[0]
    at = root.index(b"\x14v2xrootca")  # the 20-octet UTF8String name
    for form in (b"\x81\x14", b"\x82\x00\x14"):
        error = _error("Certificate", root[:at] + form + root[at + 1 :])
        assert error.offset == at
        assert "non-canonical length determinant" in error.reason
        assert error.path == "toBeSigned.id.name"


def test_length_form_without_length_octets_is_refused() -> None:
    error = _error("Hostname", b"\x80")
    assert error.offset == 0 and "no length octets" in error.reason


def test_non_minimal_integer_is_refused() -> None:
    assert encode("PsidSsp", {"psid": 35}) == bytes.fromhex("000123")
    error = _error("PsidSsp", bytes.fromhex("00020023"))  # psid 35 in two octets
    assert error.offset == 1
    assert "not canonical" in error.reason


def test_default_value_present_in_the_encoding_is_refused() -> None:
    """COER omits a component equal to its DEFAULT; eeType {app} written out is another encoding of the value."""
    explicit = encode("PsidGroupPermissions", {"subjectPermissions": ("all", None), "eeType": (b"\xc0", 8)})
    assert explicit == bytes.fromhex("2081c0")
    assert decode("PsidGroupPermissions", bytes.fromhex("0081"))["eeType"] == (b"\x80", 8)
    error = _error("PsidGroupPermissions", bytes.fromhex("208180"))
    assert error.offset == 0 and "not canonical" in error.reason


def test_out_of_range_integers_are_refused(certificates: list[bytes]) -> None:
    error = _error("Ieee1609Dot2Data", bytes.fromhex("048000"))
    assert (error.offset, error.path) == (0, "protocolVersion")
    assert "outside 3..3" in error.reason
    root = certificates[0]
    error = _error("Certificate", root[:1] + b"\x02" + root[2:])
    assert (error.offset, error.path) == (1, "version")
    latitude = (900000002).to_bytes(4, "big", signed=True)
    longitude = (-1800000000).to_bytes(4, "big", signed=True)
    error = _error("TwoDLocation", latitude + (0).to_bytes(4, "big"))
    assert (error.offset, error.path) == (0, "latitude")
    error = _error("TwoDLocation", (0).to_bytes(4, "big") + longitude)
    assert (error.offset, error.path) == (4, "longitude")


def test_wrong_sizes_are_refused() -> None:
    # bitmapSsp is SIZE(0..31): 32 octets, inside the extension alternative's own length.
    assert encode("ServiceSpecificPermissions", ("bitmapSsp", b"\x01" * 31))[:3] == bytes.fromhex("81201f")
    error = _error("ServiceSpecificPermissions", bytes.fromhex("812120") + b"\x01" * 32)
    assert (error.offset, error.path) == (2, "bitmapSsp")
    assert "32 octets" in error.reason
    # ContributedExtensionBlocks is SIZE(1..MAX): an empty list.
    error = _error("ContributedExtensionBlocks", bytes.fromhex("0100"))
    assert error.offset == 0 and "0 elements" in error.reason
    # Hostname is SIZE(0..255) characters.
    error = _error("Hostname", bytes.fromhex("820100") + b"a" * 256)
    assert error.offset == 0 and "256 characters" in error.reason


def test_fixed_size_octets_cannot_be_encoded_at_another_size() -> None:
    with pytest.raises(EncodeError) as caught:
        encode("HashedId8", b"\x00" * 7)
    assert caught.value.type_name == "HashedId8" and "8" in caught.value.reason


def test_unknown_extension_alternatives_and_values_are_refused() -> None:
    error = _error("Signature", bytes.fromhex("850100"))  # a sixth alternative, in an extension wrapper
    assert error.offset == 0 and "unknown CHOICE alternative" in error.reason
    error = _error("HashAlgorithm", bytes.fromhex("05"))
    assert error.offset == 0 and "unknown ENUMERATED value" in error.reason


def test_unknown_sequence_extension_addition_is_refused() -> None:
    # MissingCrlIdentifier {cracaId, crlSeries, ...}: extension bit set, one addition present, 1 octet long.
    data = bytes.fromhex("8001020300010207800100")
    error = _error("MissingCrlIdentifier", data)
    assert "not canonical" in error.reason


def test_extension_bitmap_of_length_zero_is_refused() -> None:
    """A zero-length extension bitmap makes asn1tools compute a negative bit count; it is a CodecError."""
    error = _error("MissingCrlIdentifier", bytes.fromhex("8001020300010005"))
    assert "malformed length (negative size)" in error.reason


def test_invalid_utf8_is_refused() -> None:
    error = _error("Hostname", b"\x02\xc3\x28")
    assert "UnicodeDecodeError" in error.reason


def test_input_that_is_not_bytes_is_refused() -> None:
    error = _error("Certificate", "8003")
    assert "expected bytes" in error.reason


def test_unknown_type_name_is_refused() -> None:
    with pytest.raises(CodecError) as caught:
        decode("NoSuchType", b"")
    assert caught.value.type_name == "NoSuchType" and "unknown ASN.1 type" in str(caught.value)
    with pytest.raises(CodecError):
        encode("NoSuchType", {})


def test_qualified_names_resolve_and_ambiguous_plain_names_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert qualified_name("Certificate") == "Ieee1609Dot2.Certificate"
    assert decode("Ieee1609Dot2BaseTypes.HashedId3", b"abc") == b"abc"
    assert {"Certificate", "Ieee1609Dot2.Certificate"} <= set(type_names())
    real = codec_module.compiled()
    twice = Compiled(real.spec, real.parsed, real.types, real.qualified, {"Foo": ["A.Foo", "B.Foo"]})
    monkeypatch.setattr(codec_module, "compiled", lambda: twice)
    with pytest.raises(CodecError) as caught:
        decode("Foo", b"")
    assert "ambiguous type name, use one of A.Foo, B.Foo" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "path", "reason"),
    [
        ({"psid": 35, "spp": ("opaque", b"")}, "", "no component named spp"),
        ({"psid": -1}, "psid", "Expected an integer between 0 and MAX"),
        ({"psid": "35"}, "psid", "expected an int, got str"),
        ({"psid": True}, "psid", "expected an int, got bool"),
        ({"psid": 35, "ssp": ("opaq", b"")}, "ssp", "Expected choice"),
        ({}, "", "member 'psid' not found"),
        (object(), "", "Expected data of type dict"),
    ],
)
def test_invalid_values_are_refused_on_encode(value: Any, path: str, reason: str) -> None:
    with pytest.raises(EncodeError) as caught:
        encode("PsidSsp", value)
    error = caught.value
    assert error.type_name == "PsidSsp" and error.offset == -1
    assert reason in error.reason
    assert error.path == path
    assert str(error).startswith("PsidSsp: cannot encode")


def test_an_invalid_value_inside_an_extension_addition_is_refused() -> None:
    """asn1tools' encoder drops extension additions whose encoding fails; ours must raise instead."""
    certificate = {
        "version": 3,
        "type": "implicit",
        "issuer": ("sha256AndDigest", bytes(8)),
        "toBeSigned": {
            "id": ("none", None),
            "cracaId": bytes(3),
            "crlSeries": 0,
            "validityPeriod": {"start": 0, "duration": ("hours", 1)},
            "appPermissions": [{"psid": 32}],
            "verifyKeyIndicator": ("reconstructionValue", ("compressed-y-0", bytes(32))),
            "bogus": 1,
        },
    }
    header = {"psid": 35, "requestedCertificate": certificate, "pduFunctionalType": 1}
    with pytest.raises(EncodeError) as caught:
        encode("HeaderInfo", header)
    assert caught.value.reason == "no component named bogus"
    assert caught.value.path == "requestedCertificate.toBeSigned"
    del certificate["toBeSigned"]["bogus"]
    assert decode("HeaderInfo", encode("HeaderInfo", header)) == header


def test_an_encoding_error_inside_an_extension_addition_is_raised() -> None:
    """An ENUMERATED value only the encoder checks, inside an addition: asn1tools would drop the addition."""
    header = {"psid": 35, "requestedCertificate": {"version": 3, "type": "weird"}, "pduFunctionalType": 1}
    with pytest.raises(EncodeError) as caught:
        encode("HeaderInfo", header)
    assert caught.value.path.startswith("requestedCertificate")


def test_a_mandatory_extension_addition_may_be_absent() -> None:
    """`quorum` follows the extension marker of FullIeeeTbsCtl without OPTIONAL: values without it (from an
    older sender) are still encodable, with no extension bitmap; values with it carry it."""
    tbs = {
        "type": 1,
        "ctlSeriesId": bytes(8),
        "sequenceNumber": 1,
        "effectiveDate": 5,
        "electorApprove": [],
        "electorRemove": [],
        "rootCaApprove": [],
        "rootCaRemove": [],
    }
    without = encode("FullIeeeTbsCtl", tbs)
    assert without[0] == 0x00 and decode("FullIeeeTbsCtl", without) == tbs
    with_quorum = encode("FullIeeeTbsCtl", {**tbs, "quorum": 2})
    assert with_quorum[0] == 0x80 and with_quorum.endswith(bytes.fromhex("020780020102"))
    assert decode("FullIeeeTbsCtl", with_quorum)["quorum"] == 2


def test_an_int_subclass_is_encoded_as_its_number() -> None:
    """Time32, IValue and the like are ints: the codec writes their value (a bool stays refused, above)."""

    class Seconds(int):
        pass

    value = {"psid": Seconds(35)}
    assert encode("PsidSsp", value) == encode("PsidSsp", {"psid": 35})
    assert type(decode("PsidSsp", encode("PsidSsp", value))["psid"]) is int
    compiled().types["PsidSsp"].check_types(value)  # the checked path takes it too
