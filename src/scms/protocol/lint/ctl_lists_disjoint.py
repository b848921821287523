"""No certificate is both approved and removed (1609.2.1 clause 8: electorRemove / rootCaRemove list certificates
that are valid and NOT approved as of the effective date)."""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint.framework import Rule
from scms.protocol.ctl_contents import TbsCtl

__all__ = ["RULE"]


def check(tbs: TbsCtl) -> Iterator[str]:
    for kind, approve, remove in (
        ("elector", tbs.elector_approve, tbs.elector_remove),
        ("root CA", tbs.root_ca_approve, tbs.root_ca_remove),
    ):
        for both in sorted(set(approve) & set(remove)):
            yield f"{kind} {both.hex()} is both approved and removed"


RULE = Rule("ctl_lists_disjoint", "1609.2.1 8", check, code=ErrorCode.FAILED_CHAIN_VERIFICATION)
