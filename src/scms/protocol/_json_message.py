"""Strict reading of our own JSON messages between components (docs/api-protocol-internal.md): every one is an
object `{"version": 1, "type": "<kind>", ...}` with exactly its documented keys, integers that are JSON integers,
octets as canonical base64 and bounded lists. Every defect is 400-42 (failed parsing), naming the message kind.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from scms.dot2.errors import ErrorCode, Ieee1609Error

__all__ = ["MESSAGE_VERSION", "JsonReader", "b64", "dump_message"]

MESSAGE_VERSION = 1


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def dump_message(kind: str, **fields: Any) -> bytes:
    """The UTF-8 JSON of `{"version": 1, "type": kind, **fields}`."""
    return json.dumps({"version": MESSAGE_VERSION, "type": kind, **fields}).encode()


class JsonReader:
    """Reads the parts of one message kind; its errors name the kind."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def fail(self, detail: str) -> Ieee1609Error:
        return Ieee1609Error(ErrorCode.FAILED_PARSING, f"{self.kind} message: {detail}")

    def load(self, data: bytes, keys: set[str]) -> dict[str, Any]:
        """The message object: JSON without duplicate keys, exactly `keys` (with version and type), version 1."""
        try:
            message = json.loads(data, object_pairs_hook=self._no_duplicates)
        except (UnicodeDecodeError, ValueError):
            raise self.fail("not JSON") from None
        message = self.record(message, keys | {"version", "type"}, "the message")
        self.integer(message["version"], "version", MESSAGE_VERSION, MESSAGE_VERSION)
        if message["type"] != self.kind:
            raise self.fail(f"type is not {self.kind}")
        return message

    def _no_duplicates(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            raise self.fail("duplicate key")
        return result

    def record(self, value: object, keys: set[str], what: str) -> dict[str, Any]:
        if not isinstance(value, dict) or set(value) != keys:
            raise self.fail(f"{what} must have exactly the keys {sorted(keys)}")
        return value

    def integer(self, value: object, what: str, low: int, high: int) -> int:
        if type(value) is not int or not low <= value <= high:
            raise self.fail(f"{what} is not an integer in {low}..{high}")
        return value

    def items(self, value: object, what: str, most: int) -> list[Any]:
        if not isinstance(value, list) or not 1 <= len(value) <= most:
            raise self.fail(f"{what} is a list of 1..{most}")
        return value

    def octets(self, text: object, what: str, most: int | None = None) -> bytes:
        """Canonical base64 of at most `most` octets (checked on the text, before decoding)."""
        if not isinstance(text, str) or (most is not None and len(text) > 4 * ((most + 2) // 3)):
            raise self.fail(f"{what} is not base64 of at most {most} octets")
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise self.fail(f"{what} is not base64") from None
        if b64(data) != text or (most is not None and len(data) > most):
            raise self.fail(f"{what} is not canonical base64 of at most {most} octets")
        return data
