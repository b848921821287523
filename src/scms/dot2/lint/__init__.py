"""Lint before sign (style-examples item 11): the framework and the certificate rules.

`lint_certificate(tbs, issuer) -> LintedTbs` (scms.dot2.lint.certificate); the framework (`Rule`, `Finding`,
`LintError`, `run_rules`, `Linted`) is in scms.dot2.lint.framework. Each rule is a `cert_*.py` / `crl_*.py` module.
"""

from scms.dot2.lint.framework import Finding, Linted, LintError, Rule, Severity, run_rules

__all__ = ["Finding", "LintError", "Linted", "Rule", "Severity", "run_rules"]
