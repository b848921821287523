"""A faster COER decoder, generated once per type from the compiled asn1tools tree: the counterpart of
`scms.asn1._fast_encode`.

Each node becomes one closure `(data, pos) -> (value, pos)` reading whole bytes (COER is byte-aligned but for a
SEQUENCE's preamble), producing exactly the values asn1tools' decoder produces (DEFAULT components filled in, the
same Python types). It is strict in the same walk, so no re-encoding is needed afterwards:
* every constraint of the type, from the constraints-checker twin of each node (ranges, sizes, alphabets);
* the canonical form of X.696: minimal length determinants and integers, zero padding bits in preambles and bit
  strings, BOOLEAN as 00 or FF, a DEFAULT component never sent with its default value, an extension bitmap exactly
  as long as the known additions with at least one present, open-type lengths that match their contents.
Whatever it does not take — malformed, truncated or non-canonical input, unknown extensions, rare node kinds, too
deep nesting — makes it raise, and `scms.asn1.codec` then runs asn1tools' hardened decoder and the re-encoding
check, which give the precise `CodecError` with its byte offset (or the value). So bad input reads exactly as
before; tests/asn1/test_fast_codec.py holds the two paths to the same answers on every vector and on damaged input.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from asn1tools.codecs import constraints_checker as _chk
from asn1tools.codecs import oer as _oer

from scms.asn1._harden import MAX_NESTING
from scms.asn1._node_kinds import node_kind

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
        decoder = _Builder().build(compiled_type.type, compiled_type.constraints_checker.type)
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


def _bounds(checker: Any) -> tuple[int | None, int | None]:
    minimum: Any = getattr(checker, "minimum", "MIN")
    maximum: Any = getattr(checker, "maximum", "MAX")
    return (None if minimum == "MIN" else minimum), (None if maximum == "MAX" else maximum)


def _check_size(size: int, minimum: int | None, maximum: int | None) -> None:
    if (minimum is not None and size < minimum) or (maximum is not None and size > maximum):
        raise _UNSURE


def _take(data: bytes, pos: int, size: int) -> tuple[bytes, int]:
    end = pos + size
    if end > len(data):
        raise _UNSURE
    return data[pos:end], end


def _unsure(data: bytes, pos: int) -> tuple[Any, int]:
    raise _UNSURE


class _Builder:
    def __init__(self) -> None:
        self._built: dict[tuple[int, int], Decode] = {}
        self._lock = threading.RLock()
        """Held while a recursive node resolves its inner decoder at first use (build works on `_built`)."""

    def build(self, node: Any, checker: Any) -> Decode:
        # As in _harden._walk: a Recursive node on one side only stands for the type it refers to.
        if isinstance(checker, _chk.Recursive) and not isinstance(node, _oer.Recursive):
            checker = checker.inner
        key = (id(node), id(checker))
        with self._lock:
            if key not in self._built:
                self._built[key] = _unsure  # placeholder while building (recursion goes through _recursive)
                self._built[key] = self._make(node, checker)
            return self._built[key]

    def _make(self, node: Any, checker: Any) -> Decode:
        kind = node_kind(node)
        composite = {"recursive": self._recursive, "members": self._members, "choice": self._choice,
                     "array": self._array}.get(kind or "")
        if composite is not None:
            return composite(node, checker)
        leaf = {"integer": _integer, "octets": _octets, "bits": _bits, "string": _string}.get(kind or "")
        if leaf is not None:
            return leaf(node, checker)
        if kind == "enumerated":
            return _enumerated(node)
        return {"boolean": _boolean, "null": _null}.get(kind or "", _unsure)

    def _recursive(self, node: Any, checker: Any) -> Decode:
        inner_checker = checker.inner if isinstance(checker, _chk.Recursive) else checker
        resolved: list[Decode] = []

        def decode(data: bytes, pos: int) -> tuple[Any, int]:
            if not resolved:
                with self._lock:  # another thread may be resolving it: never take its placeholder
                    if not resolved:
                        resolved.append(self.build(node.inner, inner_checker))
            depth = getattr(_depth, "value", 0)
            if depth >= MAX_NESTING:
                raise _UNSURE
            _depth.value = depth + 1
            try:
                return resolved[0](data, pos)
            finally:
                _depth.value = depth

        return decode

    def _members(self, node: Any, checker: Any) -> Decode:
        by_name = {member.name: member for member in checker.members}
        extensible = node.additions is not None
        preamble_bits = int(extensible) + len(node.optionals)
        preamble_bytes = (preamble_bits + 7) >> 3
        padding = (1 << (8 * preamble_bytes - preamble_bits)) - 1  # trailing preamble bits, zero when canonical
        optional_names = [m.name for m in node.optionals]
        # (name, decoder, preamble bit mask or 0 for a mandatory component, default value)
        members = []
        for member in node.root_members:
            mask = 0
            if member.name in optional_names:
                index = int(extensible) + optional_names.index(member.name)
                mask = 1 << (8 * preamble_bytes - 1 - index)
            members.append((member.name, self.build(member, by_name[member.name]), mask, member.default))
        additions = [(m.name, self.build(m, by_name[m.name])) for m in node.additions or ()]
        extension_bit = 1 << (8 * preamble_bytes - 1) if extensible else 0

        def decode(data: bytes, pos: int) -> tuple[Any, int]:
            preamble = 0
            if preamble_bytes:
                chunk, pos = _take(data, pos, preamble_bytes)
                preamble = int.from_bytes(chunk, "big")
                if preamble & padding:
                    raise _UNSURE
            value: dict[str, Any] = {}
            for name, member, mask, default in members:
                if not mask or preamble & mask:
                    value[name], pos = member(data, pos)
                    if default is not None and value[name] == default:
                        raise _UNSURE  # a DEFAULT value is never sent (X.696 16.2)
                elif default is not None:
                    value[name] = default
            if preamble & extension_bit:
                pos = _additions(additions, data, pos, value)
            return value, pos

        return decode

    def _choice(self, node: Any, checker: Any) -> Decode:
        def alternatives(members: list[Any]) -> dict[int, tuple[str, Decode]]:
            return {
                bytes(m.tag)[0]: (m.name, self.build(m, checker.name_to_member[m.name]))
                for m in members
                if len(m.tag) == 1
            }

        root, extra = alternatives(node.root_members), alternatives(node.additions)
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

    def _array(self, node: Any, checker: Any) -> Decode:
        element = self.build(node.element_type, checker.element_type)
        minimum, maximum = _bounds(checker)

        def decode(data: bytes, pos: int) -> tuple[Any, int]:
            count, pos = _unsigned(data, pos)
            if count > len(data) - pos:  # every element takes at least one octet
                raise _UNSURE
            _check_size(count, minimum, maximum)
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
    count = len(additions)
    if length != ((count + 7) >> 3) + 1 or data[pos] != -count % 8:  # the bitmap is as long as the known additions
        raise _UNSURE
    bits = int.from_bytes(data[pos + 1 : pos + length], "big")
    if not bits or bits & ((1 << data[pos]) - 1):  # some addition present; unused bits zero
        raise _UNSURE
    bits >>= data[pos]
    pos += length
    for index in range(count):
        if bits >> (count - 1 - index) & 1:
            size, start = _length(data, pos)
            name, decode = additions[index]
            value[name], pos = decode(data, start)
            if pos != start + size:
                raise _UNSURE
    return pos


def _unsigned(data: bytes, pos: int) -> tuple[int, int]:
    # A quantity (e.g. a SEQUENCE OF count): length, then the minimal unsigned octets (X.696 10.6, 19.1).
    size, pos = _length(data, pos)
    if size == 0 or (size > 1 and data[pos] == 0):
        raise _UNSURE
    return int.from_bytes(data[pos : pos + size], "big"), pos + size


def _integer(node: Any, checker: Any) -> Decode:
    if node.has_extension_marker:
        return _unsure
    width, signed = node.length, node.signed
    minimum, maximum = _bounds(checker)

    def in_range(value: int) -> int:
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise _UNSURE
        return value

    if width:

        def fixed(data: bytes, pos: int) -> tuple[Any, int]:
            chunk, pos = _take(data, pos, width)
            return in_range(int.from_bytes(chunk, "big", signed=signed)), pos

        return fixed

    if not signed:

        def unsigned(data: bytes, pos: int) -> tuple[Any, int]:
            value, pos = _unsigned(data, pos)
            return in_range(value), pos

        return unsigned

    def variable(data: bytes, pos: int) -> tuple[Any, int]:
        size, pos = _length(data, pos)
        if size == 0:
            raise _UNSURE
        value = int.from_bytes(data[pos : pos + size], "big", signed=True)
        if size > 1 and ((value if value >= 0 else ~value) >> (8 * size - 9)) == 0:
            raise _UNSURE  # not the fewest octets (X.696 10.4)
        return in_range(value), pos + size

    return variable


def _octets(node: Any, checker: Any) -> Decode:
    fixed = node.number_of_bytes
    minimum, maximum = _bounds(checker)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        if fixed is None:
            size, pos = _length(data, pos)
            _check_size(size, minimum, maximum)
            return data[pos : pos + size], pos + size
        return _take(data, pos, fixed)

    return decode


def _bits(node: Any, checker: Any) -> Decode:
    fixed = node.number_of_bits
    minimum, maximum = _bounds(checker)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        if fixed is not None:
            chunk, pos = _take(data, pos, (fixed + 7) >> 3)
            if chunk and chunk[-1] & ((1 << (-fixed % 8)) - 1):
                raise _UNSURE  # padding bits are zero
            return (chunk, fixed), pos
        size, pos = _length(data, pos)
        unused = data[pos] if size else 8
        if unused > 7 or (size == 1 and unused) or (size > 1 and data[pos + size - 1] & ((1 << unused) - 1)):
            raise _UNSURE
        count = 8 * (size - 1) - unused
        _check_size(count, minimum, maximum)
        return (data[pos + 1 : pos + size], count), pos + size

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
    octet = data[pos]
    if octet not in (0, 0xFF):
        raise _UNSURE
    return octet == 0xFF, pos + 1


def _null(data: bytes, pos: int) -> tuple[Any, int]:
    return None, pos


def _string(node: Any, checker: Any) -> Decode:
    fixed, encoding = node.number_of_bytes, node.ENCODING
    minimum, maximum = _bounds(checker)
    alphabet = getattr(checker, "permitted_alphabet", None)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        if fixed is None:
            size, pos = _length(data, pos)
        else:
            size = fixed
        chunk, pos = _take(data, pos, size)
        try:
            text = chunk.decode(encoding)
        except UnicodeError:
            raise _UNSURE from None
        _check_size(len(text), minimum, maximum)
        if alphabet is not None and not all(ch in alphabet for ch in text):
            raise _UNSURE
        return text, pos

    return decode
