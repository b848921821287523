"""certRequestPermissions lie within the issuer's certIssuePermissions with eeType enrol (1609.2 §5.1.2.4, §6.4.34).

See `scms.dot2.permission_consistency` for the rule (the subject ends the chain as an enrollment certificate).
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule
from scms.dot2.permission_consistency import request_permissions_violation

__all__ = ["RULE"]


def check(ctx: CertificateLintContext) -> Iterator[str]:
    if ctx.issuer is None:
        return
    problem = request_permissions_violation(ctx.template.cert_request_permissions, ctx.issuer.cert_issue_permissions)
    if problem:
        yield problem


RULE = Rule(
    "cert_request_permissions_within_issuer",
    "1609.2 5.1.2.4",
    check,
    ErrorCode.DISALLOWED_CERT_REQUEST_PERMISSIONS,
    reads=frozenset({"cert_request_permissions"}),
)
