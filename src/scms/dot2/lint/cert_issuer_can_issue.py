"""The issuer holds certIssuePermissions (1609.2 §5.1.2.1: a CA certificate is one that may issue certificates).

A certificate without certIssuePermissions (an end-entity certificate) cannot issue another certificate.
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def check(ctx: CertificateLintContext) -> Iterator[str]:
    if ctx.issuer is not None and not ctx.issuer.cert_issue_permissions:
        yield f"issuer {ctx.issuer.hashed_id8()} has no certIssuePermissions"


RULE = Rule("cert_issuer_can_issue", "1609.2 5.1.2.1", check, reads=frozenset())
