"""Lint of a CRL before it is signed: `lint_crl(contents, signer, craca=None) -> LintedCrl`.

`scms.dot2.crl_signing.sign_crl` accepts only a `LintedCrl`, which only this function builds. `CRL_RULES` lists the
rules in the order they run (one module each, `crl_*.py`, each citing its clause). `CRL_RECEIPT_RULES` is the subset
that is a rule of the standard rather than of our profile: `verify_crl` applies it to received CRLs, so the signer
and the verifier share one implementation of each rule.
"""

from __future__ import annotations

from scms.dot2.certificate import Certificate
from scms.dot2.crl_contents import CrlContents
from scms.dot2.lint import (
    crl_craca_matches,
    crl_entries_sorted,
    crl_next_after_issue,
    crl_signer_ssp,
    crl_signer_valid,
    crl_version,
)
from scms.dot2.lint._crl_context import CrlLintContext
from scms.dot2.lint._token import LINTER_TOKEN
from scms.dot2.lint.framework import Finding, Linted, Rule, run_rules

__all__ = ["CRL_RECEIPT_RULES", "CRL_RULES", "CrlLintContext", "LintedCrl", "lint_crl"]

CRL_RECEIPT_RULES: tuple[Rule[CrlLintContext], ...] = (
    crl_version.RULE,
    crl_next_after_issue.RULE,
    crl_signer_ssp.RULE,
    crl_signer_valid.RULE,
)

CRL_RULES: tuple[Rule[CrlLintContext], ...] = (
    *CRL_RECEIPT_RULES,
    crl_craca_matches.RULE,
    crl_entries_sorted.RULE,
)


class LintedCrl(Linted):
    """CRL contents that passed `CRL_RULES` for `signer` (and the named CRACA). Read-only."""

    def __init__(self, token: object, context: CrlLintContext, warnings: tuple[Finding, ...] = ()) -> None:
        super().__init__(token, warnings)
        self._context = context

    @property
    def contents(self) -> CrlContents:
        return self._context.contents

    @property
    def signer(self) -> Certificate:
        return self._context.signer

    def __repr__(self) -> str:
        return f"LintedCrl({self.contents!r}, signer={self.signer!r}, warnings={len(self.warnings)})"


def lint_crl(contents: CrlContents, signer: Certificate, craca: Certificate | None = None) -> LintedCrl:
    """Run every CRL rule; raises `LintError` (an Ieee1609Error naming each violation) on any error.

    `signer` is the certificate that will sign (the CRACA, or a CRL signer whose CrlSsp says issuerIsCraca);
    `craca` is the CRACA certificate when it is not the signer.
    """
    context = CrlLintContext(contents, signer, craca)
    warnings = run_rules(CRL_RULES, context)
    return LintedCrl(LINTER_TOKEN, context, warnings)
