"""The generated one-function encoders (`scms.asn1._flat_encode`) against the closures they are written out from
(`scms.asn1._fast_encode`): every type is generated, and both take the same values and write the same bytes.

`test_fast_codec.py` holds the encoder `encode` uses (the generated one) to the checked asn1tools encoder.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scms.asn1 import decode, qualified_name, type_names
from scms.asn1._compile import compiled
from scms.asn1._fast_encode import fast_encoder
from scms.asn1._flat_encode import flat_encoder

from ._samples import real_certificates, spdus
from ._strategies import values_of

TYPES = sorted(name for name in type_names() if "." not in name)


def _run(encoder: Any, value: Any) -> bytes | None:
    out = bytearray()
    try:
        encoder(value, out)
    except Exception:  # a refusal: the checked encoder would decide
        return None
    return bytes(out)


def _both(type_name: str, value: Any) -> tuple[bytes | None, bytes | None]:
    qualified, compiled_type = qualified_name(type_name), compiled().types[type_name]
    return _run(flat_encoder(qualified, compiled_type), value), _run(fast_encoder(qualified, compiled_type), value)


def test_every_type_is_generated() -> None:
    for name in TYPES:
        encoder = flat_encoder(qualified_name(name), compiled().types[name])
        assert encoder.__code__.co_filename == "<scms.asn1 generated encoder>", name


@pytest.mark.parametrize("type_name", TYPES)
def test_generated_and_closure_encoders_take_and_write_alike(type_name: str) -> None:
    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        value = data.draw(values_of(type_name))
        flat, closures = _both(type_name, value)
        assert flat == closures

    check()


def test_real_encodings_and_their_defects_alike() -> None:
    samples = [("Certificate", der) for der in real_certificates()] + [("Ieee1609Dot2Data", s) for s in spdus()]
    for type_name, encoding in samples:
        value = decode(type_name, encoding)
        assert _both(type_name, value) == (encoding, encoding)
    certificate = decode("Certificate", real_certificates()[0])
    tbs = certificate["toBeSigned"]
    for change in ({"crlSeries": 70000}, {"cracaId": b"\x00"}, {"id": ("nope", None)}, {"extra": 1}):
        assert _both("Certificate", {**certificate, "toBeSigned": {**tbs, **change}}) == (None, None)
