"""The validity period is not empty and lies within the issuer's (1609.2 §5.1.2.3 consistency of validity).

A certificate cannot be valid at a time its issuer is not.
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def check(ctx: CertificateLintContext) -> Iterator[str]:
    validity = ctx.template.validity
    if validity.count <= 0:
        yield "validityPeriod duration is zero"
    if ctx.issuer is not None and not validity.within(ctx.issuer.validity):
        outer = ctx.issuer.validity
        yield (
            f"validity {int(validity.start)}..{int(validity.end)} not within the issuer's "
            f"{int(outer.start)}..{int(outer.end)}"
        )


RULE = Rule(
    "cert_validity_within_issuer",
    "1609.2 5.1.2.3",
    check,
    ErrorCode.DISALLOWED_VALIDITY_PERIOD,
    reads=frozenset({"validity"}),
)
