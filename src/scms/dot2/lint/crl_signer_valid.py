"""The signer certificate is valid at the CRL's issueDate (our profile of 1609.2 clause 7.4; 5.1.2 validity).

A SecuredCrl carries no generationTime: issueDate is the only moment it states, so that is when the signer must
hold a valid certificate. A CRL issued outside the signer's validity is refused before signing and on receipt.
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint._crl_context import CrlLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def check(ctx: CrlLintContext) -> Iterator[str]:
    issue = ctx.contents.issue_date
    if not ctx.signer.valid_at(issue):
        validity = ctx.signer.validity
        yield f"{ctx.signer} is not valid at issueDate {int(issue)} (valid {int(validity.start)}..{int(validity.end)})"


RULE = Rule("crl_signer_valid", "1609.2 7.4", check, code=ErrorCode.FAILED_CHAIN_VERIFICATION)
