"""The lint framework: rules, findings, the runner, LintError and the Linted seal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.lint import Finding, Linted, LintError, Rule, Severity, run_rules
from scms.dot2.lint._token import LINTER_TOKEN
from scms.dot2.lint.certificate import CERTIFICATE_RULES


def _over(limit: int) -> Rule[int]:
    def check(value: int) -> Iterator[str]:
        if value > limit:
            yield f"{value} > {limit}"

    return Rule(f"max_{limit}", "test 1.2", check, ErrorCode.DISALLOWED_VALIDITY_PERIOD)


def _odd_warning(value: int) -> Iterator[str]:
    if value % 2:
        yield "odd"


ODD = Rule("even", "test 3", _odd_warning, severity=Severity.WARNING)


def test_clean_context_passes_and_warnings_are_returned() -> None:
    assert run_rules((_over(10), ODD), 4) == ()
    (warning,) = run_rules((_over(10), ODD), 5)
    assert warning == Finding("even", "test 3", Severity.WARNING, ErrorCode.DISALLOWED_OTHER_FIELDS, "odd")
    assert str(warning) == "even (test 3): odd"


def test_errors_raise_with_every_finding_and_the_first_code() -> None:
    with pytest.raises(LintError) as err:
        run_rules((ODD, _over(10), _over(20)), 25)
    assert isinstance(err.value, Ieee1609Error)
    assert err.value.error is ErrorCode.DISALLOWED_VALIDITY_PERIOD
    assert [f.rule for f in err.value.findings] == ["even", "max_10", "max_20"]
    assert "max_10 (test 1.2): 25 > 10; max_20 (test 1.2): 25 > 20" in str(err.value)
    assert "odd" not in err.value.detail  # warnings are listed in findings, not in the error text


def test_linted_objects_need_the_linter_token() -> None:
    with pytest.raises(TypeError, match="lint before sign"):
        Linted(object())
    assert Linted(LINTER_TOKEN, (ODD.run(1)[0],)).warnings[0].message == "odd"


def test_every_certificate_rule_cites_a_clause_and_has_a_unique_name() -> None:
    names = [rule.name for rule in CERTIFICATE_RULES]
    assert len(set(names)) == len(names)
    assert all(rule.name.startswith("cert_") and rule.clause.startswith("1609.2 ") for rule in CERTIFICATE_RULES)
