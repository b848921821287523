"""`Encoded`: a component handed to `encode` as its finished COER encoding, written as is.

A certificate inside an `AcaEeCertResponse`, the encrypted data inside a signed SPDU, the `tbsData` that was just
hashed for the signature: each already exists as bytes, and COER places a component's encoding unchanged inside
its container (X.696 clause 8: no component's encoding depends on where it sits). So instead of decoding those
bytes and encoding the value again, the builder passes `Encoded(type_name, data)` where the value would go.

The type is checked against the declared type of the position (`Encoded("Certificate", ...)` only where a
`Certificate` goes, `SecuredCrl` also where an `Ieee1609Dot2Data` goes, as it is one); the bytes are not decoded.
Whoever creates an `Encoded` vouches that `data` is one canonical encoding of `type_name`: bytes that `encode`
produced or that `decode` accepted, never bytes straight from the network.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Encoded"]


@dataclass(frozen=True, slots=True)
class Encoded:
    """The COER `data` of a value of the ASN.1 type `type_name` (plain name, e.g. "Certificate")."""

    type_name: str
    data: bytes

    def __repr__(self) -> str:
        return f"Encoded({self.type_name!r}, {len(self.data)} bytes)"
