"""A faster COER decoder, generated once per type from the compiled asn1tools tree: the counterpart of
`scms.asn1._fast_encode`.

Each node becomes one closure `(data, pos) -> (value, pos)` reading whole bytes (COER is byte-aligned but for a
SEQUENCE's preamble), producing exactly the values asn1tools' decoder produces (DEFAULT components filled in, the
same Python types). It checks no constraint itself: `scms.asn1.codec` re-encodes every decoded value with the fast
encoder, which refuses any constraint violation, and compares the bytes (the canonical check). Whatever this
decoder does not take — malformed or truncated input, unknown extensions, rare node kinds, too deep nesting — makes
it raise, and the codec then runs asn1tools' hardened decoder, which gives the precise `CodecError` with its byte
offset (or the value). So bad input reads exactly as before, and good input is decoded in one quick walk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from asn1tools.codecs import oer as _oer

from scms.asn1._harden import MAX_NESTING

__all__: list[str] = []

Decode = Callable[[bytes, int], tuple[Any, int]]


class Unsure(Exception):
    """The fast decoder does not take this input; the hardened decoder decides what it is."""


_UNSURE = Unsure()
_depth = threading.local()


def fast_decoder(compiled_type: Any) -> Decode:
    """The single-walk decoder of one compiled type (built at first use, then kept on the compiled type)."""
    decoder: Decode | None = getattr(compiled_type, "_scms_fast_decode", None)
    if decoder is None:
        decoder = _Builder().build(compiled_type.type)
        compiled_type._scms_fast_decode = decoder
    return decoder


def _length(data: bytes, pos: int) -> tuple[int, int]:
    # X.696 8.6, canonical forms only (anything else goes to the hardened decoder, which names the defect).
    first = data[pos]
    if first < 0x80:
        length, pos = first, pos + 1
    else:
        size = first & 0x7F
        length = int.from_bytes(data[pos + 1 : pos + 1 + size], "big")
        if size == 0 or length < 128 or length.bit_length() <= 8 * (size - 1):
            raise _UNSURE
        pos += 1 + size
    if pos + length > len(data):
        raise _UNSURE
    return length, pos


def _take(data: bytes, pos: int, size: int) -> tuple[bytes, int]:
    end = pos + size
    if end > len(data):
        raise _UNSURE
    return data[pos:end], end


def _unsure(data: bytes, pos: int) -> tuple[Any, int]:
    raise _UNSURE


class _Builder:
    def __init__(self) -> None:
        self._built: dict[int, Decode] = {}

    def build(self, node: Any) -> Decode:
        if id(node) not in self._built:
            self._built[id(node)] = _unsure  # placeholder while building (recursion goes through _recursive)
            self._built[id(node)] = self._make(node)
        return self._built[id(node)]

    def _make(self, node: Any) -> Decode:
        if isinstance(node, _oer.Recursive):
            return self._recursive(node)
        if isinstance(node, _oer.MembersType):
            return self._members(node)
        if isinstance(node, _oer.Choice):
            return self._choice(node)
        if isinstance(node, _oer.ArrayType):
            return self._array(node)
        if isinstance(node, _oer.Integer):
            return _integer(node)
        if isinstance(node, _oer.OctetString):
            return _octets(node)
        if isinstance(node, _oer.BitString):
            return _bits(node)
        if isinstance(node, _oer.Enumerated):
            return _enumerated(node)
        if isinstance(node, _oer.Boolean):
            return _boolean
        if isinstance(node, _oer.Null):
            return _null
        if isinstance(node, _oer.KnownMultiplierStringType) and node.ENCODING in ("ascii", "utf-8"):
            return _string(node)
        return _unsure

    def _recursive(self, node: Any) -> Decode:
        resolved: list[Decode] = []

        def decode(data: bytes, pos: int) -> tuple[Any, int]:
            if not resolved:
                resolved.append(self.build(node.inner))
            depth = getattr(_depth, "value", 0)
            if depth >= MAX_NESTING:
                raise _UNSURE
            _depth.value = depth + 1
            try:
                return resolved[0](data, pos)
            finally:
                _depth.value = depth

        return decode

    def _members(self, node: Any) -> Decode:
        extensible = node.additions is not None
        preamble_bits = int(extensible) + len(node.optionals)
        preamble_bytes = (preamble_bits + 7) >> 3
        optional_names = {m.name for m in node.optionals}
        # (name, decoder, preamble bit mask or 0 for a mandatory component, default value)
        members = []
        for member in node.root_members:
            mask = 0
            if member.name in optional_names:
                index = int(extensible) + [m.name for m in node.optionals].index(member.name)
                mask = 1 << (8 * preamble_bytes - 1 - index)
            members.append((member.name, self.build(member), mask, member.default))
        additions = [(m.name, self.build(m)) for m in node.additions or ()]
        extension_bit = 1 << (8 * preamble_bytes - 1) if extensible else 0

        def decode(data: bytes, pos: int) -> tuple[Any, int]:
            preamble = 0
            if preamble_bytes:
                chunk, pos = _take(data, pos, preamble_bytes)
                preamble = int.from_bytes(chunk, "big")
            value: dict[str, Any] = {}
            for name, member, mask, default in members:
                if not mask or preamble & mask:
                    value[name], pos = member(data, pos)
                elif default is not None:
                    value[name] = default
            if preamble & extension_bit:
                pos = _additions(additions, data, pos, value)
            return value, pos

        return decode

    def _choice(self, node: Any) -> Decode:
        root = {bytes(m.tag)[0]: (m.name, self.build(m)) for m in node.root_members if len(m.tag) == 1}
        extra = {bytes(m.tag)[0]: (m.name, self.build(m)) for m in node.additions if len(m.tag) == 1}
        if len(root) != len(node.root_members) or len(extra) != len(node.additions):
            return _unsure  # multi-octet tags: left to asn1tools

        def decode(data: bytes, pos: int) -> tuple[Any, int]:
            tag = data[pos]
            entry = root.get(tag)
            if entry is not None:
                inner, pos = entry[1](data, pos + 1)
                return (entry[0], inner), pos
            entry = extra.get(tag)
            if entry is None:
                raise _UNSURE
            length, start = _length(data, pos + 1)
            inner, pos = entry[1](data, start)
            if pos != start + length:
                raise _UNSURE
            return (entry[0], inner), pos

        return decode

    def _array(self, node: Any) -> Decode:
        element = self.build(node.element_type)

        def decode(data: bytes, pos: int) -> tuple[Any, int]:
            size, pos = _length(data, pos)
            count = int.from_bytes(data[pos : pos + size], "big")
            pos += size
            if count > len(data) - pos:  # every element takes at least one octet
                raise _UNSURE
            items = []
            for _ in range(count):
                item, pos = element(data, pos)
                items.append(item)
            return items, pos

        return decode


def _additions(additions: list[tuple[str, Decode]], data: bytes, pos: int, value: dict[str, Any]) -> int:
    # X.696 16.4: a length-prefixed presence bitmap (its unused-bit count first), then each present addition as an
    # open type. Unknown additions are not ours to take.
    length, pos = _length(data, pos)
    if length < 1:
        raise _UNSURE
    unused = data[pos]
    count = 8 * (length - 1) - unused
    if unused > 7 or count > len(additions):
        raise _UNSURE
    bits = int.from_bytes(data[pos + 1 : pos + length], "big") >> unused
    pos += length
    for index in range(count):
        if bits >> (count - 1 - index) & 1:
            size, start = _length(data, pos)
            name, decode = additions[index]
            value[name], pos = decode(data, start)
            if pos != start + size:
                raise _UNSURE
    return pos


def _integer(node: Any) -> Decode:
    width, signed = node.length, node.signed

    if width:

        def fixed(data: bytes, pos: int) -> tuple[Any, int]:
            chunk, pos = _take(data, pos, width)
            return int.from_bytes(chunk, "big", signed=signed), pos

        return fixed

    def variable(data: bytes, pos: int) -> tuple[Any, int]:
        size, pos = _length(data, pos)
        if size == 0:
            raise _UNSURE
        return int.from_bytes(data[pos : pos + size], "big", signed=signed), pos + size

    return variable


def _octets(node: Any) -> Decode:
    fixed = node.number_of_bytes

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        if fixed is None:
            size, pos = _length(data, pos)
            return data[pos : pos + size], pos + size
        return _take(data, pos, fixed)

    return decode


def _bits(node: Any) -> Decode:
    fixed = node.number_of_bits

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        if fixed is not None:
            chunk, pos = _take(data, pos, (fixed + 7) >> 3)
            return (chunk, fixed), pos
        size, pos = _length(data, pos)
        if size < 1 or data[pos] > 7:
            raise _UNSURE
        return (data[pos + 1 : pos + size], 8 * (size - 1) - data[pos]), pos + size

    return decode


def _enumerated(node: Any) -> Decode:
    names = {number: name for number, name in node.value_to_data.items() if 0 <= number <= 127}

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        name = names.get(data[pos])  # the long form (first octet 0x80 or more) is left to asn1tools
        if name is None:
            raise _UNSURE
        return name, pos + 1

    return decode


def _boolean(data: bytes, pos: int) -> tuple[Any, int]:
    return bool(data[pos]), pos + 1


def _null(data: bytes, pos: int) -> tuple[Any, int]:
    return None, pos


def _string(node: Any) -> Decode:
    fixed, encoding = node.number_of_bytes, node.ENCODING

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        if fixed is None:
            size, pos = _length(data, pos)
        else:
            size = fixed
        chunk, pos = _take(data, pos, size)
        try:
            return chunk.decode(encoding), pos
        except UnicodeError:
            raise _UNSURE from None

    return decode
