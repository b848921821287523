"""Where COER enters `scms.protocol`: a codec failure becomes `Ieee1609Error` 400-42 (failed parsing)."""

from __future__ import annotations

from typing import Any

from scms import asn1
from scms.dot2.errors import ErrorCode, Ieee1609Error

__all__ = ["decode"]


def decode(type_name: str, data: bytes) -> Any:
    """Strictly decode `data` as `type_name`; any defect raises Ieee1609Error(FAILED_PARSING) naming the offset."""
    try:
        return asn1.decode(type_name, data)
    except asn1.CodecError as exc:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, str(exc)) from None
