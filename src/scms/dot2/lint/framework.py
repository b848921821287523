"""Lint before sign (style-examples item 11): rules, findings, the runner, and the `Linted` seal.

A rule is one module citing its clause, holding a `Rule`: a name, the clause, the 1609.2.1 error code a violation
maps to, and a `check(context)` yielding one message per violation. `run_rules` runs a tuple of rules over a context
and raises `LintError` (an `Ieee1609Error`) when any ERROR finding appears; WARNING findings are returned.

A signer accepts only an object produced by a linter: subclasses of `Linted` can only be constructed with the
package-private `LINTER_TOKEN`, which only the linter modules of this package (`certificate`, `crl`, ...) import.

To add rules for another object (dot2crl): write `lint/crl.py` with a context dataclass, a `LintedCrl(Linted)` and
`lint_crl(...)` calling `run_rules(CRL_RULES, context)` then `LintedCrl(LINTER_TOKEN, ...)`; one module per rule
(`lint/crl_<rule>.py`) each exporting `RULE`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.lint._token import LINTER_TOKEN

__all__ = ["Finding", "LintError", "Linted", "Rule", "Severity", "check_findings", "run_rules"]

C = TypeVar("C")


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation: which rule, which clause, how bad, what exactly."""

    rule: str
    clause: str
    severity: Severity
    code: ErrorCode
    message: str

    def __str__(self) -> str:
        return f"{self.rule} ({self.clause}): {self.message}"


@dataclass(frozen=True, slots=True)
class Rule(Generic[C]):
    """A lint rule over a context of type C."""

    name: str
    clause: str
    check: Callable[[C], Iterable[str]]
    code: ErrorCode = ErrorCode.DISALLOWED_OTHER_FIELDS
    severity: Severity = Severity.ERROR
    # What `check` reads of the context besides what every context of its kind shares (a certificate rule: the
    # template fields it reads; the issuer is always read); None = anything. A linter may remember the findings of
    # a rule per value of these (`lint.certificate` does, per issuer and issuing profile).
    reads: frozenset[str] | None = None

    def run(self, context: C) -> list[Finding]:
        return [Finding(self.name, self.clause, self.severity, self.code, m) for m in self.check(context)]


class LintError(Ieee1609Error):
    """The object failed lint; `findings` lists every violation, the code is that of the first error."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        errors = [f for f in self.findings if f.severity is Severity.ERROR]
        first = errors[0] if errors else self.findings[0]
        super().__init__(first.code, "; ".join(str(f) for f in errors or self.findings))


def run_rules(rules: Sequence[Rule[C]], context: C) -> tuple[Finding, ...]:
    """Run every rule; raise LintError if any error was found, else return the warnings."""
    return check_findings([finding for rule in rules for finding in rule.run(context)])


def check_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Raise LintError if any of `findings` is an error, else return them (all warnings)."""
    if any(f.severity is Severity.ERROR for f in findings):
        raise LintError(findings)
    return tuple(findings)


class Linted:
    """Base of the objects only a linter builds (the signers check `isinstance(x, LintedTbs)` etc.)."""

    def __init__(self, token: object, warnings: tuple[Finding, ...] = ()) -> None:
        if token is not LINTER_TOKEN:
            raise TypeError(f"{type(self).__name__} is built only by its linter (lint before sign)")
        self.warnings = warnings
