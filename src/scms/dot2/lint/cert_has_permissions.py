"""A certificate carries at least one of appPermissions, certIssuePermissions, certRequestPermissions.

1609.2 §6.4.8: the WITH COMPONENTS constraint on ToBeSignedCertificate (the encoder does not enforce it).
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def check(ctx: CertificateLintContext) -> Iterator[str]:
    t = ctx.template
    if not (t.app_permissions or t.cert_issue_permissions or t.cert_request_permissions):
        yield "none of appPermissions, certIssuePermissions, certRequestPermissions is present"


RULE = Rule(
    "cert_has_permissions",
    "1609.2 6.4.8",
    check,
    reads=frozenset({"app_permissions", "cert_issue_permissions", "cert_request_permissions"}),
)
