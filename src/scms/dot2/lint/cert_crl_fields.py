"""cracaId / crlSeries are consistent with the issuer (1609.2 §5.1.3 CRACA and CRL series). WARNING severity.

* a self-signed (root) certificate has no CRACA above it: cracaId 000000 (as on the real ISS root);
* an issued certificate names a CRACA: cracaId is not 000000, and is expected to be the issuer itself (HashedId3 of
  the issuer) or the issuer's own CRACA (real GHS pseudonym certificates carry their PCA's cracaId). Another value is
  possible (a dedicated CRACA), hence a warning, not an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from scms.dot2.certificate import Certificate
from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule, Severity

__all__ = ["RULE"]

_NO_CRACA = b"\x00\x00\x00"


def check(ctx: CertificateLintContext) -> Iterator[str]:
    craca = bytes(ctx.template.craca_id)
    if ctx.issuer is None:
        if craca != _NO_CRACA:
            yield f"self-signed certificate with cracaId {craca.hex()} (expected 000000)"
        return
    if craca == _NO_CRACA:
        yield "issued certificate with cracaId 000000: no CRL can revoke it"
    elif craca not in _expected_craca_ids(ctx.issuer):
        yield f"cracaId {craca.hex()} is neither the issuer nor the issuer's CRACA"


@lru_cache(maxsize=64)
def _expected_craca_ids(issuer: Certificate) -> tuple[bytes, bytes]:
    # Per issuer certificate, not per certificate it issues: its own HashedId3 and its own cracaId.
    return bytes(issuer.hashed_id3()), bytes(issuer.craca_id)


RULE = Rule("cert_crl_fields", "1609.2 5.1.3", check, severity=Severity.WARNING, reads=frozenset({"craca_id"}))
