"""Where COER enters dot2: codec failures become `Ieee1609Error` 400-42 (failed parsing), naming type and offset."""

from __future__ import annotations

from typing import Any

from scms import asn1
from scms.dot2.errors import ErrorCode, Ieee1609Error

__all__ = ["decode", "encode"]


def decode(type_name: str, data: bytes) -> Any:
    """Strictly decode `data` as `type_name`; any defect raises Ieee1609Error(FAILED_PARSING)."""
    try:
        return asn1.decode(type_name, data)
    except asn1.CodecError as exc:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, str(exc)) from exc


def encode(type_name: str, value: Any) -> bytes:
    """Encode a value we built; an invalid value is a programming error and raises `asn1.EncodeError` as is."""
    return asn1.encode(type_name, value)
