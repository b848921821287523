"""Every cap of the decoder, each with what an attacker could do without it."""

from __future__ import annotations

import time

import pytest

from scms.asn1 import MAX_INPUT_BYTES, MAX_NESTING, CodecError, EncodeError, decode, encode
from scms.asn1 import layers as layers_module
from scms.asn1.layer_table import Layer
from scms.asn1.layers import MAX_LAYERS, decode_deep

from ._expect import refused

SIGNATURE = bytes.fromhex("8080") + b"\x11" * 32 + b"\x22" * 32


def _nested_signed(levels: int) -> bytes:
    """`levels` signedData layers, each carrying the next Ieee1609Dot2Data in its payload."""
    inner = bytes.fromhex("038000")  # unsecuredData of zero octets
    prefix = bytes.fromhex("03810040")  # version, signedData, sha256, payload {data present}
    suffix = bytes.fromhex("00012382") + SIGNATURE  # headerInfo {psid 35}, signer self, signature
    return prefix * levels + inner + suffix * levels


def test_input_size_cap() -> None:
    """Without a cap on the input size, a client could make a service hold and parse a body of any size (the
    decoder keeps the whole input and builds a value proportional to it), exhausting memory and CPU."""
    huge = b"\x00" * (MAX_INPUT_BYTES + 1)
    decode("Opaque", b"\x00")  # compile first, so only the refusal is timed
    started = time.perf_counter()
    with pytest.raises(CodecError) as caught:
        decode("Opaque", huge)
    assert time.perf_counter() - started < 0.5
    assert caught.value.offset == MAX_INPUT_BYTES and "cap" in caught.value.reason
    with pytest.raises(CodecError):
        decode("Opaque", b"\x05" + b"12345", max_size=5)
    assert decode("Opaque", b"\x05" + b"12345", max_size=6) == b"12345"


def test_nesting_cap() -> None:
    """Without a cap on self-reference, ten bytes per level of signedData-in-signedData would drive the recursive
    decoder as deep as the attacker likes: about 100 levels already exhaust Python's recursion limit (a crash
    outside our error type) and each level costs work."""
    assert encode("Ieee1609Dot2Data", decode("Ieee1609Dot2Data", _nested_signed(MAX_NESTING))) == _nested_signed(
        MAX_NESTING
    )
    error = refused(decode, "Ieee1609Dot2Data", _nested_signed(MAX_NESTING + 1))
    assert f"nesting deeper than {MAX_NESTING}" in error.reason
    assert error.offset == 4 * (MAX_NESTING + 1)  # where the level too many begins
    error = refused(decode, "Ieee1609Dot2Data", _nested_signed(2000))
    assert "nesting deeper" in error.reason


def test_sequence_of_count_cap() -> None:
    """A SEQUENCE OF count is checked against the bytes left before any element is read. Without it, a count of
    2**64 in ten bytes makes the decoder loop for as long as each element can be decoded from nothing (an element
    type with an empty encoding never runs out of data), and the error would surface far from the lying count."""
    error = refused(decode, "SequenceOfCertificate", bytes.fromhex("09010000000000000000"))
    assert error.offset == 0 and "count 18446744073709551616 exceeds the 0 bytes left" in error.reason


def test_length_cap() -> None:
    """A length determinant larger than the bytes left is refused where it is read. Without it, eleven bytes
    could announce a 2**64-octet string, and code that reserves memory by the announced length would fail."""
    error = refused(decode, "Opaque", bytes.fromhex("88ffffffffffffffff00"))
    assert error.offset == 0 and "exceeds the 1 bytes left" in error.reason
    error = refused(decode, "Opaque", bytes.fromhex("ff") + b"\xff" * 127)
    assert error.offset == 0 and "exceeds the 0 bytes left" in error.reason


def test_nested_layer_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each layer opened by decode_deep is a new decode of inner octets. Without a cap, a table in which a type can
    hold itself (here: an unsecured Ieee1609Dot2Data holding another) lets an input choose how many decodes run."""
    loop = Layer("Ieee1609Dot2Data", "unsecured", "Ieee1609Dot2Data")
    monkeypatch.setitem(layers_module._LAYERS, "Ieee1609Dot2Data", loop)

    def wrapped(levels: int) -> bytes:
        data = bytes.fromhex("038000")
        for _ in range(levels):
            data = bytes.fromhex("0380") + bytes([len(data)]) + data
        return data

    # Up to MAX_LAYERS layers are opened: the chain ends at the innermost empty octets, which are no
    # Ieee1609Dot2Data (a decoding error, not the cap).
    error = refused(decode_deep, "Ieee1609Dot2Data", wrapped(MAX_LAYERS - 1))
    assert "truncated" in error.reason
    error = refused(decode_deep, "Ieee1609Dot2Data", wrapped(MAX_LAYERS))
    assert f"more than {MAX_LAYERS} nested layers" in error.reason


def test_nesting_cap_on_encode() -> None:
    """The same cap holds when encoding, so a value built from untrusted JSON cannot recurse without bound."""
    value = decode("Ieee1609Dot2Data", _nested_signed(MAX_NESTING))
    signed = decode("Ieee1609Dot2Data", _nested_signed(1))
    signed["content"][1]["tbsData"]["payload"]["data"] = value
    with pytest.raises(EncodeError) as caught:
        encode("Ieee1609Dot2Data", signed)
    assert f"nesting deeper than {MAX_NESTING}" in caught.value.reason


def test_large_values_take_linear_time() -> None:
    """asn1tools 0.169 holds an encoding in one integer and shifts it on every read and write (quadratic: about
    30 s for 1 MB), and encodes extension additions with that same buffer. Without our linear buffers a client
    could send one CRL-sized input under the size cap and hold a worker for minutes."""
    entry = {"iMax": 1, "laId": b"\x00\x01", "linkageSeed": bytes(16)}
    body = {
        "iRev": 1,
        "indexWithinI": 0,
        "seedEvolution": None,
        "lvGeneration": None,
        "groupsSingleSeed": [entry] * 50000,
    }
    contents = {
        "version": 1,
        "crlSeries": 1,
        "crlCraca": bytes(8),
        "issueDate": 1,
        "nextCrl": 2,
        "priorityInfo": {},
        "typeSpecific": ("fullLinkedCrlWithAlg", body),  # an extension alternative holding a 1 MB list
    }
    encode("CrlContents", {**contents, "typeSpecific": ("fullHashCrl", {"crlSerial": 1, "entries": []})})  # warm up
    started = time.perf_counter()
    data = encode("CrlContents", contents)
    assert len(data) > 1_000_000
    assert decode("CrlContents", data) == contents
    assert time.perf_counter() - started < 5.0
