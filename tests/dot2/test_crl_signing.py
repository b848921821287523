"""Build -> lint -> sign -> verify -> decide round trips of SecuredCrl (1609.2 clause 7.4, notes §8)."""

from __future__ import annotations

import logging
import os

import pytest

from scms import asn1
from scms.crypto import SoftwareKey, linkage_seed_after, linkage_value, pre_linkage_value
from scms.dot2.crl_builders import CrlHeader, build_hash_crl, build_linkage_crl
from scms.dot2.crl_contents import CrlKind
from scms.dot2.crl_entries import HashRevocation, LinkageRevocation
from scms.dot2.crl_signing import sign_crl
from scms.dot2.crl_verification import VerifiedCrl, verify_crl
from scms.dot2.lint._token import LINTER_TOKEN
from scms.dot2.lint.crl import CrlLintContext, LintedCrl, lint_crl
from scms.dot2.lint.framework import LintError
from scms.dot2.revocation import RevocationStatus, revocation_status
from scms.dot2.time import Time32

from ._crl_fixtures import CRL_PSID, START, Holder, crl_ssp, linkage_data, make_certificate, make_craca, subject_of

ISSUE = Time32(START + 86_400)


def _header(craca: Holder, series: int, next_crl: int | None = None) -> CrlHeader:
    following = Time32(ISSUE + 7 * 86_400) if next_crl is None else Time32(next_crl)
    return CrlHeader(series, craca.certificate.hashed_id8(), ISSUE, following)


def test_hash_crl_round_trip_revokes_one_of_two_certificates() -> None:
    craca = make_craca([3])
    listed, kept = subject_of(craca, 3, name="a.example"), subject_of(craca, 3, name="b.example")
    entry = HashRevocation.for_certificate(listed.certificate)
    contents = build_hash_crl(_header(craca, 3), [entry], crl_serial=12)

    secured = sign_crl(lint_crl(contents, craca.certificate), craca.key)
    crl = verify_crl(secured, certificates=[craca.certificate])

    assert isinstance(crl, VerifiedCrl) and crl.raw == secured and crl.signer == craca.certificate
    assert (crl.series, crl.craca, crl.issue_date, crl.kind, crl.crl_serial) == (
        3,
        craca.certificate.hashed_id8(),
        ISSUE,
        CrlKind.FULL_HASH,
        12,
    )
    assert crl.hash_entries == (entry,) and crl.encoded == contents.encoded
    assert revocation_status(listed.certificate, crl) is RevocationStatus.REVOKED
    assert revocation_status(kept.certificate, crl) is RevocationStatus.NOT_REVOKED


def test_secured_crl_layout_psid_256_only_digest_signer_contents_inside() -> None:
    craca = make_craca([3])
    contents = build_hash_crl(_header(craca, 3), [], crl_serial=1)
    secured = sign_crl(lint_crl(contents, craca.certificate), craca.key)
    assert secured[:2] == bytes([0x03, 0x81])  # Ieee1609Dot2Data v3, signedData
    signed = asn1.decode("SecuredCrl", secured)["content"][1]
    assert signed["tbsData"]["headerInfo"] == {"psid": 256}
    assert signed["signer"] == ("digest", bytes(craca.certificate.hashed_id8()))
    assert signed["signature"][1]["rSig"][0] == "x-only"
    assert signed["tbsData"]["payload"]["data"]["content"] == ("unsecuredData", contents.encoded)


def test_linkage_crl_round_trip_with_a_crl_signer_whose_issuer_is_the_craca() -> None:
    craca = make_craca([1])
    signer = make_certificate(issuer=craca, permissions=[(CRL_PSID, crl_ssp([1], is_craca=False))])
    la1, la2, i0 = 0x0101, 0x0202, 20
    chain, other = (os.urandom(16), os.urandom(16)), (os.urandom(16), os.urandom(16))
    entry = LinkageRevocation(la1, la2, *chain, i_rev=i0, i_max=i0 + 3, jmax=10)
    contents = build_linkage_crl(_header(craca, 1), i_rev=i0 + 1, individual=[entry], delta=True)

    secured = sign_crl(lint_crl(contents, signer.certificate, craca=craca.certificate), signer.key)
    crl = verify_crl(secured, certificates=[signer.certificate])
    assert crl.kind is CrlKind.DELTA_LINKED and crl.i_rev == i0 + 1

    def pseudonym(seeds: tuple[bytes, bytes], i: int, j: int) -> Holder:
        lv = linkage_value(
            pre_linkage_value(la1, linkage_seed_after(la1, seeds[0], i - i0), j),
            pre_linkage_value(la2, linkage_seed_after(la2, seeds[1], i - i0), j),
        )
        return subject_of(craca, 1, linkage=linkage_data(i, lv))

    assert revocation_status(pseudonym(chain, i0 + 2, 9).certificate, crl) is RevocationStatus.REVOKED
    assert revocation_status(pseudonym(chain, i0 + 4, 0).certificate, crl) is RevocationStatus.NOT_REVOKED
    assert revocation_status(pseudonym(other, i0 + 2, 9).certificate, crl) is RevocationStatus.NOT_REVOKED


@pytest.mark.parametrize("next_crl", [ISSUE, ISSUE - 1], ids=["equal", "before"])
def test_lint_refuses_a_crl_whose_next_crl_is_not_after_its_issue_date(next_crl: int) -> None:
    craca = make_craca([3])
    contents = build_hash_crl(_header(craca, 3, next_crl), [], crl_serial=1)
    with pytest.raises(LintError, match="crl_next_after_issue") as caught:
        lint_crl(contents, craca.certificate)
    assert [f.rule for f in caught.value.findings] == ["crl_next_after_issue"]


def test_lint_refuses_a_signer_without_crlssp_for_the_series() -> None:
    craca = make_craca([3])
    contents = build_hash_crl(_header(craca, 4), [], crl_serial=1)
    with pytest.raises(LintError, match=r"crl_signer_ssp .*may sign CRL series \[3\], not 4"):
        lint_crl(contents, craca.certificate)


def test_only_a_linted_crl_signed_with_the_signers_key_is_signed() -> None:
    craca = make_craca([3])
    contents = build_hash_crl(_header(craca, 3), [], crl_serial=1)
    with pytest.raises(TypeError, match="LintedCrl"):
        sign_crl(contents, craca.key)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="only by its linter"):
        LintedCrl(object(), CrlLintContext(contents, craca.certificate))
    with pytest.raises(ValueError, match="does not belong"):
        sign_crl(lint_crl(contents, craca.certificate), SoftwareKey.generate())
    assert LintedCrl(LINTER_TOKEN, CrlLintContext(contents, craca.certificate)).contents is contents


def test_each_signature_is_audited_before_and_after(caplog: pytest.LogCaptureFixture) -> None:
    craca = make_craca([3])
    linted = lint_crl(build_hash_crl(_header(craca, 3), [], crl_serial=1), craca.certificate)
    with caplog.at_level(logging.INFO, logger="scms.audit"):
        sign_crl(linted, craca.key)
    audit = [getattr(r, "audit", {}) for r in caplog.records if r.name == "scms.audit"]
    events = [event for event in audit if event.get("event", "").startswith("crl.")]
    assert [e["event"] for e in events] == ["crl.sign.begin", "crl.sign.end"]
    assert events[0]["type"] == "SecuredCrl" and events[0]["crlSeries"] == 3
    assert events[0]["signer"] == craca.certificate.hashed_id8().hex()
    assert "key" not in " ".join(r.getMessage() for r in caplog.records).lower()
