"""An implicit certificate is issued by another certificate holding a 256-bit key (1609.2 §5.3.2, §6.4.3).

ECQV needs the issuer's certificate in the hash and the issuer's key to reconstruct the public key, so an implicit
certificate cannot be self-signed; the reconstruction value is an EccP256CurvePoint, so the issuer's key must be on
a 256-bit curve (and the issuer explicit: we reconstruct from an issuer key we can read, see the chain rules).
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def check(ctx: CertificateLintContext) -> Iterator[str]:
    if not ctx.template.is_implicit:
        return
    if ctx.issuer is None:
        yield "an implicit certificate cannot be self-signed"
        return
    key = ctx.issuer.verification_key
    if key is None:
        yield "the issuer of an implicit certificate must be an explicit certificate"
    elif key.curve.size != 32:
        yield f"ECQV needs a 256-bit issuer key, the issuer's is {key.curve.name}"


RULE = Rule(
    "cert_implicit_issuer",
    "1609.2 5.3.2",
    check,
    ErrorCode.DISALLOWED_CERTIFICATE_TYPE,
    reads=frozenset({"is_implicit"}),
)
