"""The signer's CrlSsp (psid 256) covers the CRL: associatedCraca and crlSeries (1609.2 clause 7.4, CrlSsp).

One implementation of the rule, `scms.dot2.crl_authority.check_crl_authority`, shared with `verify_crl`.
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.crl_authority import check_crl_authority
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.lint._crl_context import CrlLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def check(ctx: CrlLintContext) -> Iterator[str]:
    try:
        check_crl_authority(ctx.signer, ctx.contents.craca, ctx.contents.series)
    except Ieee1609Error as refused:
        yield refused.detail


RULE = Rule("crl_signer_ssp", "1609.2 7.4", check, code=ErrorCode.FAILED_CHAIN_VERIFICATION)
