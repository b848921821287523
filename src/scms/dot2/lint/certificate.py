"""Lint of a certificate before it is signed or issued: `lint_certificate(tbs, issuer) -> LintedTbs`.

The signers in `scms.dot2.certificate_builder` accept only a `LintedTbs`, which only this function builds. The rules
(one module each, `cert_*.py`, each citing its clause) are listed in `CERTIFICATE_RULES` in the order they run.

A CA issues many certificates of one profile: only the id, validity, key and CRL fields change from one to the
next. The findings of the rules that read nothing else (their `reads` lie within `PROFILE_FIELDS`) are remembered
per (issuer, values of those fields), so each certificate runs only the rules on what varies; every rule still
decides every certificate, and a certificate that breaks any rule is refused with the same findings as before.
"""

from __future__ import annotations

from operator import attrgetter
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
from scms.dot2.lint.framework import Finding, Linted, Rule, check_findings

__all__ = ["CERTIFICATE_RULES", "PROFILE_FIELDS", "CertificateLintContext", "LintedTbs", "lint_certificate"]

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

PROFILE_FIELDS = (
    "app_permissions",
    "cert_issue_permissions",
    "cert_request_permissions",
    "region",
    "encryption_key",
    "is_implicit",
)
"""The template fields shared by the certificates of one issuing profile (with the issuer, the memo key)."""

_PROFILE_RULES = frozenset(
    i for i, rule in enumerate(CERTIFICATE_RULES) if rule.reads is not None and rule.reads <= set(PROFILE_FIELDS)
)
_PER_CERTIFICATE_RULES = tuple(rule for i, rule in enumerate(CERTIFICATE_RULES) if i not in _PROFILE_RULES)
_profile_of = attrgetter(*PROFILE_FIELDS)
_MEMO_SIZE = 256
_memo: dict[tuple[Any, ...], dict[int, list[Finding]]] = {}


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
    remembered = _profile_findings(context)
    if remembered:  # a profile rule found something: every finding, in the order of the rules
        findings = [
            finding
            for i, rule in enumerate(CERTIFICATE_RULES)
            for finding in (remembered.get(i, ()) if i in _PROFILE_RULES else rule.run(context))
        ]
    else:  # the profile passed, as for every certificate of a working issuer: the rules on what varies decide
        findings = [finding for rule in _PER_CERTIFICATE_RULES for finding in rule.run(context)]
    return LintedTbs(LINTER_TOKEN, context, check_findings(findings))


def _profile_findings(context: CertificateLintContext) -> dict[int, list[Finding]]:
    """The findings of the profile rules that found something (by index in CERTIFICATE_RULES), remembered per
    issuer and profile."""
    try:
        key = (context.issuer, _profile_of(context.template))
        remembered = _memo.get(key)
    except TypeError:  # a field value that cannot be hashed: nothing is remembered for it
        return _run_profile_rules(context)
    if remembered is None:
        remembered = _run_profile_rules(context)
        if len(_memo) >= _MEMO_SIZE:
            _memo.clear()
        _memo[key] = remembered
    return remembered


def _run_profile_rules(context: CertificateLintContext) -> dict[int, list[Finding]]:
    return {i: findings for i in sorted(_PROFILE_RULES) if (findings := CERTIFICATE_RULES[i].run(context))}
