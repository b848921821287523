"""What kind of compiled asn1tools OER node a node is, for the one-walk encoder and decoder (`_fast_encode`,
`_fast_decode`), which build one closure per kind and leave every other kind to asn1tools' checked paths."""

from __future__ import annotations

from typing import Any

from asn1tools.codecs import oer as _oer

__all__: list[str] = []

_KINDS: tuple[tuple[type, str], ...] = (
    (_oer.Recursive, "recursive"),
    (_oer.MembersType, "members"),
    (_oer.Choice, "choice"),
    (_oer.ArrayType, "array"),
    (_oer.Integer, "integer"),
    (_oer.OctetString, "octets"),
    (_oer.BitString, "bits"),
    (_oer.Enumerated, "enumerated"),
    (_oer.Boolean, "boolean"),
    (_oer.Null, "null"),
)
_STRINGS = frozenset({"IA5String", "VisibleString", "PrintableString", "NumericString", "UTF8String"})


def node_kind(node: Any) -> str | None:
    """recursive, members, choice, array, integer, octets, bits, enumerated, boolean, null, string; or None."""
    for node_type, kind in _KINDS:
        if isinstance(node, node_type):
            return kind
    if isinstance(node, _oer.KnownMultiplierStringType) and type(node).__name__ in _STRINGS:
        return "string"
    return None
