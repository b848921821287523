"""Linkage values revoked by a CRL (1609.2 §5.1.3.4, notes §7.4): CAMP known answer, seed evolution, j and i ranges."""

from __future__ import annotations

import pytest

from scms.crypto import (
    HashedId10,
    group_linkage_value,
    group_pre_linkage_value,
    linkage_seed_after,
    linkage_value,
    pre_linkage_value,
)
from scms.dot2.crl_entries import GroupRevocation, HashRevocation, LinkageRevocation
from scms.dot2.revocation_index import RevocationIndex
from scms.dot2.time import Time32
from vectors import case, case_params, unhex

SEED1, SEED2 = bytes(range(16)), bytes(range(16, 32))


def _lv(la1: int, la2: int, seed1: bytes, seed2: bytes, steps: int, j: int) -> bytes:
    """lv(i, j) computed the long way: evolve each seed `steps` times, then plv1 xor plv2."""
    return linkage_value(
        pre_linkage_value(la1, linkage_seed_after(la1, seed1, steps), j),
        pre_linkage_value(la2, linkage_seed_after(la2, seed2, steps), j),
    )


@pytest.mark.parametrize("param", case_params("camp/linkage-values.json"))
def test_camp_vector_value_is_revoked_exactly_when_j_is_below_jmax(param: tuple[str, int | None]) -> None:
    vector = case(param)
    la1, la2 = int(vector["la_id_1"], 16), int(vector["la_id_2"], 16)
    i, j = vector["i"], vector["j"]
    seed1, seed2 = unhex(vector["linkage_seed_1"]), unhex(vector["linkage_seed_2"])
    expected = unhex(vector["expected_lv"])
    covering = LinkageRevocation(la1, la2, seed1, seed2, i_rev=i, i_max=i + 10, jmax=j + 1)
    short = LinkageRevocation(la1, la2, seed1, seed2, i_rev=i, i_max=i + 10, jmax=j)
    assert RevocationIndex(individual=[covering]).is_linkage_value_revoked(i, expected)
    assert not RevocationIndex(individual=[short]).is_linkage_value_revoked(i, expected)
    # Same chain with the LAs swapped: different pre-linkage inputs, so not the vector's value.
    swapped = LinkageRevocation(la2, la1, seed1, seed2, i_rev=i, i_max=i + 10, jmax=j + 1)
    assert not RevocationIndex(individual=[swapped]).is_linkage_value_revoked(i, expected)


def test_values_at_i_evolve_each_seed_with_its_own_la_id() -> None:
    entry = LinkageRevocation(7, 9, SEED1, SEED2, i_rev=10, i_max=14, jmax=3)
    index = RevocationIndex(individual=[entry])
    for i in (10, 12, 14):
        expected = {_lv(7, 9, SEED1, SEED2, i - 10, j) for j in range(3)}
        assert index.revoked_values(i) == expected
    wrong_la = {
        linkage_value(
            pre_linkage_value(7, linkage_seed_after(9, SEED1, 2), 0),
            pre_linkage_value(9, linkage_seed_after(9, SEED2, 2), 0),
        )
    }
    assert not wrong_la & index.revoked_values(12)


def test_nothing_is_revoked_before_i_rev_or_after_i_max() -> None:
    entry = LinkageRevocation(7, 9, SEED1, SEED2, i_rev=10, i_max=14, jmax=3)
    index = RevocationIndex(individual=[entry])
    assert index.revoked_values(9) == frozenset()
    assert index.revoked_values(15) == frozenset()
    assert not index.is_linkage_value_revoked(15, _lv(7, 9, SEED1, SEED2, 5, 0))


def test_asking_in_any_order_gives_the_values_of_a_fresh_index() -> None:
    entries = [
        LinkageRevocation(7, 9, SEED1, SEED2, i_rev=10, i_max=40, jmax=4),
        LinkageRevocation(3, 4, SEED2, SEED1, i_rev=10, i_max=40, jmax=2),
    ]
    shared = RevocationIndex(individual=entries)
    for i in (25, 12, 30, 11, 12, 13, 14, 15, 16, 25):
        assert shared.revoked_values(i) == RevocationIndex(individual=entries).revoked_values(i), i


def test_group_entry_matches_the_group_linkage_value_at_i_and_j_value() -> None:
    group = GroupRevocation(5, 6, SEED1, SEED2, i_rev=3, i_max=8)
    index = RevocationIndex(groups=[group])

    def glv(steps: int, j_value: int) -> bytes:
        return group_linkage_value(
            group_pre_linkage_value(5, linkage_seed_after(5, SEED1, steps), j_value),
            group_pre_linkage_value(6, linkage_seed_after(6, SEED2, steps), j_value),
        )

    assert index.is_group_value_revoked(6, 15, glv(3, 15))
    assert not index.is_group_value_revoked(6, 14, glv(3, 15))  # jValue is part of the input
    assert not index.is_group_value_revoked(7, 15, glv(3, 15))  # value of another i-period
    assert not index.is_group_value_revoked(9, 15, glv(6, 15))  # past iMax
    assert not index.is_group_value_revoked(2, 15, glv(0, 15))  # before iRev (cannot evolve backwards)


def test_hash_entries_are_looked_up_by_hashed_id10() -> None:
    listed = HashedId10(bytes(range(10)))
    index = RevocationIndex(hashes=[HashRevocation(listed, Time32(5))])
    assert index.is_hash_revoked(listed)
    assert not index.is_hash_revoked(HashedId10(bytes(range(1, 11))))
