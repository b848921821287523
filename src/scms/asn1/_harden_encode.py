"""The encoding side of the hardening of asn1tools' compiled OER tree (installed by `scms.asn1._harden`).

* SEQUENCE values with keys that name no component are refused (asn1tools silently drops them), and an INTEGER
  must be an int or an int subclass such as `Time32`, never a bool (asn1tools' type check also lets str and bool
  through);
* extension additions are encoded by our own routines: asn1tools' catch their own EncodeError and silently drop
  the additions (with wrong presence bits), write 8 unused bits for a bitmap of 8n additions, and use its
  quadratic Encoder for each addition; an addition declared without OPTIONAL may be absent (X.696);
* a fixed-size BIT STRING DEFAULT is stored at its full size, so `{app}` given as 8 bits is recognised as the
  default and omitted, as canonical OER requires (asn1tools strips it to 1 bit and would encode it).
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from typing import Any

from asn1tools.codecs import EncodeError as _Asn1EncodeError
from asn1tools.codecs import ErrorWithLocation
from asn1tools.codecs import oer as _oer
from asn1tools.codecs import type_checker as _types

from scms.asn1._fast_io import FastEncoder

__all__: list[str] = []


class Refused(ErrorWithLocation):  # type: ignore[misc]
    """A value refused while encoding. Deliberately not an asn1tools EncodeError: asn1tools' extension-addition
    encoder swallows those and silently drops the additions (with wrong presence bits)."""


def strict_integers(checker: Any, seen: set[int]) -> None:
    if id(checker) in seen:
        return
    seen.add(id(checker))
    if isinstance(checker, _types.Integer):
        checker.encode = _check_int
    for child in getattr(checker, "members", ()):
        strict_integers(child, seen)
    for attribute in ("element_type", "inner"):
        child = getattr(checker, attribute, None)
        if child is not None:
            strict_integers(child, seen)


def _check_int(data: Any) -> None:
    if not isinstance(data, int) or isinstance(data, bool):
        raise _Asn1EncodeError(f"expected an int, got {type(data).__name__}")


def as_optional(member: Any) -> Any:
    if member.optional or member.default is not None:
        return member
    member = copy(member)  # the node may also serve, shared, as a mandatory root component elsewhere
    member.optional = True
    return member


def additions_encoder(node: Any) -> Callable[[Any, Any], bool]:
    # X.696 clause 16: a length-prefixed bitmap of presence bits (unused-bit count first), then each present
    # addition as an open type (length + encoding).
    def encode_additions(data: dict[str, Any], encoder: Any) -> bool:
        count = len(node.additions)
        present = 0
        parts = []
        for addition in node.additions:
            present <<= 1
            if addition.name in data:
                part = FastEncoder()
                try:
                    addition.encode(data[addition.name], part)
                except ErrorWithLocation as error:
                    error.add_location(addition)
                    raise
                parts.append(part)
                present |= 1
        if not parts:
            return False
        encoder.append_length_determinant((count + 7) // 8 + 1)
        encoder.append_non_negative_binary_integer(-count % 8, 8)
        encoder.append_non_negative_binary_integer(present, count)
        encoder.align()
        for part in parts:
            encoder.append_length_determinant(part.number_of_bytes())
            encoder += part
        return True

    return encode_additions


def choice_encoder(node: Any) -> Callable[[Any, Any], None]:
    # As asn1tools' Choice.encode, with the extension alternative written through our linear-time encoder.
    original = node.encode

    def encode(data: Any, encoder: Any) -> None:
        member = node.name_to_addition.get(data[0]) if isinstance(data, tuple) and data else None
        if member is None:
            original(data, encoder)
            return
        encoder.append_bytes(member.tag)
        part = FastEncoder()
        try:
            member.encode(data[1], part)
        except ErrorWithLocation as error:
            error.add_location(member)
            raise
        encoder.append_length_determinant(part.number_of_bytes())
        encoder += part

    return encode


def fix_bit_string_default(member: Any) -> None:
    if isinstance(member, _oer.BitString) and member.number_of_bits and member.default is not None:
        data, _ = member.default
        size = member.number_of_bits
        member.default = (bytes(data).ljust((size + 7) // 8, b"\0"), size)


def wrap_unknown_keys(node: Any) -> None:
    names = frozenset(member.name for member in node.root_members + (node.additions or []))
    original = node.encode

    def encode(data: Any, encoder: Any) -> None:
        if isinstance(data, dict) and not data.keys() <= names:
            unknown = ", ".join(sorted(map(str, data.keys() - names)))
            raise Refused(f"no component named {unknown}")
        original(data, encoder)

    node.encode = encode
