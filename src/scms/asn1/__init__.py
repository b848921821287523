"""COER codec for the IEEE 1609.2-2022 and 1609.2.1-2022 types: the only package that knows the ASN.1 library.

See docs/api-asn1.md for the value conventions and examples.
"""

from scms.asn1.codec import (
    MAX_INPUT_BYTES,
    MAX_NESTING,
    decode,
    decode_prefix,
    encode,
    qualified_name,
    type_names,
)
from scms.asn1.encoded import Encoded
from scms.asn1.errors import CodecError, EncodeError
from scms.asn1.layers import decode_deep, encode_deep

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_NESTING",
    "CodecError",
    "EncodeError",
    "Encoded",
    "decode",
    "decode_deep",
    "decode_prefix",
    "encode",
    "encode_deep",
    "qualified_name",
    "type_names",
]
