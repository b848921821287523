"""Lint before sign for the 1609.2.1 certificate-management objects (style-examples item 11).

`lint_tbs_ctl(tbs) -> warnings` runs `CTL_RULES` (one module each, `ctl_*.py`, each citing its clause) and raises
`LintError` (an `Ieee1609Error`) on any error; `CTL_RECEIPT_RULES` is the subset that is a rule of the standard
rather than of our profile, which the CTL verifier applies to every CTL it receives. The framework (`Rule`,
`Finding`, `LintError`, `run_rules`) is `scms.dot2.lint.framework`.
"""

from scms.protocol.lint.ctl import CTL_RECEIPT_RULES, CTL_RULES, lint_tbs_ctl

__all__ = ["CTL_RECEIPT_RULES", "CTL_RULES", "lint_tbs_ctl"]
