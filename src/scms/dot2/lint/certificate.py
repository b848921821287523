"""Lint of a certificate before it is signed or issued: `lint_certificate(tbs, issuer) -> LintedTbs`.

The signers in `scms.dot2.certificate_builder` accept only a `LintedTbs`, which only this function builds. The rules
(one module each, `cert_*.py`, each citing its clause) are listed in `CERTIFICATE_RULES` in the order they run.
"""

from __future__ import annotations

from typing import Any

from scms.dot2.certificate import Certificate
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint import (
    cert_app_permissions_within_issuer,
    cert_crl_fields,
    cert_encryption_key,
    cert_has_permissions,
    cert_implicit_issuer,
    cert_issue_permissions_within_issuer,
    cert_issuer_can_issue,
    cert_permissions_well_formed,
    cert_points_compressed,
    cert_region_within_issuer,
    cert_request_permissions_within_issuer,
    cert_validity_within_issuer,
)
from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint._token import LINTER_TOKEN
from scms.dot2.lint.framework import Finding, Linted, Rule, run_rules

__all__ = ["CERTIFICATE_RULES", "CertificateLintContext", "LintedTbs", "lint_certificate"]

CERTIFICATE_RULES: tuple[Rule[CertificateLintContext], ...] = (
    cert_points_compressed.RULE,
    cert_has_permissions.RULE,
    cert_permissions_well_formed.RULE,
    cert_implicit_issuer.RULE,
    cert_issuer_can_issue.RULE,
    cert_encryption_key.RULE,
    cert_validity_within_issuer.RULE,
    cert_region_within_issuer.RULE,
    cert_app_permissions_within_issuer.RULE,
    cert_issue_permissions_within_issuer.RULE,
    cert_request_permissions_within_issuer.RULE,
    cert_crl_fields.RULE,
)


class LintedTbs(Linted):
    """A tbs that passed `CERTIFICATE_RULES` against `issuer` (None: to be self-signed). Read-only."""

    def __init__(self, token: object, context: CertificateLintContext, warnings: tuple[Finding, ...] = ()) -> None:
        super().__init__(token, warnings)
        self._context = context

    @property
    def template(self) -> CertificateTemplate:
        return self._context.template

    @property
    def tbs(self) -> dict[str, Any]:
        """The exact ToBeSignedCertificate value to sign (implicit: without verifyKeyIndicator)."""
        return dict(self._context.tbs)

    @property
    def issuer(self) -> Certificate | None:
        return self._context.issuer

    @property
    def is_implicit(self) -> bool:
        return self._context.template.is_implicit

    def __repr__(self) -> str:
        kind = "implicit" if self.is_implicit else "explicit"
        return f"LintedTbs({kind}, issuer={self.issuer!r}, warnings={len(self.warnings)})"


def lint_certificate(tbs: CertificateTemplate | dict[str, Any], issuer: Certificate | None) -> LintedTbs:
    """Run every certificate rule; raises `LintError` (an Ieee1609Error naming each violation) on any error.

    `tbs` is a template, or a received `ToBeSignedCertificate` value (then exactly that value is what gets signed).
    `issuer` is the issuing certificate, or None for a self-signed certificate.
    """
    if isinstance(tbs, CertificateTemplate):
        template, value = tbs, tbs.tbs_value()
    else:
        template, value = CertificateTemplate.from_tbs_value(tbs), dict(tbs)
        if template.is_implicit:
            value.pop("verifyKeyIndicator", None)  # the issuer puts its own reconstruction value in
    context = CertificateLintContext(template, value, issuer)
    warnings = run_rules(CERTIFICATE_RULES, context)
    return LintedTbs(LINTER_TOKEN, context, warnings)
