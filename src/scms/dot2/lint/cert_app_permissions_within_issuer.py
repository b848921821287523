"""appPermissions lie within the issuer's certIssuePermissions (1609.2 §5.1.2.4, PsidSsp / SSP consistency notes).

See `scms.dot2.permission_consistency` for the rule (PSID, SSP range, eeType app, chain length 1).
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule
from scms.dot2.permission_consistency import app_permissions_violation

__all__ = ["RULE"]


def check(ctx: CertificateLintContext) -> Iterator[str]:
    if ctx.issuer is None:
        return
    problem = app_permissions_violation(ctx.template.app_permissions, ctx.issuer.cert_issue_permissions)
    if problem:
        yield problem


RULE = Rule(
    "cert_app_permissions_within_issuer",
    "1609.2 5.1.2.4",
    check,
    ErrorCode.DISALLOWED_APP_PERMISSIONS,
    reads=frozenset({"app_permissions"}),
)
