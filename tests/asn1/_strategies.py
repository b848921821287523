"""Hypothesis strategies for values of any of our ASN.1 types, built from the compiled type tree.

The builder walks asn1tools' compiled OER node of a type together with its constraints-checker node (both reached
through `scms.asn1._compile`), so the generated values respect the ranges, sizes, alphabets, CHOICE alternatives and
extension additions that the modules declare. DEFAULT components are always present (decoding fills them in, so a
round trip compares equal). Self-referencing types are cut at `max_depth` by leaving optional components out.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from scms.asn1 import qualified_name
from scms.asn1._compile import compiled

_MAX_LIST = 3
_MAX_OCTETS = 40
_UNBOUNDED_INT = 1 << 70


_BUILDERS: dict[int, _Builder] = {}


def values_of(type_name: str, max_depth: int = 2) -> st.SearchStrategy[Any]:
    compiled_type = compiled().types[qualified_name(type_name)]
    builder = _BUILDERS.setdefault(max_depth, _Builder(max_depth))
    return builder.build(compiled_type.type, compiled_type.constraints_checker.type, 0)


def _kind(node: Any) -> str:
    return type(node).__name__


def _bounds(checker: Any, lowest: int, highest: int) -> tuple[int, int]:
    minimum = getattr(checker, "minimum", "MIN")
    maximum = getattr(checker, "maximum", "MAX")
    return (
        lowest if minimum == "MIN" else max(minimum, lowest),
        highest if maximum == "MAX" else min(maximum, highest),
    )


class _Builder:
    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.cache: dict[tuple[int, int, int], st.SearchStrategy[Any]] = {}

    def build(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[Any]:
        # Shared subtrees (asn1tools shares nodes) are built once per depth.
        key = (id(node), id(checker), depth)
        if key not in self.cache:
            self.cache[key] = self._build(node, checker, depth)
        return self.cache[key]

    def _build(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[Any]:
        if _kind(checker) == "Recursive":
            checker = checker.inner
        if _kind(node) == "Recursive":
            return st.deferred(lambda: self.build(node.inner, checker, depth + 1))
        method = getattr(self, "_" + _kind(node), None)
        if method is None:
            raise NotImplementedError(f"no strategy for {_kind(node)} {node!r}")
        strategy: st.SearchStrategy[Any] = method(node, checker, depth)
        return strategy

    def _members(self, node: Any, checker: Any, depth: int, members: list[Any], optional: bool) -> dict[str, Any]:
        by_name = {member.name: member for member in checker.members}
        fixed: dict[str, st.SearchStrategy[Any]] = {}
        maybe: dict[str, st.SearchStrategy[Any]] = {}
        for member in members:
            if depth >= self.max_depth and _kind(member) == "Recursive":
                continue  # an OPTIONAL self-reference: cut here (required ones do not occur in our modules)
            strategy = self.build(member, by_name[member.name], depth)
            if optional or member.optional:
                maybe[member.name] = strategy
            else:
                fixed[member.name] = strategy
        return {"fixed": fixed, "maybe": maybe}

    def _Sequence(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[dict[str, Any]]:
        root = self._members(node, checker, depth, node.root_members, optional=False)
        additions = self._members(node, checker, depth, node.additions or [], optional=True)
        fixed = {**root["fixed"], **additions["fixed"]}
        maybe = {**root["maybe"], **additions["maybe"]}
        return st.fixed_dictionaries(fixed, optional=maybe)

    _Set = _Sequence

    def _Choice(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[tuple[str, Any]]:
        options = []
        for member in node.members:
            if depth >= self.max_depth and _kind(member) == "Recursive":
                continue
            strategy = self.build(member, checker.name_to_member[member.name], depth)
            options.append(st.tuples(st.just(member.name), strategy))
        return st.one_of(options)

    def _SequenceOf(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[list[Any]]:
        low, high = _bounds(checker, 0, _MAX_LIST)
        high = max(low, high)
        return st.lists(self.build(node.element_type, checker.element_type, depth), min_size=low, max_size=high)

    _SetOf = _SequenceOf

    def _Integer(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[int]:
        low, high = _bounds(checker, -_UNBOUNDED_INT, _UNBOUNDED_INT)
        return st.integers(low, high)

    def _Boolean(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[bool]:
        return st.booleans()

    def _Null(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[None]:
        return st.none()

    def _OctetString(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[bytes]:
        low, high = _bounds(checker, 0, _MAX_OCTETS)
        return st.binary(min_size=low, max_size=max(low, high))

    def _BitString(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[tuple[bytes, int]]:
        low, high = _bounds(checker, 0, 8 * _MAX_OCTETS)

        @st.composite
        def bits(draw: Any) -> tuple[bytes, int]:
            length = draw(st.integers(low, max(low, high)))
            value = draw(st.integers(0, (1 << length) - 1)) << (-length % 8)
            return (value.to_bytes((length + 7) // 8, "big"), length)

        return bits()

    def _Enumerated(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[str]:
        return st.sampled_from(sorted(node.data_to_value))

    def _ObjectIdentifier(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[str]:
        first = st.integers(0, 2)
        return st.builds(
            lambda a, b, rest: ".".join(map(str, [a, b, *rest])),
            first,
            st.integers(0, 39),
            st.lists(st.integers(0, 1 << 40), max_size=4),
        )

    def _UTF8String(self, node: Any, checker: Any, depth: int) -> st.SearchStrategy[str]:
        low, high = _bounds(checker, 0, 20)
        alphabet = getattr(checker, "permitted_alphabet", None)
        chars = st.sampled_from(sorted(alphabet)) if alphabet else st.characters(exclude_categories=("Cs",))
        return st.text(chars, min_size=low, max_size=max(low, high))

    _IA5String = _PrintableString = _VisibleString = _NumericString = _UTF8String
