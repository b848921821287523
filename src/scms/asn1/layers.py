"""Nested layers: decode an SPDU together with the encodings carried inside it, and encode such a value back.

`decode_deep(type_name, data)` decodes `data` strictly, then, wherever a component is declared with a type listed
in the layer tables (`spdu_layers_dot2`, `spdu_layers_dot2dot1`, format in `layer_table`), replaces the opaque
octets by a marker `{"$type": <inner type>, "value": <inner value>}` and goes on inside the inner value. It stops
at encrypted data. Open types whose selecting id is listed are opened the same way. `encode_deep` is the reverse:
markers are encoded (innermost first) and the octets put back, so `encode_deep(t, decode_deep(t, b)) == b`.

A `CodecError` raised for an inner layer names the inner type; its offset is relative to the inner octets and its
reason says which layer it was found in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scms.asn1 import _schema, spdu_layers_dot2, spdu_layers_dot2dot1
from scms.asn1.codec import decode, encode, qualified_name
from scms.asn1.errors import CodecError
from scms.asn1.json_form import is_marker
from scms.asn1.layer_table import Layer, OpenTypeField

__all__ = ["MAX_LAYERS", "decode_deep", "encode_deep", "layer_for", "open_type_for"]

MAX_LAYERS = 16
"""Nested layers opened in one value; each layer is a new decode, so this bounds the work per input."""

_LAYERS: dict[str, Layer] = {layer.spdu: layer for layer in spdu_layers_dot2.LAYERS + spdu_layers_dot2dot1.LAYERS}
_OPEN: dict[str, list[OpenTypeField]] = {}
for _field in spdu_layers_dot2.OPEN_TYPE_FIELDS + spdu_layers_dot2dot1.OPEN_TYPE_FIELDS:
    _OPEN.setdefault(_field.container, []).append(_field)


def layer_for(type_name: str) -> Layer | None:
    """The layer entry of an SPDU type name, or None."""
    return _LAYERS.get(type_name)


def open_type_for(container: str, path: tuple[str, ...], selector_value: int) -> str | None:
    """The ASN.1 type that the open type at `path` in `container` holds when the selector is `selector_value`."""
    for entry in _OPEN.get(container, []):
        if entry.path == path:
            return entry.types.get(selector_value)
    return None


def decode_deep(type_name: str, data: bytes) -> Any:
    """Decode `data` as `type_name` and every listed inner layer (see the module docstring)."""
    value = decode(type_name, data)
    return _Opener().walk(_schema.node(qualified_name(type_name)), value)


class _Opener:
    def __init__(self) -> None:
        self.opened = 0

    def walk(self, node: _schema.Node, value: Any) -> Any:
        kind = node.kind
        if kind == "sequence":
            value = {name: self.walk(node.members[name], item) for name, item in value.items()}
        elif kind == "choice":
            value = (value[0], self.walk(node.members[value[0]], value[1]))
        elif kind == "list":
            value = [self.walk(node.element, item) for item in value]
        for name in node.names:
            if name in _LAYERS:
                value = self.open_layer(_LAYERS[name], value)
            for entry in _OPEN.get(name, []):
                value = self.open_field(entry, value)
        return value

    def open_inner(self, inner: str, octets: bytes, where: str) -> dict[str, Any]:
        self.opened += 1
        if self.opened > MAX_LAYERS:
            raise CodecError(inner, 0, f"more than {MAX_LAYERS} nested layers ({where})")
        try:
            value = decode(inner, octets)
        except CodecError as error:
            raise CodecError(error.type_name, error.offset, f"{error.reason} (inside {where})", error.path) from None
        return {"$type": inner, "value": self.walk(_schema.node(qualified_name(inner)), value)}

    def open_layer(self, layer: Layer, value: dict[str, Any]) -> dict[str, Any]:
        if layer.inner is None:
            _expect_content(layer, value, _ALTERNATIVE[layer.kind])
            return value
        inner = layer.inner
        return _replace_opaque(layer, value, lambda octets: self.open_inner(inner, octets, f"{layer.spdu}"))

    def open_field(self, entry: OpenTypeField, value: dict[str, Any]) -> dict[str, Any]:
        inner = entry.types.get(value.get(entry.selector, -1))
        if inner is None:
            return value
        where = f"{entry.container}.{'.'.join(entry.path)}"
        opened: dict[str, Any] = _map_path(value, entry.path, lambda octets: self.open_inner(inner, octets, where))
        return opened


_ALTERNATIVE = {
    "unsecured": "unsecuredData",
    "signed": "signedData",
    "signed-certificate-request": "signedCertificateRequest",
    "encrypted": "encryptedData",
}


def _expect_content(layer: Layer, value: Any, alternative: str) -> Any:
    found = value["content"][0]
    if found != alternative:
        raise CodecError(layer.spdu, 1, f"expected {alternative} content, found {found}", "content")
    return value["content"][1]


def _replace_opaque(layer: Layer, value: dict[str, Any], change: Callable[[Any], Any]) -> dict[str, Any]:
    content = _expect_content(layer, value, _ALTERNATIVE[layer.kind])
    if layer.kind != "signed":
        return {**value, "content": (value["content"][0], _apply(content, change))}
    data = content["tbsData"]["payload"].get("data")
    if data is None or data["content"][0] != "unsecuredData":
        raise CodecError(layer.spdu, 1, "signed payload is not an unsecuredData", "content.signedData")
    new_data = {**data, "content": ("unsecuredData", _apply(data["content"][1], change))}
    payload = {**content["tbsData"]["payload"], "data": new_data}
    signed = {**content, "tbsData": {**content["tbsData"], "payload": payload}}
    return {**value, "content": ("signedData", signed)}


def _apply(octets: Any, change: Callable[[Any], Any]) -> Any:
    return octets if is_marker(octets) else change(octets)


def _map_path(value: Any, path: tuple[str, ...], change: Callable[[Any], Any]) -> Any:
    if not path:
        return _apply(value, change)
    step, rest = path[0], path[1:]
    if step == "*":
        return [_map_path(item, rest, change) for item in value]
    if isinstance(value, tuple):  # CHOICE: only the named alternative is followed
        return (value[0], _map_path(value[1], rest, change)) if value[0] == step else value
    if step not in value:
        return value
    return {**value, step: _map_path(value[step], rest, change)}


def encode_deep(type_name: str, value: Any) -> bytes:
    """Encode a value that may hold `decode_deep` markers (each marker becomes the octets of its inner value)."""
    return encode(type_name, _close(value))


def _close(value: Any) -> Any:
    if is_marker(value):
        return encode_deep(value["$type"], value["value"])
    if isinstance(value, dict):
        return {name: _close(item) for name, item in value.items()}
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return (value[0], _close(value[1]))
    if isinstance(value, list):
        return [_close(item) for item in value]
    return value
