"""sequenceNumber is a `CtlSequenceNumber`, 0..65535 (1609.2.1 clause 8; the standard gives no meaning to a
wrap-around, so the series ends at 65535)."""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint.framework import Rule
from scms.protocol.ctl_contents import TbsCtl

__all__ = ["MAX_SEQUENCE_NUMBER", "RULE"]

MAX_SEQUENCE_NUMBER = 65535


def check(tbs: TbsCtl) -> Iterator[str]:
    if not 0 <= tbs.sequence_number <= MAX_SEQUENCE_NUMBER:
        yield f"sequenceNumber {tbs.sequence_number} outside 0..{MAX_SEQUENCE_NUMBER}"


RULE = Rule("ctl_sequence_number", "1609.2.1 8", check, code=ErrorCode.FAILED_CHAIN_VERIFICATION)
