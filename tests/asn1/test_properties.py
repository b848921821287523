"""Property tests: generated values of the main 1609.2 types survive encode -> decode, and their encodings survive
decode -> encode (COER is canonical); a smaller sweep covers every type of every module."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scms.asn1 import decode, encode, type_names

from ._strategies import values_of

MAIN_TYPES = ["Certificate", "ToBeSignedCertificate", "Ieee1609Dot2Data", "SignedData", "EncryptedData", "CrlContents"]
_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _round_trip(type_name: str, value: Any) -> None:
    encoded = encode(type_name, value)
    decoded = decode(type_name, encoded)
    assert decoded == value
    assert encode(type_name, decoded) == encoded


@pytest.mark.parametrize("type_name", MAIN_TYPES)
def test_main_types_round_trip(type_name: str) -> None:
    @_SETTINGS
    @given(values_of(type_name))
    def check(value: Any) -> None:
        _round_trip(type_name, value)

    check()


@pytest.mark.parametrize("type_name", ["Certificate", "Ieee1609Dot2Data"])
def test_decoding_an_encoding_of_a_changed_value_gives_that_value(type_name: str) -> None:
    """Two different values never share an encoding (the encoding identifies the value)."""

    @_SETTINGS
    @given(values_of(type_name), values_of(type_name))
    def check(first: Any, second: Any) -> None:
        assert (encode(type_name, first) == encode(type_name, second)) == (first == second)

    check()


@pytest.mark.parametrize("type_name", sorted(name for name in type_names() if "." not in name))
def test_every_type_round_trips(type_name: str) -> None:
    @settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        _round_trip(type_name, data.draw(values_of(type_name)))

    check()
