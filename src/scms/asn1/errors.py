"""The one error type of the codec: every failure to decode or encode, whatever its cause, is a `CodecError`."""

from __future__ import annotations

__all__ = ["CodecError", "EncodeError"]


class CodecError(ValueError):
    """Bytes that are not a valid, canonical COER encoding of `type_name` (or, for `EncodeError`, a value that
    cannot be encoded as it).

    `offset` is the byte offset in the input where the problem was found (for encoding: -1, the value has no
    offsets; `path` then names the component). The message names the type and the offset.
    """

    def __init__(self, type_name: str, offset: int, reason: str, path: str = "") -> None:
        self.type_name = type_name
        self.offset = offset
        self.reason = reason
        self.path = path
        where = f" at {path}" if path else ""
        super().__init__(f"{type_name}: {reason} (byte offset {offset}{where})")


class EncodeError(CodecError):
    """A value that is not a valid value of the ASN.1 type it is encoded as."""

    def __init__(self, type_name: str, reason: str, path: str = "") -> None:
        super().__init__(type_name, -1, reason, path)
        where = f" at {path}" if path else ""
        self.args = (f"{type_name}: cannot encode{where}: {reason}",)

    def __str__(self) -> str:
        return str(self.args[0])
