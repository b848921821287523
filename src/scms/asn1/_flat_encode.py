"""The one-walk encoder of a type written out as one Python function, generated once per type.

`scms.asn1._fast_encode` turns every node into a closure; a value then costs one closure call, one loop over a
member table and a few generic checks per node. Here the nodes of a type down to `MAX_DEPTH` are written out as
straight-line code in one function (each SEQUENCE member, CHOICE alternative and SEQUENCE OF element in place; the
fixed-width or unsigned INTEGERs, OCTET STRINGs, ENUMERATEDs and NULLs inline), which is faster. The code is generated
from the same asn1tools nodes and constraint checkers, with the same checks, and makes the same decision for every
value: write the bytes the checked encoder would, or raise (`Bail` or any other exception) and leave the value to
the checked encoder. Every node it does not write out (other leaves, extension additions and alternatives,
recursive types, what lies deeper than `MAX_DEPTH`) is handed to its `_fast_encode` closure.
tests/asn1 compares both with the checked encoder on every type.
"""

from __future__ import annotations

from typing import Any

from asn1tools.codecs import constraints_checker as _chk
from asn1tools.codecs import oer as _oer

from scms.asn1 import _fast_encode as _closures
from scms.asn1 import _schema
from scms.asn1._node_kinds import node_kind

__all__: list[str] = []

MAX_DEPTH = 8
"""Nodes nested deeper than this are handed to their closures (keeps each generated function small)."""
MAX_LINES = 1200
"""Past this many generated lines the rest of a type is handed to closures."""

_BYTES_LIKE = (bytes, bytearray)


_ABSENT = object()


def flat_encoder(qualified_name: str, compiled_type: Any) -> _closures.Encode:
    """The generated encoder of a compiled type (built at first use, then kept on the compiled type); the closure
    encoder of `_fast_encode` if the type cannot be written out."""
    encoder: _closures.Encode | None = getattr(compiled_type, "_scms_flat_encode", None)
    if encoder is None:
        try:
            encoder = _generate(_schema.node(qualified_name), compiled_type)
        except Exception:  # a node the generator does not know how to write: the closures do it all
            encoder = _closures.fast_encoder(qualified_name, compiled_type)
        compiled_type._scms_flat_encode = encoder
    return encoder


def _generate(schema: _schema.Node, compiled_type: Any) -> _closures.Encode:
    writer = _Writer(_closures._Builder())
    writer.line(0, "def encode(value, out):")
    writer.value(compiled_type.type, compiled_type.constraints_checker.type, schema, "value", 1, 0)
    namespace = dict(writer.env)
    exec(compile("\n".join(writer.lines), "<scms.asn1 generated encoder>", "exec"), namespace)  # noqa: S102
    encoder: _closures.Encode = namespace["encode"]
    return encoder


