"""certIssuePermissions lie within the issuer's (1609.2 §5.1.2.4, §6.4.34 chain length and eeType).

See `scms.dot2.permission_consistency` for the rule (PSIDs and SSP ranges, eeType, chain length shifted by one).
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule
from scms.dot2.permission_consistency import issue_permissions_violation

__all__ = ["RULE"]


def check(ctx: CertificateLintContext) -> Iterator[str]:
    if ctx.issuer is None:
        return
    problem = issue_permissions_violation(ctx.template.cert_issue_permissions, ctx.issuer.cert_issue_permissions)
    if problem:
        yield problem


RULE = Rule(
    "cert_issue_permissions_within_issuer", "1609.2 5.1.2.4", check, reads=frozenset({"cert_issue_permissions"})
)
