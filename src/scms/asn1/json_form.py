"""Values <-> JSON, driven by the ASN.1 type (the form `scms asn1 decode/encode` prints and reads).

| ASN.1 | value (scms.asn1) | JSON |
|---|---|---|
| SEQUENCE / SET | dict | object, same keys |
| CHOICE | (alternative, value) | object with one key: `{"alternative": value}` (as in JER, X.697) |
| SEQUENCE OF | list | array |
| OCTET STRING, open type | bytes | lower-case hex string |
| nested layer (decode_deep) | {"$type": T, "value": v} | `{"$type": T, "value": <JSON of v as T>}` |
| BIT STRING | (bytes, number of bits) | `{"value": hex, "length": number of bits}` (as in JER) |
| INTEGER, BOOLEAN, NULL, REAL | int, bool, None, float | number, true/false, null, number |
| ENUMERATED, character strings, OBJECT IDENTIFIER | str | string |

`from_json(to_json(t, v))` gives `v` back; errors are `EncodeError` naming the component path.
"""

from __future__ import annotations

from typing import Any

from scms.asn1 import _schema
from scms.asn1.codec import encode, qualified_name
from scms.asn1.errors import CodecError, EncodeError

__all__ = ["from_json", "to_json"]

MARKER_KEYS = frozenset({"$type", "value"})


def is_marker(value: object) -> bool:
    return isinstance(value, dict) and value.keys() == MARKER_KEYS


def to_json(type_name: str, value: Any) -> Any:
    """The JSON form of `value` (a value of `type_name`, possibly with decode_deep markers)."""
    try:
        return _to(_schema.node(qualified_name(type_name)), value)
    except CodecError:
        raise
    except Exception as error:
        raise EncodeError(type_name, f"not a value of this type ({type(error).__name__}: {error})") from None


def from_json(type_name: str, data: Any) -> Any:
    """The value whose JSON form is `data` (markers are encoded to their octets)."""
    return _Reader(type_name).read(_schema.node(qualified_name(type_name)), data, type_name)


def _to(node: _schema.Node, value: Any) -> Any:
    kind = node.kind
    if kind == "sequence":
        return {name: _to(node.members[name], item) for name, item in value.items()}
    if kind == "choice":
        alternative, item = value
        return {alternative: _to(node.members[alternative], item)}
    if kind == "list":
        return [_to(node.element, item) for item in value]
    if kind == "octets":
        if is_marker(value):
            inner = value["$type"]
            return {"$type": inner, "value": _to(_schema.node(qualified_name(inner)), value["value"])}
        return bytes(value).hex()
    if kind == "bits":
        data, length = value
        return {"value": bytes(data).hex(), "length": length}
    return value


class _Reader:
    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def fail(self, path: str, reason: str) -> EncodeError:
        return EncodeError(self.type_name, reason, path)

    def read(self, node: _schema.Node, data: Any, path: str) -> Any:
        reader = getattr(self, "_" + node.kind, None)
        if reader is None:
            return data  # integer, boolean, null, enumerated, string, oid, real: the codec checks them
        return reader(node, data, path)

    def _sequence(self, node: _schema.Node, data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(path, "expected a JSON object")
        unknown = data.keys() - node.members.keys()
        if unknown:
            raise self.fail(path, f"no component named {', '.join(sorted(unknown))}")
        return {name: self.read(node.members[name], item, f"{path}.{name}") for name, item in data.items()}

    def _choice(self, node: _schema.Node, data: Any, path: str) -> tuple[str, Any]:
        if not (isinstance(data, dict) and len(data) == 1):
            raise self.fail(path, "expected an object with exactly one key (the CHOICE alternative)")
        ((alternative, item),) = data.items()
        if alternative not in node.members:
            raise self.fail(path, f"no alternative named {alternative}")
        return (alternative, self.read(node.members[alternative], item, f"{path}.{alternative}"))

    def _list(self, node: _schema.Node, data: Any, path: str) -> list[Any]:
        if not isinstance(data, list):
            raise self.fail(path, "expected a JSON array")
        return [self.read(node.element, item, f"{path}[{index}]") for index, item in enumerate(data)]

    def _octets(self, node: _schema.Node, data: Any, path: str) -> bytes:
        if is_marker(data):
            inner = data["$type"]
            if not isinstance(inner, str):
                raise self.fail(path, "$type must be a type name")
            return encode(inner, from_json(inner, data["value"]))
        return self._hex(data, path)

    def _bits(self, node: _schema.Node, data: Any, path: str) -> tuple[bytes, int]:
        if not (isinstance(data, dict) and data.keys() == {"value", "length"}):
            raise self.fail(path, 'expected {"value": hex, "length": number of bits}')
        length = data["length"]
        if not isinstance(length, int) or isinstance(length, bool) or length < 0:
            raise self.fail(path, "length must be a non-negative integer")
        return (self._hex(data["value"], path), length)

    def _hex(self, data: Any, path: str) -> bytes:
        if not isinstance(data, str):
            raise self.fail(path, "expected a hex string")
        try:
            return bytes.fromhex(data)
        except ValueError:
            raise self.fail(path, "not a hex string") from None
