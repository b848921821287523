"""No list of a CTL names a certificate twice (1609.2.1 clause 8: each list is a set of certificates; a repeated
elector would make the quorum look larger than the set of distinct electors)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from scms.dot2.errors import ErrorCode
from scms.dot2.lint.framework import Rule
from scms.protocol.ctl_contents import TbsCtl

__all__ = ["RULE"]


def check(tbs: TbsCtl) -> Iterator[str]:
    lists: tuple[tuple[str, Sequence[bytes]], ...] = (
        ("electorApprove", tbs.elector_approve),
        ("electorRemove", tbs.elector_remove),
        ("rootCaApprove", tbs.root_ca_approve),
        ("rootCaRemove", tbs.root_ca_remove),
    )
    for name, ids in lists:
        if len(set(ids)) != len(ids):
            yield f"{name} lists a certificate more than once"


RULE = Rule("ctl_lists_unique", "1609.2.1 8", check, code=ErrorCode.FAILED_CHAIN_VERIFICATION)
