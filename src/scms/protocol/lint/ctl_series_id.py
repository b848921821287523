"""ctlSeriesId is 8 octets and not all zero (1609.2.1 clause 8 `CtlSeriesId ::= OCTET STRING (SIZE(8))`; the values
are assigned by the IEEE RA, Annex K.1). All zero is our profile: an unset identifier, never an assigned one."""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint.framework import Rule
from scms.protocol.ctl_contents import TbsCtl

__all__ = ["RULE"]

SERIES_ID_LENGTH = 8


def check(tbs: TbsCtl) -> Iterator[str]:
    if len(tbs.series_id) != SERIES_ID_LENGTH:
        yield f"ctlSeriesId has {len(tbs.series_id)} octets, not {SERIES_ID_LENGTH}"
    elif not any(tbs.series_id):
        yield "ctlSeriesId is all zero (unset)"


RULE = Rule("ctl_series_id", "1609.2.1 8, K.1", check, code=ErrorCode.FAILED_CHAIN_VERIFICATION)
