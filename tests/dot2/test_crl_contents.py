"""CrlContents builders and view (1609.2 clause 7.3): COER layout, grouping, canonical order, strict parsing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scms import asn1
from scms.crypto import HashedId3, HashedId8, HashedId10, linkage_seed_after
from scms.dot2.crl_builders import CrlHeader, build_hash_crl, build_linkage_crl
from scms.dot2.crl_contents import CrlContents, CrlKind
from scms.dot2.crl_entries import GroupRevocation, HashRevocation, LinkageRevocation
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32

CRACA = HashedId8(bytes.fromhex("0102030405060708"))
HEADER = CrlHeader(series=3, craca=CRACA, issue_date=Time32(100), next_crl=Time32(200))


def _hash_entry(first: int, expiry: int = 0x55) -> HashRevocation:
    return HashRevocation(HashedId10(bytes([first]) * 10), Time32(expiry))


def _chain(
    tag: int, *, jmax: int = 20, i_max: int = 30, la: tuple[int, int] = (1, 2), i_rev: int = 5
) -> LinkageRevocation:
    return LinkageRevocation(la[0], la[1], bytes([tag]) * 16, bytes([tag + 1]) * 16, i_rev, i_max, jmax)


def test_hash_crl_coer_layout_byte_by_byte() -> None:
    crl = build_hash_crl(HEADER, [_hash_entry(0xBB, 0x10), _hash_entry(0xAA, 0x20)], crl_serial=7)
    expected = (
        "01"  # version 1
        "0003"  # crlSeries
        "0102030405060708"  # crlCraca
        "00000064"
        "000000c8"  # issueDate 100, nextCrl 200
        "00"  # priorityInfo: no extension, priority absent
        "80"  # typeSpecific: fullHashCrl (alternative 0)
        "00"
        "00000007"  # ToBeSignedHashIdCrl preamble, crlSerial
        "0102"  # two entries (length of the count, count)
        "00" + "aa" * 10 + "00000020"  # sorted: aa.. before bb..
        "00" + "bb" * 10 + "00000010"
    )
    assert crl.encoded.hex() == expected
    assert crl.kind is CrlKind.FULL_HASH and not crl.is_delta
    assert crl.hash_entries == (_hash_entry(0xAA, 0x20), _hash_entry(0xBB, 0x10))


def test_delta_hash_crl_uses_alternative_1_and_empty_crl_means_nothing_revoked() -> None:
    crl = build_hash_crl(HEADER, [], crl_serial=1, delta=True)
    assert crl.encoded[20] == 0x81  # after the 20 header bytes
    assert crl.kind is CrlKind.DELTA_HASH and crl.is_delta
    assert crl.hash_entries == () and crl.crl_serial == 1


def test_hash_builder_collapses_duplicates_and_refuses_two_expiries() -> None:
    crl = build_hash_crl(HEADER, [_hash_entry(1), _hash_entry(1), _hash_entry(2)], crl_serial=1)
    assert len(crl.hash_entries) == 2
    with pytest.raises(ValueError, match="two expiries"):
        build_hash_crl(HEADER, [_hash_entry(1, 5), _hash_entry(1, 6)], crl_serial=1)


def test_priority_is_encoded_when_given() -> None:
    header = CrlHeader(series=3, craca=CRACA, issue_date=Time32(100), next_crl=Time32(200), priority=9)
    crl = build_hash_crl(header, [], crl_serial=1)
    assert crl.priority == 9 and crl.encoded[19:21] == bytes([0x40, 9])
    assert build_hash_crl(HEADER, [], crl_serial=1).priority is None


def test_linkage_builder_groups_by_jmax_then_la_pair_then_imax() -> None:
    chains = [
        _chain(10, jmax=20, i_max=30),
        _chain(20, jmax=20, i_max=30),
        _chain(30, jmax=20, i_max=31),
        _chain(40, jmax=20, la=(1, 3)),
        _chain(50, jmax=10),
    ]
    crl = build_linkage_crl(HEADER, i_rev=5, individual=reversed(chains), index_within_i=2)
    kind, body = crl.value["typeSpecific"]
    assert kind == "fullLinkedCrl" and body["iRev"] == 5 and body["indexWithinI"] == 2
    assert "groups" not in body
    jmax_groups = body["individual"]
    assert [g["jmax"] for g in jmax_groups] == [10, 20]
    la_groups = jmax_groups[1]["contents"]
    assert [(g["la1Id"], g["la2Id"]) for g in la_groups] == [(b"\x00\x01", b"\x00\x02"), (b"\x00\x01", b"\x00\x03")]
    imax_groups = la_groups[0]["contents"]
    assert [g["iMax"] for g in imax_groups] == [30, 31]
    assert [e["linkageSeed1"] for e in imax_groups[0]["contents"]] == [bytes([10]) * 16, bytes([20]) * 16]
    # Reading it back gives the same chains, each with the CRL's iRev.
    assert sorted(crl.linkage_entries, key=LinkageRevocation.sort_key) == sorted(chains, key=LinkageRevocation.sort_key)


def test_linkage_builder_evolves_earlier_seeds_to_i_rev_and_refuses_later_ones() -> None:
    early = _chain(7, i_rev=2)
    crl = build_linkage_crl(HEADER, i_rev=5, individual=[early], delta=True)
    (entry,) = crl.linkage_entries
    assert crl.kind is CrlKind.DELTA_LINKED
    assert entry.i_rev == 5
    assert entry.seed1 == linkage_seed_after(1, early.seed1, 3)
    assert entry.seed2 == linkage_seed_after(2, early.seed2, 3)
    with pytest.raises(ValueError, match="forwards"):
        build_linkage_crl(HEADER, i_rev=1, individual=[early])


def test_empty_linkage_crl_keeps_individual_present_and_groups_are_listed() -> None:
    empty = build_linkage_crl(HEADER, i_rev=0)
    assert empty.value["typeSpecific"][1]["individual"] == []
    group = GroupRevocation(4, 5, b"\x01" * 16, b"\x02" * 16, 0, 9)
    crl = build_linkage_crl(HEADER, i_rev=0, groups=[group, group])
    assert crl.group_entries == (group,)
    assert crl.value["typeSpecific"][1]["groups"][0]["la1Id"] == b"\x00\x04"


def test_view_round_trips_its_bytes_and_reports_the_header() -> None:
    crl = build_linkage_crl(HEADER, i_rev=5, individual=[_chain(1)])
    again = CrlContents.from_bytes(crl.encoded)
    assert again.encoded == crl.encoded
    assert (again.version, again.series, again.craca, again.issue_date, again.next_crl) == (1, 3, CRACA, 100, 200)
    assert again.i_rev == 5 and again.crl_serial is None
    assert "seed" not in repr(again.linkage_entries) and "0101" not in repr(again)


def test_scope_rule_compares_the_last_three_bytes_of_crl_craca_and_the_series() -> None:
    crl = build_hash_crl(HEADER, [], crl_serial=1)
    assert crl.covers(HashedId3(bytes.fromhex("060708")), 3)
    assert not crl.covers(HashedId3(bytes.fromhex("010203")), 3)
    assert not crl.covers(HashedId3(bytes.fromhex("060708")), 4)


def test_truncated_or_padded_contents_fail_parsing_with_400_42() -> None:
    encoded = build_hash_crl(HEADER, [_hash_entry(1)], crl_serial=1).encoded
    for bad in (encoded[:-1], encoded + b"\x00"):
        with pytest.raises(Ieee1609Error) as caught:
            CrlContents.from_bytes(bad)
        assert caught.value.error is ErrorCode.FAILED_PARSING


def test_single_seed_entries_are_counted_as_unsupported() -> None:
    value = build_linkage_crl(HEADER, i_rev=0, individual=[_chain(1, i_rev=0)]).value
    value["typeSpecific"][1]["individual"][0]["contents"][0]["contents"][0]["singleSeed"] = [b"\x09" * 16]
    value["typeSpecific"][1]["groupsSingleSeed"] = [{"iMax": 3, "laId": b"\x00\x01", "linkageSeed": b"\x08" * 16}]
    crl = CrlContents.from_bytes(asn1.encode("CrlContents", value))
    assert crl.unsupported_entries == 2


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.binary(min_size=10, max_size=10), st.integers(0, 2**32 - 1)), max_size=12))
def test_hash_crl_is_canonical_whatever_the_input_order(raw: list[tuple[bytes, int]]) -> None:
    entries = list({HashRevocation(HashedId10(i), Time32(e)) for i, e in dict(raw).items()})
    forward = build_hash_crl(HEADER, entries, crl_serial=1)
    backward = build_hash_crl(HEADER, reversed(entries), crl_serial=1)
    assert forward.encoded == backward.encoded
    ids = [bytes(e.id) for e in forward.hash_entries]
    assert ids == sorted(set(ids))
