"""Our encoder of SEQUENCE extension additions (X.696 clause 16), on stand-in addition nodes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scms.asn1._fast_io import FastEncoder
from scms.asn1._harden_encode import additions_encoder


@dataclass
class _Addition:
    name: str

    def encode(self, data: Any, encoder: Any) -> None:
        encoder.append_bytes(bytes([data]))


@dataclass
class _Node:
    additions: list[_Addition]


def _encode(count: int, data: dict[str, int]) -> bytes:
    encoder = FastEncoder()
    present = additions_encoder(_Node([_Addition(f"a{i}") for i in range(count)]))(data, encoder)
    return bytes(encoder.as_bytearray()) if present else b""


@pytest.mark.parametrize(
    ("count", "data", "expected"),
    [
        (1, {"a0": 7}, "020780" "0107"),
        (4, {"a1": 1, "a3": 3}, "020450" "0101" "0103"),
        (8, {"a0": 1, "a7": 2}, "020081" "0101" "0102"),  # 8 additions: 0 unused bits (asn1tools writes 8)
        (9, {"a8": 5}, "03070080" "0105"),
        (3, {}, ""),
    ],
)
def test_bitmap_and_open_type_wrapping(count: int, data: dict[str, int], expected: str) -> None:
    assert _encode(count, data).hex() == expected
