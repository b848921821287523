"""The one-walk encoder and decoder (`scms.asn1._fast_encode`, `_fast_decode`) against the checked asn1tools
paths they stand in for.

`encode` and `decode` take the fast path first and hand anything it is unsure of to the checked path; these tests
hold them to that contract: identical bytes / values for everything they take, nothing taken that the checked path
refuses, and the common 1609.2 encodings (real certificates, SPDUs, CRLs) actually taken by the fast path (else it
buys nothing).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scms.asn1 import CodecError, Encoded, EncodeError, decode, encode, qualified_name, type_names
from scms.asn1._compile import compiled
from scms.asn1._fast_io import FastDecoder
from scms.asn1.codec import _fast_decode, _fast_encode, _raw_encode

from ._samples import crl_contents, dat, real_certificates, secured_crl, spdus
from ._strategies import values_of


def _checked(type_name: str, value: Any) -> bytes:
    compiled_type = compiled().types[type_name]
    compiled_type.check_types(value)
    compiled_type.check_constraints(value)
    return _raw_encode(compiled_type, value)


def _fast(type_name: str, value: Any) -> bytes | None:
    return _fast_encode(qualified_name(type_name), compiled().types[type_name], value)


def _hardened(type_name: str, data: bytes) -> tuple[Any, int]:
    """asn1tools' hardened decoder and the canonical check, without the fast path (raises on bad input)."""
    compiled_type = compiled().types[type_name]
    decoder = FastDecoder(data)
    value = compiled_type.type.decode(decoder)
    used = (decoder.number_of_read_bits() + 7) >> 3
    if _checked(type_name, value) != data[:used]:
        raise ValueError("not canonical")
    return value, used


def _fast_decoded(type_name: str, data: bytes) -> tuple[Any, int] | None:
    return _fast_decode(qualified_name(type_name), compiled().types[type_name], data)


def _real_encodings() -> list[tuple[str, bytes]]:
    found = [("Certificate", der) for der in real_certificates()]
    found += [("Ieee1609Dot2Data", spdu) for spdu in spdus()]
    found += [("SecuredCrl", secured_crl()), ("CrlContents", crl_contents())]
    found += [("ScmsPdu", dat(name)) for name in ("composite-crl-scms-pdu.dat",)]
    return found


def test_real_encodings_take_the_fast_path_and_give_the_same_bytes() -> None:
    for type_name, encoding in _real_encodings():
        value = decode(type_name, encoding)
        assert _fast(type_name, value) == encoding, type_name


@pytest.mark.parametrize("type_name", sorted(name for name in type_names() if "." not in name))
def test_every_type_same_bytes_as_the_checked_encoder(type_name: str) -> None:
    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        value = data.draw(values_of(type_name))
        fast = _fast(type_name, value)
        assert fast is None or fast == _checked(type_name, value)

    check()


def _certificate() -> dict[str, Any]:
    value: dict[str, Any] = decode("Certificate", real_certificates()[0])
    return value


def _tbs_change(**changes: Any) -> dict[str, Any]:
    value = _certificate()
    value["toBeSigned"] = {**value["toBeSigned"], **changes}
    return value


@pytest.mark.parametrize(
    "value",
    [
        _tbs_change(crlSeries=70000),  # Uint16 out of range
        _tbs_change(crlSeries="1"),  # a str where an INTEGER goes
        _tbs_change(crlSeries=True),  # a bool is not an INTEGER here
        _tbs_change(cracaId=b"\x00\x01"),  # HashedId3 of 2 octets
        _tbs_change(cracaId="000102"),  # a str where an OCTET STRING goes
        _tbs_change(unknownComponent=1),  # a key naming no component
        _tbs_change(id=("noSuchAlternative", None)),  # an unknown CHOICE alternative
        _tbs_change(appPermissions=({"psid": 32},)),  # a tuple where a SEQUENCE OF goes
        {key: item for key, item in _certificate().items() if key != "toBeSigned"},  # a mandatory component missing
    ],
    ids=["range", "int-as-str", "bool", "fixed-size", "bytes-as-str", "unknown-key", "choice", "tuple", "missing"],
)
def test_a_value_the_checked_encoder_refuses_is_refused(value: dict[str, Any]) -> None:
    assert _fast("Certificate", value) is None
    with pytest.raises(EncodeError):
        encode("Certificate", value)


def test_an_encoded_component_is_written_as_is_where_its_type_goes() -> None:
    certificate = real_certificates()[0]
    response = {"version": 2, "generationTime": 1, "certificate": decode("Certificate", certificate),
                "privateKeyInfo": b"\x01" * 32}
    expected = encode("AcaEeCertResponse", response)
    passed = encode("AcaEeCertResponse", {**response, "certificate": Encoded("Certificate", certificate)})
    assert passed == expected
    crl = decode("SecuredCrl", secured_crl())
    payload = crl["content"][1]["tbsData"]["payload"]
    payload["data"] = Encoded("Ieee1609Dot2Data", encode("Ieee1609Dot2Data", payload["data"]))
    assert encode("SecuredCrl", crl) == secured_crl()


def test_an_encoded_component_of_another_type_is_refused() -> None:
    response = {"version": 2, "generationTime": 1, "certificate": Encoded("ToBeSignedCertificate", b"\x00"),
                "privateKeyInfo": b"\x01" * 32}
    with pytest.raises(EncodeError):
        encode("AcaEeCertResponse", response)


def test_real_encodings_take_the_fast_decoder_and_give_the_same_values() -> None:
    for type_name, encoding in _real_encodings():
        assert _fast_decoded(type_name, encoding) == _hardened(type_name, encoding), type_name


@pytest.mark.parametrize("type_name", sorted(name for name in type_names() if "." not in name))
def test_every_type_same_value_as_the_hardened_decoder(type_name: str) -> None:
    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        encoding = encode(type_name, data.draw(values_of(type_name)))
        fast = _fast_decoded(type_name, encoding)
        assert fast is None or fast == _hardened(type_name, encoding)

    check()


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.data())
def test_damaged_input_the_fast_decoder_takes_is_taken_alike_by_the_hardened_decoder(data: st.DataObject) -> None:
    """Flipped, cut or inserted bytes: whatever the fast decoder accepts, the hardened one accepts as the same value
    (it must never let through what the hardened decoder refuses)."""
    type_name, encoding = data.draw(st.sampled_from(_real_encodings()))
    damaged = bytearray(encoding)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            damaged[at] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "cut":
            del damaged[at:]
        else:
            damaged.insert(at, data.draw(st.integers(0, 255)))
        if not damaged:
            return
    fast = _fast_decoded(type_name, bytes(damaged))
    if fast is not None:
        assert fast == _hardened(type_name, bytes(damaged))


@pytest.mark.parametrize(
    ("encoding", "defect"),
    [
        ("81810102", "a padding bit set in the preamble"),
        ("80810101", "a DEFAULT component sent with its default value (minChainLength 1)"),
        ("80810300012c", "an INTEGER in more octets than it needs (300 as 00 01 2c)"),
        ("8081810201 2c", "a length determinant in the long form for a short length"),
        ("808102012c00", "trailing bytes"),
        ("808102", "truncated"),
    ],
)
def test_non_canonical_or_broken_input_is_left_to_the_hardened_decoder(encoding: str, defect: str) -> None:
    data = bytes.fromhex(encoding.replace(" ", ""))
    fast = _fast_decoded("PsidGroupPermissions", data)
    assert fast is None or fast[1] != len(data), defect  # not taken whole
    with pytest.raises(CodecError):
        decode("PsidGroupPermissions", data)
