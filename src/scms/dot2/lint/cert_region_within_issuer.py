"""The region lies within the issuer's (1609.2 §5.1.2.2 consistency of geographic region; §6.4.8 region note).

An absent region inherits the issuer's and an issuer without region is unrestricted (`scms.dot2.region`).
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule
from scms.dot2.region import region_within

__all__ = ["RULE"]


def check(ctx: CertificateLintContext) -> Iterator[str]:
    if ctx.issuer is not None and not region_within(ctx.template.region, ctx.issuer.region):
        yield "region not within the issuer's region"


RULE = Rule(
    "cert_region_within_issuer", "1609.2 5.1.2.2", check, ErrorCode.DISALLOWED_REGION, reads=frozenset({"region"})
)
