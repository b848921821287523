"""A faster COER encoder, generated once per type from the same compiled (and hardened) asn1tools tree.

asn1tools encodes a value in three walks over its node tree (type check, constraint check, OER encoding), each node
a method call through several wrappers, writing through a bit-level buffer. COER is byte-aligned everywhere but in
a SEQUENCE's preamble, so here every node becomes one closure that checks and writes whole bytes in a single walk.
The types are still defined once, in our ASN.1 modules: each closure is built from the asn1tools node (layout,
tags, defaults, fixed sizes) and its constraints-checker twin (ranges, sizes, alphabets), paired as
`scms.asn1._harden` pairs them.

It takes a strict subset of what the checked encoder takes: any value it is not sure about — a wrong Python type,
a constraint violation, an unusual node (REAL, OBJECT IDENTIFIER, times, long-form ENUMERATED) — raises `Bail`,
and `scms.asn1.codec` hands the value to the checked asn1tools path, which gives the precise `EncodeError` (or the
bytes). So errors read the same as before, and for every value it accepts the bytes are those of the checked
encoder (tests/asn1/test_fast_encode.py compares the two on every vector and on generated values).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from asn1tools.codecs import constraints_checker as _chk
from asn1tools.codecs import oer as _oer

from scms.asn1 import _schema
from scms.asn1._harden import MAX_NESTING
from scms.asn1._node_kinds import node_kind
from scms.asn1.encoded import Encoded

__all__: list[str] = []

Encode = Callable[[Any, bytearray], None]


class Bail(Exception):
    """The fast encoder does not take this value; the checked encoder decides what it is."""


_BAIL = Bail()
_depth = threading.local()


def fast_encoder(qualified_name: str, compiled_type: Any) -> Encode:
    """The single-walk encoder of one compiled type (built at first use, then kept on the compiled type)."""
    encoder: Encode | None = getattr(compiled_type, "_scms_fast_encode", None)
    if encoder is None:
        schema = _schema.node(qualified_name)
        encoder = _Builder().build(compiled_type.type, compiled_type.constraints_checker.type, schema)
        compiled_type._scms_fast_encode = encoder
    return encoder


def length_determinant(length: int, out: bytearray) -> None:
    # X.696 8.6: short form below 128, else 0x80 | number of length octets, then the length (minimal).
    if length < 128:
        out.append(length)
    else:
        size = (length.bit_length() + 7) >> 3
        out.append(0x80 | size)
        out += length.to_bytes(size, "big")


def _bounds(checker: Any) -> tuple[int | None, int | None]:
    minimum: Any = getattr(checker, "minimum", "MIN")
    maximum: Any = getattr(checker, "maximum", "MAX")
    return (None if minimum == "MIN" else minimum), (None if maximum == "MAX" else maximum)


def _bail(value: Any, out: bytearray) -> None:
    raise _BAIL


class _Builder:
    def __init__(self) -> None:
        self._built: dict[tuple[int, int, frozenset[str]], Encode] = {}
        self._lock = threading.RLock()
        """Held while a recursive node resolves its inner encoder at first use (build works on `_built`)."""

    def build(self, node: Any, checker: Any, schema: _schema.Node) -> Encode:
        """The encoder of a node; a SEQUENCE, CHOICE or SEQUENCE OF also takes an `Encoded` of its declared type."""
        # As in _harden._walk: a Recursive node on one side only stands for the type it refers to.
        if isinstance(checker, _chk.Recursive) and not isinstance(node, _oer.Recursive):
            checker = checker.inner
        passes = frozenset(schema.names) if schema.kind in ("sequence", "choice", "list") else frozenset()
        key = (id(node), id(checker), passes)
        with self._lock:
            if key not in self._built:
                self._built[key] = _bail  # placeholder while building (recursion goes through _recursive)
                self._built[key] = self._make(node, checker, schema, passes)
            return self._built[key]

    def _make(self, node: Any, checker: Any, schema: _schema.Node, passes: frozenset[str]) -> Encode:
        kind = node_kind(node)
        if kind == "recursive":
            return self._recursive(node, checker, schema)
        composite = {"members": self._members, "choice": self._choice, "array": self._array}.get(kind or "")
        if composite is not None:
            return composite(node, checker, schema, passes)
        leaf = {"integer": _integer, "octets": _octets, "bits": _bits, "string": _string}.get(kind or "")
        if leaf is not None:
            return leaf(node, checker)
        if kind == "enumerated":
            return _enumerated(node)
        return {"boolean": _boolean, "null": _null}.get(kind or "", _bail)

    def _recursive(self, node: Any, checker: Any, schema: _schema.Node) -> Encode:
        inner_checker = checker.inner if isinstance(checker, _chk.Recursive) else checker
        resolved: list[Encode] = []

        def encode(value: Any, out: bytearray) -> None:
            if not resolved:
                with self._lock:  # another thread may be resolving it: never take its placeholder
                    if not resolved:
                        resolved.append(self.build(node.inner, inner_checker, schema))
            depth = getattr(_depth, "value", 0)
            if depth >= MAX_NESTING:
                raise _BAIL
            _depth.value = depth + 1
            try:
                resolved[0](value, out)
            finally:
                _depth.value = depth

        return encode

    def _members(self, node: Any, checker: Any, schema: _schema.Node, passes: frozenset[str]) -> Encode:
        by_name = {member.name: member for member in checker.members}
        names = frozenset(m.name for m in node.root_members + (node.additions or []))
        extensible = node.additions is not None
        preamble_bits = int(extensible) + len(node.optionals)
        preamble_bytes = (preamble_bits + 7) >> 3
        pad = 8 * preamble_bytes - preamble_bits
        flags = [(m.name, m.optional, m.default) for m in node.optionals]
        members = [
            (m.name, self.build(m, by_name[m.name], schema.members[m.name]), m.optional or m.default is not None,
             m.default)
            for m in node.root_members
        ]
        additions = [(m.name, self.build(m, by_name[m.name], schema.members[m.name])) for m in node.additions or ()]

        def encode(value: Any, out: bytearray) -> None:
            if type(value) is not dict:
                _encoded(value, passes, out)
                return
            if not value.keys() <= names:
                raise _BAIL
            start = len(out)
            bits = 0
            for name, optional, default in flags:
                bits <<= 1
                if name in value and (optional or value[name] != default):
                    bits |= 1
            if preamble_bytes:
                out += (bits << pad).to_bytes(preamble_bytes, "big")
            for name, member, optional, default in members:
                if name in value:
                    if default is None or value[name] != default:
                        member(value[name], out)
                elif not optional:
                    raise _BAIL
            if additions and _additions(additions, value, out):
                out[start] |= 0x80  # the extension bit leads the preamble (X.696 16.3)

        return encode

    def _choice(self, node: Any, checker: Any, schema: _schema.Node, passes: frozenset[str]) -> Encode:
        def alternatives(members: list[Any]) -> dict[str, tuple[bytes, Encode]]:
            return {
                m.name: (bytes(m.tag), self.build(m, checker.name_to_member[m.name], schema.members[m.name]))
                for m in members
            }

        root, extra = alternatives(node.root_members), alternatives(node.additions)

        def encode(value: Any, out: bytearray) -> None:
            if type(value) is not tuple or len(value) != 2:
                _encoded(value, passes, out)
                return
            entry = root.get(value[0])
            if entry is not None:
                out += entry[0]
                entry[1](value[1], out)
                return
            entry = extra.get(value[0])
            if entry is None:
                raise _BAIL
            out += entry[0]
            _open(entry[1], value[1], out)

        return encode

    def _array(self, node: Any, checker: Any, schema: _schema.Node, passes: frozenset[str]) -> Encode:
        element = self.build(node.element_type, checker.element_type, schema.element)
        minimum, maximum = _bounds(checker)

        def encode(value: Any, out: bytearray) -> None:
            if type(value) is not list:
                _encoded(value, passes, out)
                return
            count = len(value)
            if (minimum is not None and count < minimum) or (maximum is not None and count > maximum):
                raise _BAIL
            _unsigned(count, out)
            for item in value:
                element(item, out)

        return encode


def _encoded(value: Any, passes: frozenset[str], out: bytearray) -> None:
    # Not the Python type of this node's values: only an `Encoded` of the declared type may stand in for one.
    if type(value) is not Encoded or value.type_name not in passes:
        raise _BAIL
    out += value.data


def _open(encode: Encode, value: Any, out: bytearray) -> None:
    # An extension addition or alternative is wrapped as an open type: length, then its encoding (X.696 16.5, 20).
    part = bytearray()
    encode(value, part)
    length_determinant(len(part), out)
    out += part


def _additions(additions: list[tuple[str, Encode]], value: dict[str, Any], out: bytearray) -> bool:
    # X.696 16.4: a length-prefixed presence bitmap (its unused-bit count first), then each present addition.
    present = 0
    parts = []
    for name, encode in additions:
        present <<= 1
        if name in value:
            part = bytearray()
            encode(value[name], part)
            parts.append(part)
            present |= 1
    if not parts:
        return False
    count = len(additions)
    size = (count + 7) >> 3
    length_determinant(size + 1, out)
    out.append(-count % 8)
    out += (present << (-count % 8)).to_bytes(size, "big")
    for part in parts:
        length_determinant(len(part), out)
        out += part
    return True


def _unsigned(value: int, out: bytearray) -> None:
    size = max((value.bit_length() + 7) >> 3, 1)
    length_determinant(size, out)
    out += value.to_bytes(size, "big")


def _plain_int(value: Any) -> int:
    # An int subclass (Time32, IValue) is written as the number it is; bool and anything else are not INTEGERs.
    if not isinstance(value, int) or isinstance(value, bool):
        raise _BAIL
    return int(value)


def _integer(node: Any, checker: Any) -> Encode:
    if node.has_extension_marker:
        return _bail
    minimum, maximum = _bounds(checker)
    width, signed = node.length, node.signed
    if width and minimum is not None and maximum is not None:
        # The common case (Uint8 ... Uint64, Time32, Psid ranges): fixed width, both bounds.

        def fixed(value: Any, out: bytearray) -> None:
            if type(value) is not int:
                value = _plain_int(value)
            if value < minimum or value > maximum:
                raise _BAIL
            out += value.to_bytes(width, "big", signed=signed)

        return fixed

    def encode(value: Any, out: bytearray) -> None:
        if type(value) is not int:
            value = _plain_int(value)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise _BAIL
        if width:
            out += value.to_bytes(width, "big", signed=signed)
        elif signed:
            size = ((value if value >= 0 else ~value).bit_length() >> 3) + 1
            length_determinant(size, out)
            out += value.to_bytes(size, "big", signed=True)
        elif value >= 0:
            _unsigned(value, out)
        else:
            raise _BAIL

    return encode


def _octets(node: Any, checker: Any) -> Encode:
    minimum, maximum = _bounds(checker)
    fixed = node.number_of_bytes
    if fixed is not None:
        # A fixed-size OCTET STRING (HashedId8, a coordinate, a nonce): no length, only the size to check.
        if (minimum is not None and fixed < minimum) or (maximum is not None and fixed > maximum):
            return _bail

        def fixed_size(value: Any, out: bytearray) -> None:
            if type(value) is not bytes and not isinstance(value, bytes | bytearray):
                raise _BAIL
            if len(value) != fixed:
                raise _BAIL
            out += value

        return fixed_size

    def encode(value: Any, out: bytearray) -> None:
        if type(value) is not bytes and not isinstance(value, bytes | bytearray):
            raise _BAIL
        size = len(value)
        if (minimum is not None and size < minimum) or (maximum is not None and size > maximum):
            raise _BAIL
        length_determinant(size, out)
        out += value

    return encode


def _bits(node: Any, checker: Any) -> Encode:
    minimum, maximum = _bounds(checker)
    fixed = node.number_of_bits

    def encode(value: Any, out: bytearray) -> None:
        if type(value) is not tuple or len(value) != 2:
            raise _BAIL
        data, count = value
        if not isinstance(data, bytes | bytearray) or type(count) is not int or count < 0 or 8 * len(data) < count:
            raise _BAIL
        if (minimum is not None and count < minimum) or (maximum is not None and count > maximum):
            raise _BAIL
        whole, rest = divmod(count, 8)
        body = bytearray(data[:whole])
        if rest:
            body.append(data[whole] & (0xFF << (8 - rest)) & 0xFF)
        if fixed is None:
            length_determinant(len(body) + 1, out)
            out.append(-count % 8)
        out += body

    return encode


def _enumerated(node: Any) -> Encode:
    numbers = {name: number for name, number in node.data_to_value.items() if 0 <= number <= 127}

    def encode(value: Any, out: bytearray) -> None:
        number = numbers.get(value) if type(value) is str else None
        if number is None:
            raise _BAIL
        out.append(number)

    return encode


def _boolean(value: Any, out: bytearray) -> None:
    if type(value) is not bool:
        raise _BAIL
    out.append(0xFF if value else 0)


def _null(value: Any, out: bytearray) -> None:
    if value is not None:
        raise _BAIL


def _string(node: Any, checker: Any) -> Encode:
    minimum, maximum = _bounds(checker)
    alphabet = getattr(checker, "permitted_alphabet", None)
    encoding, fixed = node.ENCODING, node.number_of_bytes

    def encode(value: Any, out: bytearray) -> None:
        if type(value) is not str:
            raise _BAIL
        size = len(value)
        if (minimum is not None and size < minimum) or (maximum is not None and size > maximum):
            raise _BAIL
        if alphabet is not None and not all(ch in alphabet for ch in value):
            raise _BAIL
        try:
            data = value.encode(encoding)
        except UnicodeError:
            raise _BAIL from None
        if fixed is None:
            length_determinant(len(data), out)
        elif len(data) != fixed:
            raise _BAIL
        out += data

    return encode
