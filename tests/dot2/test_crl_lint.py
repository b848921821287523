"""CRL lint rules, one test each (src/scms/dot2/lint/crl_*.py; 1609.2 clauses 7.3 and 7.4 and our profile)."""

from __future__ import annotations

import copy
import importlib
import pkgutil
from typing import Any

import pytest

from scms import asn1
from scms.crypto import HashedId8
from scms.dot2 import lint
from scms.dot2.crl_builders import CrlHeader, build_hash_crl, build_linkage_crl
from scms.dot2.crl_contents import CrlContents
from scms.dot2.crl_entries import GroupRevocation, LinkageRevocation
from scms.dot2.lint import (
    crl_craca_matches,
    crl_entries_sorted,
    crl_next_after_issue,
    crl_signer_ssp,
    crl_signer_valid,
    crl_version,
)
from scms.dot2.lint.crl import CRL_RECEIPT_RULES, CRL_RULES, CrlLintContext, lint_crl
from scms.dot2.lint.framework import Rule
from scms.dot2.time import Time32

from ._crl_fixtures import CRL_PSID, START, crl_ssp, make_certificate, make_craca

CRACA = make_craca([3])
ISSUE = Time32(START + 100)
HEADER = CrlHeader(3, CRACA.certificate.hashed_id8(), ISSUE, Time32(ISSUE + 100))


def _messages(rule: Rule[CrlLintContext], contents: CrlContents, **context: Any) -> list[str]:
    ctx = CrlLintContext(contents, context.pop("signer", CRACA.certificate), context.pop("craca", None))
    return [finding.message for finding in rule.run(ctx)]


def _hash(tag: int) -> dict[str, Any]:
    return {"id": bytes([tag]) * 10, "expiry": 9}


def _with_body(kind: str, body: dict[str, Any]) -> CrlContents:
    value = build_hash_crl(HEADER, [], crl_serial=1).value | {"typeSpecific": (kind, body)}
    return CrlContents.from_bytes(asn1.encode("CrlContents", value))


def test_every_crl_rule_module_is_run_by_the_linter() -> None:
    modules = [m.name for m in pkgutil.iter_modules(lint.__path__) if m.name.startswith("crl_")]
    rules = {importlib.import_module(f"scms.dot2.lint.{name}").RULE for name in modules}
    assert rules == set(CRL_RULES) and set(CRL_RECEIPT_RULES) <= set(CRL_RULES)
    assert {rule.name for rule in rules} == set(modules)


def test_crl_version() -> None:
    good = build_hash_crl(HEADER, [], crl_serial=1)
    assert _messages(crl_version.RULE, good) == []
    # The codec itself refuses version 2 on encode; a view over a decoded value that says 2 is what the rule sees.
    forged = CrlContents(good.encoded, good.value | {"version": 2})
    assert _messages(crl_version.RULE, forged) == ["version 2, expected 1"]


@pytest.mark.parametrize(("next_crl", "violations"), [(ISSUE + 1, 0), (ISSUE, 1), (ISSUE - 1, 1)])
def test_crl_next_after_issue(next_crl: int, violations: int) -> None:
    contents = build_hash_crl(CrlHeader(3, HEADER.craca, ISSUE, Time32(next_crl)), [], crl_serial=1)
    assert len(_messages(crl_next_after_issue.RULE, contents)) == violations


def test_crl_craca_matches() -> None:
    contents = build_hash_crl(HEADER, [], crl_serial=1)
    assert _messages(crl_craca_matches.RULE, contents) == []
    other = make_craca([3], name="other.example").certificate
    (message,) = _messages(crl_craca_matches.RULE, contents, craca=other)
    assert f"is not the HashedId8 {other.hashed_id8().hex()}" in message
    wrong = build_hash_crl(CrlHeader(3, HashedId8(bytes(8)), ISSUE, Time32(ISSUE + 1)), [], crl_serial=1)
    assert len(_messages(crl_craca_matches.RULE, wrong)) == 1


