"""The one door to the COER codec: `encode`, `decode`, `decode_prefix`, `type_names`.

Values follow asn1tools' conventions (docs/api-asn1.md): SEQUENCE -> dict (absent OPTIONAL = key missing,
DEFAULT components filled in on decode), CHOICE -> (alternative, value), OCTET STRING and open types -> bytes,
BIT STRING -> (bytes, number of bits), INTEGER -> int, ENUMERATED -> str, NULL -> None, SEQUENCE OF -> list,
character strings -> str.

Decoding is strict: the input must be exactly one canonical COER encoding (decode, re-encode, compare) of a value
that meets every constraint of the type. Whatever goes wrong, the only exception is `CodecError`.
"""

from __future__ import annotations

from typing import Any

from asn1tools.codecs import DecodeError, ErrorWithLocation, OutOfDataError

from scms.asn1._compile import compiled
from scms.asn1._fast_decode import fast_decoder
from scms.asn1._fast_io import FastDecoder, FastEncoder, LengthError
from scms.asn1._flat_encode import flat_encoder
from scms.asn1._harden import MAX_NESTING, Violation
from scms.asn1.encoded import Encoded
from scms.asn1.errors import CodecError, EncodeError

__all__ = ["MAX_INPUT_BYTES", "MAX_NESTING", "decode", "decode_prefix", "encode", "qualified_name", "type_names"]

MAX_INPUT_BYTES = 4 * 1024 * 1024
"""Largest input `decode` accepts unless the caller passes `max_size` (a composite CRL file is far smaller)."""


def type_names() -> list[str]:
    """Every type name `encode`/`decode` accept: `Module.Type` for all, plus `Type` where only one module has it."""
    return sorted(compiled().types)


def qualified_name(type_name: str) -> str:
    """`Module.Type` for an accepted type name; CodecError for an unknown or ambiguous one."""
    return _lookup(type_name)[0]


def _lookup(type_name: str) -> tuple[str, Any]:
    spec = compiled()
    try:
        return spec.qualified[type_name], spec.types[type_name]
    except (KeyError, TypeError):
        if isinstance(type_name, str) and type_name in spec.ambiguous:
            choices = ", ".join(spec.ambiguous[type_name])
            raise CodecError(type_name, 0, f"ambiguous type name, use one of {choices}") from None
        raise CodecError(str(type_name), 0, "unknown ASN.1 type") from None


def decode(type_name: str, data: bytes, *, max_size: int = MAX_INPUT_BYTES) -> Any:
    """Decode `data`, which must be exactly one canonical COER encoding of `type_name`."""
    value, used = _decode(type_name, data, max_size)
    if used != len(data):
        raise CodecError(type_name, used, f"{len(data) - used} trailing bytes after the value")
    return value


def decode_prefix(type_name: str, data: bytes, *, max_size: int = MAX_INPUT_BYTES) -> tuple[Any, int]:
    """Decode one canonical COER value of `type_name` at the start of `data`; returns it and the bytes it used."""
    return _decode(type_name, data, max_size)