class _Writer:
    def __init__(self, builder: Any) -> None:
        self.builder = builder
        self.lines: list[str] = []
        self.env: dict[str, Any] = {
            "_BAIL": _closures._BAIL,
            "_ABSENT": _ABSENT,
            "_BYTES_LIKE": _BYTES_LIKE,
            "_encoded": _closures._encoded,
            "_additions": _closures._additions,
            "_unsigned": _closures._unsigned,
            "_plain_int": _closures._plain_int,
            "length_determinant": _closures.length_determinant,
        }
        self.count = 0

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, value: Any) -> str:
        name = self.fresh("k")
        self.env[name] = value
        return name

    def value(self, node: Any, checker: Any, schema: _schema.Node, var: str, indent: int, depth: int) -> None:
        """Code that writes the value in `var` as `node` to `out` (or raises)."""
        # As in _fast_encode._Builder.build: a Recursive checker alone stands for the type it refers to.
        if isinstance(checker, _chk.Recursive) and not isinstance(node, _oer.Recursive):
            checker = checker.inner
        kind = node_kind(node)
        inline = {"members": self.members, "choice": self.choice, "array": self.array}.get(kind or "")
        if inline is not None and depth < MAX_DEPTH and len(self.lines) < MAX_LINES:
            inline(node, checker, schema, var, indent, depth + 1)
            return
        leaf = {"integer": self.integer, "octets": self.octets, "null": self.null, "enumerated": self.enumerated}.get(
            kind or ""
        )
        if leaf is None or not leaf(node, checker, var, indent):
            closure = self.const(self.builder.build(node, checker, schema))
            self.line(indent, f"{closure}({var}, out)")

    def _not_of_type(self, python_type: str, var: str, schema: _schema.Node, indent: int) -> int:
        # Only an `Encoded` of the declared type may stand in for the value (`_fast_encode._encoded`).
        passes = self.const(frozenset(schema.names))
        self.line(indent, f"if type({var}) is not {python_type}:")
        self.line(indent + 1, f"_encoded({var}, {passes}, out)")
        self.line(indent, "else:")
        return indent + 1

    def members(self, node: Any, checker: Any, schema: _schema.Node, var: str, indent: int, depth: int) -> None:
        by_name = {member.name: member for member in checker.members}
        names = self.const(frozenset(m.name for m in node.root_members + (node.additions or [])))
        optionals = [m.name for m in node.optionals]
        if optionals != [m.name for m in node.root_members if m.optional or m.default is not None]:
            raise ValueError("optional members out of root order")  # not seen in our modules: keep the closure
        preamble_bits = int(node.additions is not None) + len(optionals)
        preamble_bytes = (preamble_bits + 7) >> 3
        pad = 8 * preamble_bytes - preamble_bits
        indent = self._not_of_type("dict", var, schema, indent)
        self.line(indent, f"if not {var}.keys() <= {names}:")
        self.line(indent + 1, "raise _BAIL")
        start = self.fresh("s")
        if node.additions:
            self.line(indent, f"{start} = len(out)")
        if preamble_bytes:
            bits = self.fresh("b")
            self.line(indent, f"{bits} = 0")
            for position, member in enumerate(m for m in node.root_members if m.name in optionals):
                bit = 1 << (len(optionals) - 1 - position + pad)
                present = f"{member.name!r} in {var}"
                if member.default is not None:
                    present += f" and {var}[{member.name!r}] != {self.const(member.default)}"
                self.line(indent, f"if {present}:")
                self.line(indent + 1, f"{bits} |= {bit}")
            if preamble_bytes == 1:
                self.line(indent, f"out.append({bits})")
            else:
                self.line(indent, f"out += {bits}.to_bytes({preamble_bytes}, 'big')")
        for member in node.root_members:
            item = self.fresh("v")
            member_checker, member_schema = by_name[member.name], schema.members[member.name]
            if member.optional or member.default is not None:
                self.line(indent, f"{item} = {var}.get({member.name!r}, _ABSENT)")
                condition = f"{item} is not _ABSENT"
                if member.default is not None:
                    condition += f" and {item} != {self.const(member.default)}"
                self.line(indent, f"if {condition}:")
                self.value(member, member_checker, member_schema, item, indent + 1, depth)
            else:
                self.line(indent, f"{item} = {var}.get({member.name!r}, _ABSENT)")
                self.line(indent, f"if {item} is _ABSENT:")
                self.line(indent + 1, "raise _BAIL")
                self.value(member, member_checker, member_schema, item, indent, depth)
        if node.additions:
            additions = self.const(
                [(m.name, self.builder.build(m, by_name[m.name], schema.members[m.name])) for m in node.additions]
            )
            addition_names = self.const(frozenset(m.name for m in node.additions))
            self.line(indent, f"if not {addition_names}.isdisjoint({var}) and _additions({additions}, {var}, out):")
            self.line(indent + 1, f"out[{start}] |= 0x80")  # the extension bit leads the preamble (X.696 16.3)

    def choice(self, node: Any, checker: Any, schema: _schema.Node, var: str, indent: int, depth: int) -> None:
        passes = self.const(frozenset(schema.names))
        self.line(indent, f"if type({var}) is not tuple or len({var}) != 2:")
        self.line(indent + 1, f"_encoded({var}, {passes}, out)")
        alternative, inner = self.fresh("a"), self.fresh("v")
        self.line(indent, "else:")
        indent += 1
        self.line(indent, f"{alternative}, {inner} = {var}")
        keyword = "if"
        for member in node.root_members:
            self.line(indent, f"{keyword} {alternative} == {member.name!r}:")
            self.line(indent + 1, f"out += {self.const(bytes(member.tag))}")
            member_checker = checker.name_to_member[member.name]
            self.value(member, member_checker, schema.members[member.name], inner, indent + 1, depth)
            keyword = "elif"
        # An extension alternative (open type) or an unknown one: the closure decides, writing nothing before.
        closure = self.const(self.builder.build(node, checker, schema))
        if keyword == "if":
            self.line(indent, f"{closure}({var}, out)")
        else:
            self.line(indent, "else:")
            self.line(indent + 1, f"{closure}({var}, out)")

    def array(self, node: Any, checker: Any, schema: _schema.Node, var: str, indent: int, depth: int) -> None:
        minimum, maximum = _closures._bounds(checker)
        indent = self._not_of_type("list", var, schema, indent)
        count = self.fresh("n")
        self.line(indent, f"{count} = len({var})")
        self._bounds(count, minimum, maximum, indent)
        self._unsigned(count, indent)
        element = self.fresh("e")
        self.line(indent, f"for {element} in {var}:")
        self.value(node.element_type, checker.element_type, schema.element, element, indent + 1, depth)

    def integer(self, node: Any, checker: Any, var: str, indent: int) -> bool:
        minimum, maximum = _closures._bounds(checker)
        fixed_width = node.length and minimum is not None and maximum is not None
        if node.has_extension_marker or not (fixed_width or (not node.length and not node.signed)):
            return False  # the closure: a signed variable-length or half-bounded fixed INTEGER, or extensible (bail)
        self.line(indent, f"if type({var}) is not int:")
        self.line(indent + 1, f"{var} = _plain_int({var})")
        self._bounds(var, minimum, maximum, indent)
        if fixed_width:
            self.line(indent, f"out += {var}.to_bytes({node.length}, 'big', signed={bool(node.signed)})")
            return True
        if minimum is None or minimum < 0:  # an unsigned length-prefixed INTEGER (X.696 10.4): no negative value
            self._bounds(var, 0, None, indent)
        self._unsigned(var, indent)
        return True

    def _unsigned(self, var: str, indent: int) -> None:
        # `_fast_encode._unsigned` for a value known not to be negative, the one-octet case written out.
        self.line(indent, f"if {var} < 256:")
        self.line(indent + 1, "out.append(1)")
        self.line(indent + 1, f"out.append({var})")
        self.line(indent, "else:")
        self.line(indent + 1, f"_unsigned({var}, out)")

    def enumerated(self, node: Any, checker: Any, var: str, indent: int) -> bool:
        numbers = self.const({name: number for name, number in node.data_to_value.items() if 0 <= number <= 127})
        number = self.fresh("n")
        self.line(indent, f"{number} = {numbers}.get({var}) if type({var}) is str else None")
        self.line(indent, f"if {number} is None:")
        self.line(indent + 1, "raise _BAIL")
        self.line(indent, f"out.append({number})")
        return True

    def octets(self, node: Any, checker: Any, var: str, indent: int) -> bool:
        minimum, maximum = _closures._bounds(checker)
        fixed = node.number_of_bytes
        if fixed is not None and (
            (minimum is not None and fixed < minimum) or (maximum is not None and fixed > maximum)
        ):
            return False  # every value bails: the closure says so
        self.line(indent, f"if type({var}) is not bytes and not isinstance({var}, _BYTES_LIKE):")
        self.line(indent + 1, "raise _BAIL")
        if fixed is not None:
            self.line(indent, f"if len({var}) != {fixed}:")
            self.line(indent + 1, "raise _BAIL")
        else:
            size = self.fresh("n")
            self.line(indent, f"{size} = len({var})")
            self._bounds(size, minimum, maximum, indent)
            self.line(indent, f"if {size} < 128:")
            self.line(indent + 1, f"out.append({size})")
            self.line(indent, "else:")
            self.line(indent + 1, f"length_determinant({size}, out)")
        self.line(indent, f"out += {var}")
        return True

    def null(self, node: Any, checker: Any, var: str, indent: int) -> bool:
        self.line(indent, f"if {var} is not None:")
        self.line(indent + 1, "raise _BAIL")
        return True

    def _bounds(self, var: str, minimum: int | None, maximum: int | None, indent: int) -> None:
        tests = [f"{var} < {minimum}"] if minimum is not None else []
        tests += [f"{var} > {maximum}"] if maximum is not None else []
        if tests:
            self.line(indent, f"if {' or '.join(tests)}:")
            self.line(indent + 1, "raise _BAIL")