def test_crl_signer_ssp() -> None:
    contents = build_hash_crl(HEADER, [], crl_serial=1)
    assert _messages(crl_signer_ssp.RULE, contents) == []
    delegate = make_certificate(issuer=CRACA, permissions=[(CRL_PSID, crl_ssp([3], is_craca=False))]).certificate
    assert _messages(crl_signer_ssp.RULE, contents, signer=delegate) == []
    plain = make_certificate(issuer=CRACA).certificate
    assert "has no CrlSsp" in _messages(crl_signer_ssp.RULE, contents, signer=plain)[0]


def test_crl_signer_valid() -> None:
    assert _messages(crl_signer_valid.RULE, build_hash_crl(HEADER, [], crl_serial=1)) == []
    early = build_hash_crl(CrlHeader(3, HEADER.craca, Time32(START - 1), ISSUE), [], crl_serial=1)
    assert "is not valid at issueDate" in _messages(crl_signer_valid.RULE, early)[0]
    late = CrlHeader(3, HEADER.craca, CRACA.certificate.validity.end, Time32(CRACA.certificate.validity.end + 1))
    assert len(_messages(crl_signer_valid.RULE, build_hash_crl(late, [], crl_serial=1))) == 1


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([_hash(2), _hash(1)], "entries[1] is out of order"),
        ([_hash(1), _hash(1)], "entries[1] is duplicate"),
        ([_hash(1), _hash(2), _hash(3)], None),
    ],
    ids=["unsorted", "duplicate", "sorted"],
)
def test_crl_entries_sorted_hash(entries: list[dict[str, Any]], message: str | None) -> None:
    contents = _with_body("fullHashCrl", {"crlSerial": 1, "entries": entries})
    assert _messages(crl_entries_sorted.RULE, contents) == ([] if message is None else [message])


def test_crl_entries_sorted_linkage_at_every_level() -> None:
    chains = [LinkageRevocation(1, 2, bytes([t]) * 16, bytes([t]) * 16, 0, 5, jmax) for t, jmax in ((1, 4), (2, 8))]
    groups = [GroupRevocation(1, 2, bytes([t]) * 16, bytes([t]) * 16, 0, 5) for t in (1, 2)]
    built = build_linkage_crl(HEADER, i_rev=0, individual=chains, groups=groups)
    assert _messages(crl_entries_sorted.RULE, built) == []
    body = built.value["typeSpecific"][1]

    def broken(change: Any) -> list[str]:
        edited = copy.deepcopy(body)
        change(edited)
        return _messages(crl_entries_sorted.RULE, _with_body("fullLinkedCrl", edited))

    assert broken(lambda b: b["individual"].reverse()) == ["individual[1] is out of order"]
    split_la = broken(lambda b: b["individual"][0]["contents"].append(b["individual"][0]["contents"][0]))
    assert split_la == ["individual[0][1] is duplicate"]
    imax = broken(lambda b: b["individual"][0]["contents"][0]["contents"].append({"iMax": 5, "contents": []}))
    assert imax == ["individual[0][0][1] is duplicate"]
    seeds = broken(
        lambda b: b["individual"][1]["contents"][0]["contents"][0]["contents"].insert(
            0, {"linkageSeed1": b"\x09" * 16, "linkageSeed2": b"\x00" * 16}
        )
    )
    assert seeds == ["individual[1][0][0][1] is out of order"]
    assert broken(lambda b: b["groups"].reverse()) == ["groups[1] is out of order"]


def test_lint_crl_reports_every_violation_at_once() -> None:
    contents = build_hash_crl(CrlHeader(4, HashedId8(bytes(8)), ISSUE, ISSUE), [], crl_serial=1)
    with pytest.raises(lint.LintError) as caught:
        lint_crl(contents, CRACA.certificate)
    assert {f.rule for f in caught.value.findings} == {"crl_next_after_issue", "crl_signer_ssp", "crl_craca_matches"}
    assert caught.value.findings[0].clause == "1609.2 7.3"
    linted = lint_crl(build_hash_crl(HEADER, [], crl_serial=1), CRACA.certificate)
    assert linted.warnings == () and linted.signer == CRACA.certificate
