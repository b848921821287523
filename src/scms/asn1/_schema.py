"""A small, lazily resolved view of our ASN.1 types, read from the parsed modules.

asn1tools' compiled nodes are shared between types and do not remember which declared type a value was written
as (`SecuredCrl` and `Ieee1609Dot2Data` compile to the same node), so the JSON mapping and the nested-layer
decoder walk this view instead: every node knows its kind, its components, and the chain of declared type names
it was reached through (`("SecuredCrl", "Ieee1609Dot2Data")`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scms.asn1._compile import compiled

__all__: list[str] = []

_STRINGS = {
    "UTF8String",
    "IA5String",
    "PrintableString",
    "VisibleString",
    "NumericString",
    "GeneralString",
    "BMPString",
    "GraphicString",
    "UniversalString",
    "TeletexString",
    "ObjectDescriptor",
}
_KINDS = {
    "SEQUENCE": "sequence",
    "SET": "sequence",
    "CHOICE": "choice",
    "SEQUENCE OF": "list",
    "SET OF": "list",
    "INTEGER": "integer",
    "BOOLEAN": "boolean",
    "NULL": "null",
    "OCTET STRING": "octets",
    "BIT STRING": "bits",
    "ENUMERATED": "enumerated",
    "OBJECT IDENTIFIER": "oid",
    "REAL": "real",
}


@dataclass(eq=False)
class Node:
    kind: str
    """sequence, choice, list, integer, boolean, null, octets, bits, enumerated, oid, real or string."""
    names: tuple[str, ...]
    """Declared type names this node was reached through, outermost first (empty for a built-in type)."""
    _descriptor: dict[str, Any] = field(repr=False)
    _module: str = field(repr=False)
    _members: dict[str, Node] | None = field(default=None, repr=False)
    _element: Node | None = field(default=None, repr=False)

    @property
    def members(self) -> dict[str, Node]:
        """Components of a SEQUENCE/SET or alternatives of a CHOICE, by name."""
        if self._members is None:
            self._members = {}
            for member in _flatten(self._descriptor.get("members", [])):
                self._members[member["name"]] = _resolve(member, self._module, ())
        return self._members

    @property
    def element(self) -> Node:
        """Element type of a SEQUENCE OF / SET OF."""
        if self._element is None:
            self._element = _resolve(self._descriptor["element"], self._module, ())
        return self._element


_cache: dict[tuple[str, str], Node] = {}


def node(qualified_name: str) -> Node:
    """The node of a `Module.Type` name."""
    module, _, type_name = qualified_name.partition(".")
    return _user_type(type_name, module, ())


def _flatten(members: list[Any]) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    for member in members:
        if isinstance(member, list):  # extension addition group [[ ... ]]
            flat.extend(_flatten(member))
        elif isinstance(member, dict):  # None stands for the extension marker
            flat.append(member)
    return flat


def _resolve(descriptor: dict[str, Any], module: str, names: tuple[str, ...]) -> Node:
    module = descriptor.get("module-name", module)
    kind_name = descriptor["type"]
    if kind_name in _KINDS or kind_name in _STRINGS:
        return Node(_KINDS.get(kind_name, "string"), names, descriptor, module)
    if ".&" in kind_name:  # value field of an information object class: its declared type
        class_name, _, field_name = kind_name.partition(".&")
        class_descriptor, class_module = _lookup("object-classes", class_name, module)
        for member in class_descriptor["members"]:
            if member["name"] == "&" + field_name:
                return _resolve(member, class_module, names)
        raise KeyError(kind_name)
    return _user_type(kind_name, module, names)


def _user_type(type_name: str, module: str, names: tuple[str, ...]) -> Node:
    descriptor, home = _lookup("types", type_name, module)
    key = (home, type_name)
    base = _cache.get(key)
    if base is None:
        base = _resolve(descriptor, home, (type_name,))
        _cache[key] = base
    if not names:
        return base
    return Node(base.kind, names + base.names, base._descriptor, base._module)


def _lookup(section: str, name: str, module: str) -> tuple[dict[str, Any], str]:
    parsed = compiled().parsed
    found = parsed[module].get(section, {}).get(name)
    if found is not None:
        return found, module
    for source, imported in parsed[module].get("imports", {}).items():
        if name in imported:
            return _lookup(section, name, source)
    raise KeyError(f"{name} not found from module {module}")
