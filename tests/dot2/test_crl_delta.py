"""Applying delta CRLs to a full CRL's entry set (1609.2 clause 7.3, notes §8 "Full vs delta")."""

from __future__ import annotations

import pytest

from scms.crypto import HashedId3, HashedId8, HashedId10
from scms.dot2.crl_builders import CrlHeader, build_hash_crl, build_linkage_crl
from scms.dot2.crl_delta import RevocationSet, apply_delta
from scms.dot2.crl_entries import HashRevocation, LinkageRevocation
from scms.dot2.time import Time32

CRACA = HashedId8(bytes.fromhex("1112131415161718"))


def _header(issue: int, series: int = 4, craca: HashedId8 = CRACA) -> CrlHeader:
    return CrlHeader(series=series, craca=craca, issue_date=Time32(issue), next_crl=Time32(issue + 100))


def _revoked(tag: int, expiry: int) -> HashRevocation:
    return HashRevocation(HashedId10(bytes([tag]) * 10), Time32(expiry))


def test_delta_adds_entries_and_drops_those_expired_by_its_issue_date() -> None:
    full = build_hash_crl(_header(1000), [_revoked(1, 5000), _revoked(2, 1050)], crl_serial=1)
    delta = build_hash_crl(_header(1100), [_revoked(3, 9000), _revoked(1, 5000)], crl_serial=2, delta=True)
    merged = apply_delta(RevocationSet.from_full(full), delta)
    assert merged.hash_entries == (_revoked(1, 5000), _revoked(3, 9000))  # 2 expired at 1050 < 1100
    assert (merged.issue_date, merged.next_crl) == (1100, 1200)
    assert merged.covers(HashedId3(bytes.fromhex("161718")), 4)
    second = build_hash_crl(_header(1200), [_revoked(4, 9000)], crl_serial=3, delta=True)
    assert [bytes(e.id)[0] for e in apply_delta(merged, second).hash_entries] == [1, 3, 4]


def test_linkage_entries_keep_their_own_i_rev_and_go_once_i_max_has_passed() -> None:
    old = LinkageRevocation(1, 2, b"\x01" * 16, b"\x02" * 16, i_rev=5, i_max=8, jmax=4)
    new = LinkageRevocation(1, 2, b"\x03" * 16, b"\x04" * 16, i_rev=7, i_max=20, jmax=4)
    full = build_linkage_crl(_header(1000), i_rev=5, individual=[old])
    delta = build_linkage_crl(_header(1100), i_rev=7, individual=[new], delta=True)
    merged = apply_delta(RevocationSet.from_full(full), delta)
    assert merged.linkage_entries == (old, new)
    assert apply_delta(RevocationSet.from_full(full), delta, current_i=9).linkage_entries == (new,)
    # The old entry still revokes its i = 5 certificates after the merge.
    assert merged.revocation_index().revoked_values(5) == RevocationSet.from_full(
        full
    ).revocation_index().revoked_values(5)


@pytest.mark.parametrize(
    ("delta_header", "delta_is_linkage", "message"),
    [
        (_header(1100, series=5), False, "another"),
        (_header(1100, craca=HashedId8(bytes(8))), False, "another"),
        (_header(1000), False, "not later"),
        (_header(1100), True, "family"),
    ],
    ids=["other-series", "other-craca", "same-issue-date", "other-family"],
)
def test_a_delta_that_does_not_follow_the_set_is_refused(
    delta_header: CrlHeader, delta_is_linkage: bool, message: str
) -> None:
    base = RevocationSet.from_full(build_hash_crl(_header(1000), [], crl_serial=1))
    delta = (
        build_linkage_crl(delta_header, i_rev=0, delta=True)
        if delta_is_linkage
        else build_hash_crl(delta_header, [], crl_serial=2, delta=True)
    )
    with pytest.raises(ValueError, match=message):
        apply_delta(base, delta)


def test_full_crls_start_sets_and_are_not_deltas() -> None:
    full = build_hash_crl(_header(1000), [], crl_serial=1)
    delta = build_hash_crl(_header(1100), [], crl_serial=2, delta=True)
    with pytest.raises(ValueError, match="full CRL"):
        RevocationSet.from_full(delta)
    with pytest.raises(ValueError, match="delta CRL"):
        apply_delta(RevocationSet.from_full(full), build_hash_crl(_header(1100), [], crl_serial=2))