def _decode(type_name: str, data: bytes, max_size: int) -> tuple[Any, int]:
    qualified, compiled_type = _lookup(type_name)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CodecError(type_name, 0, f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_size:
        raise CodecError(type_name, max_size, f"input of {len(data)} bytes exceeds the {max_size}-byte cap")
    fast = _fast_decode(qualified, compiled_type, data)
    if fast is not None:
        return fast
    decoder = FastDecoder(data)
    try:
        value = compiled_type.type.decode(decoder)
    except Exception as error:  # the door: nothing but CodecError leaves
        raise _decode_error(type_name, error, decoder) from None
    used = (decoder.number_of_read_bits() + 7) >> 3
    _check_canonical(type_name, qualified, compiled_type, value, data[:used])
    return value, used


def _fast_decode(qualified: str, compiled_type: Any, data: bytes) -> tuple[Any, int] | None:
    """The one-walk strict decoding (`_fast_decode`: constraints and canonical form checked as it reads), or None
    when it leaves the input to the hardened decoder."""
    try:
        decoded: tuple[Any, int] = fast_decoder(compiled_type)(data, 0)
    except Exception:  # Unsure, or input odd enough to break a read: the hardened decoder decides
        return None
    return decoded


def _decode_error(type_name: str, error: Exception, decoder: FastDecoder) -> CodecError:
    path = error.location_str if isinstance(error, ErrorWithLocation) else ""
    if isinstance(error, Violation | LengthError):
        return CodecError(type_name, error.offset_bytes, str(error.message), path)
    if isinstance(error, OutOfDataError):
        return CodecError(type_name, len(decoder._data), "truncated: the encoding ends inside a value", path)
    offset = decoder.number_of_read_bits() >> 3
    if isinstance(error, DecodeError):
        return CodecError(type_name, offset, str(error.message), path)
    return CodecError(type_name, offset, f"invalid encoding ({type(error).__name__}: {error})", path)


def _check_canonical(type_name: str, qualified: str, compiled_type: Any, value: Any, encoded: bytes) -> None:
    # COER has one encoding per value (X.696 clause 4 and 8): anything else re-encodes differently.
    try:
        again = _fast_encode(qualified, compiled_type, value)
        if again is None:
            again = _raw_encode(compiled_type, value)
    except Exception as error:
        raise CodecError(type_name, 0, f"decoded value cannot be re-encoded ({error})") from None
    if again != encoded:
        pairs = enumerate(zip(again, encoded, strict=False))
        at = next((i for i, (a, b) in pairs if a != b), min(len(again), len(encoded)))
        raise CodecError(type_name, at, "not canonical COER (re-encoding differs from here)")


def _relative(path: str, compiled_type: Any) -> str:
    # asn1tools sometimes starts the location with the root type's own name; paths here start below the root.
    root = str(compiled_type.type.name)
    return path[len(root) + 1 :] if path == root or path.startswith(root + ".") else path


def _raw_encode(compiled_type: Any, value: Any) -> bytes:
    encoder = FastEncoder()
    compiled_type.type.encode(value, encoder)
    return bytes(encoder.as_bytearray())


def _fast_encode(qualified: str, compiled_type: Any, value: Any) -> bytes | None:
    """The single-walk encoding (`_fast_encode`), or None when it leaves the value to the checked encoder."""
    out = bytearray()
    try:
        flat_encoder(qualified, compiled_type)(value, out)
    except Exception:  # Bail, or a value odd enough to break a check: the checked encoder decides
        return None
    return bytes(out)


def _expanded(value: Any) -> Any:
    """`value` with every `Encoded` in it decoded: the checked encoder takes values only (a value the one-walk
    encoder left to it may hold finished encodings; their canonical bytes encode back to themselves)."""
    if isinstance(value, Encoded):
        return decode(value.type_name, value.data)
    if isinstance(value, dict):
        return {key: _expanded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_expanded(item) for item in value)
    return value


_encoders: dict[str, Any] = {}
"""The one-walk encoder of each type name `encode` was called with (looked up and built once per name)."""


def _refuse(value: Any, out: bytearray) -> None:
    raise ValueError("no one-walk encoder for this type")


def encode(type_name: str, value: Any) -> bytes:
    """The canonical COER encoding of `value` as `type_name`; EncodeError (a CodecError) if it is not one."""
    encoder = _encoders.get(type_name)
    if encoder is None:
        qualified, compiled_type = _lookup(type_name)
        try:
            encoder = flat_encoder(qualified, compiled_type)
        except Exception:  # a type the one-walk encoder cannot build: always the checked encoder
            encoder = _refuse
        _encoders[type_name] = encoder
    out = bytearray()
    try:
        encoder(value, out)
    except Exception:  # Bail, or a value odd enough to break a check: the checked encoder decides
        return _checked_encode(type_name, value)
    return bytes(out)


def _checked_encode(type_name: str, value: Any) -> bytes:
    compiled_type = _lookup(type_name)[1]
    try:
        value = _expanded(value)
        compiled_type.check_types(value)
        compiled_type.check_constraints(value)
        return _raw_encode(compiled_type, value)
    except ErrorWithLocation as error:
        raise EncodeError(type_name, str(error.message), _relative(error.location_str, compiled_type)) from None
    except Exception as error:  # the door: nothing but CodecError leaves
        raise EncodeError(type_name, f"{type(error).__name__}: {error}") from None
