"""The declarative format of the nested-layer tables that `scms.asn1.layers.decode_deep` reads.

Many IEEE 1609.2 / 1609.2.1 structures carry another encoding inside octets: an SPDU's `unsecuredData`, the
`unsecuredData` inside a signed payload, the `signedCertificateRequest` Opaque, or an open type (an information
object class field, encoded as a length-prefixed octet string) whose type a sibling id selects. Two tables say what
those octets hold:

* `Layer`: for an SPDU type (an `Ieee1609Dot2Data` subtype named by the standard), where its opaque content sits
  (`kind`) and which ASN.1 type the octets hold (`inner`).
* `OpenTypeField`: for a structure with an open-type component, which member selects the content type and which
  ASN.1 type each id value stands for.

The 1609.2 entries are in `scms.asn1.spdu_layers_dot2`, the 1609.2.1 ones in `scms.asn1.spdu_layers_dot2dot1`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = ["ContentKind", "Layer", "OpenTypeField"]

# Where the inner octets of an SPDU are (IEEE 1609.2 clause 6.3):
#   unsecured                   content.unsecuredData
#   signed                      content.signedData.tbsData.payload.data.content.unsecuredData
#   signed-certificate-request  content.signedCertificateRequest
#   encrypted                   content.encryptedData (ciphertext: deep decoding stops here)
ContentKind = Literal["unsecured", "signed", "signed-certificate-request", "encrypted"]


@dataclass(frozen=True)
class Layer:
    """One SPDU type: the content kind its `Ieee1609Dot2Data` must have and the type its opaque octets hold."""

    spdu: str
    """ASN.1 name of the SPDU type, e.g. `SecuredCrl` (`Module.Type` when the plain name is ambiguous)."""
    kind: ContentKind
    inner: str | None
    """ASN.1 type encoded in the opaque octets; None when they are not decoded (encrypted)."""


@dataclass(frozen=True)
class OpenTypeField:
    """An open-type component whose content type is selected by an id in the same structure."""

    container: str
    """ASN.1 type that holds the open type, e.g. `AppExtension`."""
    path: tuple[str, ...]
    """Member names from the container to the open-type octets. A CHOICE is crossed by naming the alternative,
    a SEQUENCE OF is crossed by `*` (every element), e.g. `("permissions", "specific")` or `("extns", "*")`."""
    selector: str
    """Member of the container holding the id (an INTEGER)."""
    types: Mapping[int, str]
    """id value -> ASN.1 type of the content; an id not listed leaves the octets as they are."""
