"""quorum, when present, is at least 1 and at most the number of approved electors (1609.2.1 clause 8
`FullIeeeTbsCtl.quorum`: the electors of this CTL sign the next one, so a larger quorum could never be met)."""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint.framework import Rule
from scms.protocol.ctl_contents import TbsCtl

__all__ = ["RULE"]


def check(tbs: TbsCtl) -> Iterator[str]:
    if tbs.quorum is None:
        return
    approved = len(set(tbs.elector_approve))
    if tbs.quorum < 1:
        yield f"quorum {tbs.quorum} is less than 1"
    elif tbs.quorum > approved:
        yield f"quorum {tbs.quorum} exceeds the {approved} approved electors"


RULE = Rule("ctl_quorum_range", "1609.2.1 8", check, code=ErrorCode.FAILED_CHAIN_VERIFICATION)
