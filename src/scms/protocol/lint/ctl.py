"""Lint of a `FullIeeeTbsCtl` before an elector signs it, and on receipt (1609.2.1 clause 8; validity conditions of
clause 10.2 as far as the ASN.1 comments give them)."""

from __future__ import annotations

from scms.dot2.lint.framework import Finding, Rule, run_rules
from scms.protocol.ctl_contents import TbsCtl
from scms.protocol.lint import (
    ctl_lists_disjoint,
    ctl_lists_unique,
    ctl_quorum_present,
    ctl_quorum_range,
    ctl_sequence_number,
    ctl_series_id,
)

__all__ = ["CTL_RECEIPT_RULES", "CTL_RULES", "lint_tbs_ctl"]

CTL_RECEIPT_RULES: tuple[Rule[TbsCtl], ...] = (
    ctl_sequence_number.RULE,
    ctl_quorum_range.RULE,
    ctl_lists_disjoint.RULE,
    ctl_lists_unique.RULE,
)

CTL_RULES: tuple[Rule[TbsCtl], ...] = (
    ctl_series_id.RULE,
    *CTL_RECEIPT_RULES,
    ctl_quorum_present.RULE,
)


def lint_tbs_ctl(tbs: TbsCtl, rules: tuple[Rule[TbsCtl], ...] = CTL_RULES) -> tuple[Finding, ...]:
    """Run `rules` over `tbs`; raises `LintError` naming every violation, returns the warnings."""
    return run_rules(rules, tbs)
