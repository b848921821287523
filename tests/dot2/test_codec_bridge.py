"""Bytes that do not parse become the 1609.2.1 'failed parsing' error, never another exception."""

from __future__ import annotations

import pytest

from scms.dot2 import _codec
from scms.dot2.errors import ErrorCode, Ieee1609Error


@pytest.mark.parametrize("data", [b"", b"\x80", b"\x00\x03\x01" + b"\xff" * 5, b"\x03\x80\x05abc"])
def test_malformed_bytes_raise_failed_parsing(data: bytes) -> None:
    with pytest.raises(Ieee1609Error) as caught:
        _codec.decode("Certificate", data)
    assert caught.value.error is ErrorCode.FAILED_PARSING
    assert caught.value.header_value == "400-42"
    assert "Certificate" in str(caught.value)
