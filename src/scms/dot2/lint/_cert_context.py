"""What a certificate lint rule sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms.dot2.certificate import Certificate
from scms.dot2.certificate_template import CertificateTemplate

__all__ = ["CertificateLintContext"]


@dataclass(frozen=True, slots=True)
class CertificateLintContext:
    """`template`: the typed tbs; `tbs`: the exact value to be signed; `issuer`: None when self-signed."""

    template: CertificateTemplate
    tbs: dict[str, Any]
    issuer: Certificate | None
