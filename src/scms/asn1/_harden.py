"""Make asn1tools' compiled OER type tree strict and bounded, without touching the installed package.

After compilation each OER type node is paired with its constraints-checker node (asn1tools builds both trees
from the same specification), and instance-level wrappers are installed where OER decoding alone does not enforce
the ASN.1 type:

* ranges of fixed-width integers narrower than their width (`Uint8 (3)`, latitudes), size ranges of
  variable-length strings and SEQUENCE OFs, permitted alphabets: checked as each value is read, so the error
  carries the offset where that value starts;
* SEQUENCE OF counts larger than the bytes left (each element takes at least one octet) are refused before
  looping, so a 5-byte input cannot ask for 2**64 iterations;
* unknown CHOICE alternatives and ENUMERATED values after an extension marker (asn1tools returns None for
  them) are refused: we cannot re-encode, so cannot check canonical form or hash, what we do not know;
* recursion through self-referencing types (`Ieee1609Dot2Data` inside a signed payload) is capped at
  `MAX_NESTING` levels, on decode and encode;
* the encoding side (unknown keys, int checks, extension additions, BIT STRING defaults) is installed from
  `scms.asn1._harden_encode`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from asn1tools.codecs import DecodeError
from asn1tools.codecs import constraints_checker as _chk
from asn1tools.codecs import oer as _oer

from scms.asn1._harden_encode import (
    Refused,
    additions_encoder,
    as_optional,
    choice_encoder,
    fix_bit_string_default,
    strict_integers,
    wrap_unknown_keys,
)

__all__: list[str] = []

MAX_NESTING = 8
"""Self-referencing levels (e.g. `Ieee1609Dot2Data` in a signed payload) accepted in one value."""

_state = threading.local()


class Violation(DecodeError):  # type: ignore[misc]
    """A decoded value that breaks its type's constraints, found at `offset_bytes`."""

    def __init__(self, message: str, offset_bytes: int) -> None:
        super().__init__(message)
        self.offset_bytes = offset_bytes


def install(spec: Any) -> None:
    done: dict[int, object] = {}
    for module_types in spec.modules.values():
        for compiled_type in module_types.values():
            _walk(compiled_type.type, compiled_type.constraints_checker.type, done)
            strict_integers(compiled_type.type_checker.type, set())


def _bounds(checker: Any) -> tuple[Any, Any]:
    return getattr(checker, "minimum", "MIN"), getattr(checker, "maximum", "MAX")


def _walk(node: Any, checker: Any, done: dict[int, object]) -> None:
    # A Recursive node on one side only: follow it to the type it stands for.
    if isinstance(checker, _chk.Recursive) and not isinstance(node, _oer.Recursive):
        checker = checker.inner
    if isinstance(node, _oer.Recursive) and not isinstance(checker, _chk.Recursive):
        if not _wrap_recursive(node, done):
            return
        node = node.inner
    if isinstance(node, _oer.Recursive):
        if _wrap_recursive(node, done):
            _walk(node.inner, checker.inner, done)
        return
    # asn1tools shares nodes between uses of a type; each is wrapped once, and a node must never stand for two
    # differently constrained types.
    signature = (type(checker).__name__, _bounds(checker), getattr(checker, "permitted_alphabet", None))
    previous = done.setdefault(id(node), signature)
    if previous != signature:
        raise RuntimeError(f"asn1 node {node!r} is shared by types with different constraints")
    if previous is not signature:
        return
    if isinstance(node, _oer.MembersType):
        if node.additions:
            node.additions[:] = [as_optional(member) for member in node.additions]
            node.encode_additions = additions_encoder(node)
        by_name = {member.name: member for member in checker.members}
        for member in node.root_members + (node.additions or []):
            fix_bit_string_default(member)
            _walk(member, by_name[member.name], done)
        wrap_unknown_keys(node)
    elif isinstance(node, _oer.Choice):
        for member in node.members:
            _walk(member, checker.name_to_member[member.name], done)
        if node.has_extension_marker:
            _wrap_result_check(node, lambda value: value[0] is None, "unknown CHOICE alternative (extension)")
        if node.additions:
            node.encode = choice_encoder(node)
    elif isinstance(node, _oer.ArrayType):
        _walk(node.element_type, checker.element_type, done)
        _wrap_array(node, *_bounds(checker))
    elif isinstance(node, _oer.Enumerated):
        if node.has_extension_marker:
            _wrap_result_check(node, lambda value: value is None, "unknown ENUMERATED value (extension)")
    else:
        _wrap_leaf(node, checker)


