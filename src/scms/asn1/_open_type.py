"""Open types (components typed by an information object class field) for asn1tools' OER codec.

asn1tools 0.169 parses information object classes but cannot compile a component typed `CLASS.&Field` when
`&Field` is a type field ("Type 'OpenType' not found"). X.696 (OER) encodes every open type the same way, as a
length determinant followed by the COER of the value (clause 30); that is exactly an OCTET STRING. So before
compiling we rewrite each such component to OCTET STRING, and an open-type value is the inner encoding, as `bytes`,
on both encode and decode. Which type the octets hold is chosen by a sibling id through an object set; the tables
in `layer_table.OpenTypeField` record that, and `scms.asn1.layers` uses them.

Value fields (`CLASS.&id`, lower case) are left to asn1tools, which resolves them to the field's declared type.
"""

from __future__ import annotations

from typing import Any

__all__: list[str] = []


def is_type_field_reference(type_name: str) -> bool:
    """`EXT-TYPE.&ExtContent` is a type field (open type); `EXT-TYPE.&extId` is a value field."""
    _, amp, field = type_name.partition(".&")
    return bool(amp) and field[:1].isupper()


def rewrite_open_types(parsed: dict[str, Any]) -> list[tuple[str, str]]:
    """Rewrite, in place, every type-field reference in the parsed modules to OCTET STRING.

    Returns the (module, type) pairs that held at least one, for tests and documentation.
    """
    touched: list[tuple[str, str]] = []
    for module_name, module in parsed.items():
        for type_name, descriptor in module.get("types", {}).items():
            if _rewrite(descriptor):
                touched.append((module_name, type_name))
    return touched


def _rewrite(node: Any) -> bool:
    found = False
    if isinstance(node, dict):
        kind = node.get("type")
        if isinstance(kind, str) and is_type_field_reference(kind):
            node["type"] = "OCTET STRING"
            node["open-type"] = kind
            found = True
        for value in node.values():
            found = _rewrite(value) or found
    elif isinstance(node, list):
        for item in node:
            found = _rewrite(item) or found
    return found
