"""What a CRL lint rule sees: the contents to be signed (or received), the signer, and the CRACA if named."""

from __future__ import annotations

from dataclasses import dataclass

from scms.dot2.certificate import Certificate
from scms.dot2.crl_contents import CrlContents

__all__ = ["CrlLintContext"]


@dataclass(frozen=True, slots=True)
class CrlLintContext:
    """`craca`: the CRACA certificate the caller names (None: the signer, or unknown on receipt)."""

    contents: CrlContents
    signer: Certificate
    craca: Certificate | None = None