def _in_range(value: int, minimum: Any, maximum: Any) -> bool:
    return bool((minimum == "MIN" or value >= minimum) and (maximum == "MAX" or value <= maximum))


def _wrap_leaf(node: Any, checker: Any) -> None:
    minimum, maximum = _bounds(checker)
    bounded = minimum != "MIN" or maximum != "MAX"
    check: Callable[[Any], str | None] | None = None
    if isinstance(node, _oer.Integer) and bounded:
        if node.fmt and _fills_width(node, minimum, maximum):
            return

        def check(value: int) -> str | None:
            ok = _in_range(value, minimum, maximum)
            return None if ok else f"integer {value} outside {minimum}..{maximum}"
    elif isinstance(node, _oer.OctetString) and node.number_of_bytes is None and bounded:

        def check(value: bytes) -> str | None:
            ok = _in_range(len(value), minimum, maximum)
            return None if ok else f"{len(value)} octets, expected {minimum}..{maximum}"
    elif isinstance(node, _oer.BitString) and node.number_of_bits is None and bounded:

        def check(value: tuple[bytes, int]) -> str | None:
            ok = _in_range(value[1], minimum, maximum)
            return None if ok else f"{value[1]} bits, expected {minimum}..{maximum}"
    elif isinstance(node, _oer.KnownMultiplierStringType):
        alphabet = getattr(checker, "permitted_alphabet", None)
        if not bounded and alphabet is None:
            return

        def check(value: str) -> str | None:
            if not _in_range(len(value), minimum, maximum):
                return f"{len(value)} characters, expected {minimum}..{maximum}"
            if alphabet is not None and any(ch not in alphabet for ch in value):
                return "character outside the permitted alphabet"
            return None

    if check is not None:
        _install_check(node, check)


def _fills_width(node: Any, minimum: Any, maximum: Any) -> bool:
    bits = 8 * node.length
    if node.signed:
        return bool(minimum == -(1 << (bits - 1)) and maximum == (1 << (bits - 1)) - 1)
    return bool(minimum == 0 and maximum == (1 << bits) - 1)


def _install_check(node: Any, check: Callable[[Any], str | None]) -> None:
    original = node.decode

    def decode(decoder: Any) -> Any:
        start = decoder.number_of_read_bits() >> 3
        value = original(decoder)
        problem = check(value)
        if problem is not None:
            raise Violation(problem, start)
        return value

    node.decode = decode


def _wrap_result_check(node: Any, is_unknown: Callable[[Any], bool], message: str) -> None:
    _install_check(node, lambda value: message if is_unknown(value) else None)


def _wrap_array(node: Any, minimum: Any, maximum: Any) -> None:
    element = node.element_type

    def decode(decoder: Any) -> list[Any]:
        start = decoder.number_of_read_bits() >> 3
        count = decoder.read_unsigned_integer()
        left = decoder.number_of_bits >> 3
        if count > left:
            raise Violation(f"SEQUENCE OF count {count} exceeds the {left} bytes left", start)
        if not _in_range(count, minimum, maximum):
            raise Violation(f"SEQUENCE OF with {count} elements, expected {minimum}..{maximum}", start)
        return [element.decode(decoder) for _ in range(count)]

    node.decode = decode


def _wrap_recursive(node: Any, done: dict[int, object]) -> bool:
    """Wrap a Recursive node once; True the first time."""
    if id(node) in done:
        return False
    done[id(node)] = "recursive"
    original_decode, original_encode = node.decode, node.encode

    def decode(decoder: Any) -> Any:
        with _Nesting(lambda: Violation(f"nesting deeper than {MAX_NESTING}", decoder.number_of_read_bits() >> 3)):
            return original_decode(decoder)

    def encode(data: Any, encoder: Any) -> None:
        with _Nesting(lambda: Refused(f"nesting deeper than {MAX_NESTING}")):
            original_encode(data, encoder)

    node.decode, node.encode = decode, encode
    return True


class _Nesting:
    def __init__(self, error: Callable[[], Exception]) -> None:
        self._error = error

    def __enter__(self) -> None:
        depth = getattr(_state, "depth", 0) + 1
        _state.depth = depth
        if depth > MAX_NESTING:
            _state.depth = depth - 1
            raise self._error()

    def __exit__(self, *exc: object) -> None:
        _state.depth -= 1
