"""nextCrl is strictly after issueDate, or the CRL is invalid (1609.2 clause 7.3, `CrlContents`; notes §8)."""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.lint._crl_context import CrlLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def check(ctx: CrlLintContext) -> Iterator[str]:
    issue, following = ctx.contents.issue_date, ctx.contents.next_crl
    if following <= issue:
        yield f"nextCrl {int(following)} is not after issueDate {int(issue)}"


RULE = Rule("crl_next_after_issue", "1609.2 7.3", check)
