"""Revocation decision (1609.2 5.1.3.2 / 5.1.3.4, notes §7.4, §8): scope rule, hash entries, linkage chains, groups."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest

from scms import asn1
from scms.crypto import (
    group_linkage_value,
    group_pre_linkage_value,
    linkage_seed_after,
    linkage_value,
    pre_linkage_value,
)
from scms.dot2.crl_builders import CrlHeader, build_hash_crl, build_linkage_crl
from scms.dot2.crl_contents import CrlContents
from scms.dot2.crl_delta import RevocationSet, apply_delta
from scms.dot2.crl_entries import GroupRevocation, HashRevocation, LinkageRevocation
from scms.dot2.revocation import RevocationStatus, is_revoked, revocation_status
from scms.dot2.time import Time32
from vectors import case, case_params, unhex

from ._crl_fixtures import Holder, linkage_data, make_certificate, make_craca

LA1, LA2 = 0x1234, 0x5678
SERIES = 3


@pytest.fixture(scope="module")
def craca() -> Holder:
    return make_craca([SERIES])


def _header(craca: Holder, issue: int = 1000) -> CrlHeader:
    return CrlHeader(SERIES, craca.certificate.hashed_id8(), Time32(issue), Time32(issue + 3600))


def _subject(craca: Holder, *, series: int = SERIES, craca_id: bytes | None = None, **kwargs: Any) -> Holder:
    scope = bytes(craca.certificate.hashed_id3()) if craca_id is None else craca_id
    return make_certificate(issuer=craca, craca_id=scope, crl_series=series, **kwargs)


def _revoked(holder: Holder) -> HashRevocation:
    return HashRevocation.for_certificate(holder.certificate)


def test_hash_entry_of_a_certificate_is_the_last_10_bytes_of_sha256_of_all_its_bytes(craca: Holder) -> None:
    certificate = _subject(craca).certificate
    entry = HashRevocation.for_certificate(certificate)
    assert bytes(entry.id) == hashlib.sha256(certificate.data).digest()[-10:]
    assert entry.expiry == certificate.validity.start + 5 * 31_556_952  # Duration.years is 31 556 952 s


def _lv(seeds: tuple[bytes, bytes], steps: int, j: int) -> bytes:
    """The LAs' side: lv(i, j) from the chain's initial seeds, `steps` = i - i0."""
    return linkage_value(
        pre_linkage_value(LA1, linkage_seed_after(LA1, seeds[0], steps), j),
        pre_linkage_value(LA2, linkage_seed_after(LA2, seeds[1], steps), j),
    )


def test_hash_crl_revokes_the_listed_certificate_and_not_its_sibling(craca: Holder) -> None:
    listed, other = _subject(craca, name="a.example"), _subject(craca, name="b.example")
    crl = build_hash_crl(_header(craca), [_revoked(listed)], crl_serial=1)
    assert revocation_status(listed.certificate, crl) is RevocationStatus.REVOKED
    assert revocation_status(other.certificate, crl) is RevocationStatus.NOT_REVOKED
    assert is_revoked(listed.certificate, crl) and not is_revoked(other.certificate, crl)


@pytest.mark.parametrize(
    "scope", [{"series": SERIES + 1}, {"craca_id": b"\x00\x00\x01"}], ids=["other-crl-series", "other-craca-id"]
)
def test_a_listed_certificate_outside_the_scope_is_not_covered(craca: Holder, scope: dict[str, object]) -> None:
    outside = _subject(craca, **scope)
    crl = build_hash_crl(_header(craca), [_revoked(outside)], crl_serial=1)
    assert revocation_status(outside.certificate, crl) is RevocationStatus.NOT_COVERED
    assert not is_revoked(outside.certificate, crl)


def test_linkage_crl_revokes_the_chain_for_its_j_and_i_range_only(craca: Holder) -> None:
    i0, i_rev, i_max, jmax = 10, 12, 15, 5
    revoked_chain = (os.urandom(16), os.urandom(16))
    other_chain = (os.urandom(16), os.urandom(16))
    entry = LinkageRevocation(LA1, LA2, *revoked_chain, i_rev=i0, i_max=i_max, jmax=jmax)
    crl = build_linkage_crl(_header(craca), i_rev=i_rev, individual=[entry])

    def pseudonym(chain: tuple[bytes, bytes], i: int, j: int, **scope: object) -> Holder:
        return _subject(craca, linkage=linkage_data(i, _lv(chain, i - i0, j)), **scope)

    expected = {
        (i_rev, 0): RevocationStatus.REVOKED,
        (14, jmax - 1): RevocationStatus.REVOKED,
        (i_max, 2): RevocationStatus.REVOKED,
        (14, jmax): RevocationStatus.NOT_REVOKED,  # j beyond the JMaxGroup
        (i_max + 1, 0): RevocationStatus.NOT_REVOKED,  # i past iMax
        (i_rev - 1, 0): RevocationStatus.NOT_REVOKED,  # before iRev
    }
    for (i, j), status in expected.items():
        assert revocation_status(pseudonym(revoked_chain, i, j).certificate, crl) is status, (i, j)
    assert revocation_status(pseudonym(other_chain, 13, 1).certificate, crl) is RevocationStatus.NOT_REVOKED
    outside = pseudonym(revoked_chain, 13, 1, series=SERIES + 1)
    assert revocation_status(outside.certificate, crl) is RevocationStatus.NOT_COVERED


@pytest.mark.parametrize("param", case_params("camp/linkage-values.json"))
def test_camp_linkage_vector_certificate_is_revoked(craca: Holder, param: tuple[str, int | None]) -> None:
    vector = case(param)
    la1, la2, i, j = int(vector["la_id_1"], 16), int(vector["la_id_2"], 16), vector["i"], vector["j"]
    seeds = unhex(vector["linkage_seed_1"]), unhex(vector["linkage_seed_2"])
    certificate = _subject(craca, linkage=linkage_data(i, unhex(vector["expected_lv"]))).certificate
    covering = build_linkage_crl(
        _header(craca), i_rev=i, individual=[LinkageRevocation(la1, la2, *seeds, i_rev=i, i_max=i + 1, jmax=j + 1)]
    )
    short = build_linkage_crl(
        _header(craca), i_rev=i, individual=[LinkageRevocation(la1, la2, *seeds, i_rev=i, i_max=i + 1, jmax=j)]
    )
    assert revocation_status(certificate, covering) is RevocationStatus.REVOKED
    assert revocation_status(certificate, short) is RevocationStatus.NOT_REVOKED


def test_group_entry_revokes_by_group_linkage_value_at_the_certificates_j_value(craca: Holder) -> None:
    group_seeds = (os.urandom(16), os.urandom(16))
    i = 7

    def member(claimed_j_value: int, computed_j_value: int) -> Holder:
        """A group member certificate: glv(i, computed) from the group seeds, carried with jValue = claimed."""
        glv = group_linkage_value(
            group_pre_linkage_value(LA1, linkage_seed_after(LA1, group_seeds[0], i - 5), computed_j_value),
            group_pre_linkage_value(LA2, linkage_seed_after(LA2, group_seeds[1], i - 5), computed_j_value),
        )
        return _subject(craca, linkage=linkage_data(i, os.urandom(9), group=(claimed_j_value, glv)))

    crl = build_linkage_crl(_header(craca), i_rev=5, groups=[GroupRevocation(LA1, LA2, *group_seeds, i_rev=5, i_max=9)])
    assert revocation_status(member(15, 15).certificate, crl) is RevocationStatus.REVOKED
    assert revocation_status(member(16, 16).certificate, crl) is RevocationStatus.REVOKED
    assert revocation_status(member(16, 15).certificate, crl) is RevocationStatus.NOT_REVOKED
    lone = _subject(craca, linkage=linkage_data(i, os.urandom(9), group=(15, os.urandom(9))))
    assert revocation_status(lone.certificate, crl) is RevocationStatus.NOT_REVOKED


def test_entries_of_a_delta_revoke_through_the_revocation_set(craca: Holder) -> None:
    early, late = _subject(craca, name="early.example"), _subject(craca, name="late.example")
    full = build_hash_crl(_header(craca, 1000), [_revoked(early)], crl_serial=1)
    delta = build_hash_crl(_header(craca, 2000), [_revoked(late)], crl_serial=2, delta=True)
    assert revocation_status(late.certificate, full) is RevocationStatus.NOT_REVOKED
    current = apply_delta(RevocationSet.from_full(full), delta)
    assert revocation_status(early.certificate, current) is RevocationStatus.REVOKED
    assert revocation_status(late.certificate, current) is RevocationStatus.REVOKED


def test_single_seed_entries_make_a_covered_pseudonym_undetermined(craca: Holder) -> None:
    value = build_linkage_crl(_header(craca), i_rev=0).value
    value["typeSpecific"][1]["groupsSingleSeed"] = [{"iMax": 3, "laId": b"\x00\x01", "linkageSeed": bytes(16)}]
    crl = CrlContents.from_bytes(asn1.encode("CrlContents", value))
    pseudonym = _subject(craca, linkage=linkage_data(1, os.urandom(9))).certificate
    assert revocation_status(pseudonym, crl) is RevocationStatus.UNDETERMINED
    with pytest.raises(ValueError, match="single-seed"):
        is_revoked(pseudonym, crl)
    named = _subject(craca).certificate  # not a linkage certificate: the linkage entries cannot name it
    assert revocation_status(named, crl) is RevocationStatus.NOT_REVOKED
