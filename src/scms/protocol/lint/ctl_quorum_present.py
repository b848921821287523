"""quorum is present in every CTL we sign (1609.2.1-2022 clause 8 added it after the extension marker; only a
generator predating it may leave it out, and then the previous quorum carries over)."""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint.framework import Rule
from scms.protocol.ctl_contents import TbsCtl

__all__ = ["RULE"]


def check(tbs: TbsCtl) -> Iterator[str]:
    if tbs.quorum is None:
        yield "quorum is absent"


RULE = Rule("ctl_quorum_present", "1609.2.1 8", check, code=ErrorCode.FAILED_CHAIN_VERIFICATION)
