"""Verifying CTLs (1609.2.1 clauses 4.1.6, 8): the first one out of band, then each next one by the previous
CTL's quorum of its electors; rollover of electors and root CAs over three CTLs."""

from __future__ import annotations

import pytest

from scms import asn1
from scms.dot2 import ErrorCode, Ieee1609Error
from scms.dot2.lint import LintError
from scms.dot2.spdu import SignerDigest, SignerSelf, unsecured
from scms.dot2.time import Time32
from scms.protocol import (
    TbsCtl,
    TrustState,
    parse_ctl,
    sign_ctl,
    verify_ctl_sequence,
    verify_first_ctl,
    verify_next_ctl,
)

from ._trust_fixtures import (
    NOW,
    SERIES,
    START,
    Party,
    forge_ctl,
    forge_ctl_signature,
    make_ctl,
    make_elector,
    make_root,
)


@pytest.fixture(scope="module")
def electors() -> list[Party]:
    return [make_elector(f"elector{i}.test") for i in range(5)]


@pytest.fixture(scope="module")
def roots() -> list[Party]:
    return [make_root("root1.test"), make_root("root2.test")]


@pytest.fixture(scope="module")
def first(electors: list[Party], roots: list[Party]) -> bytes:
    """CTL 1: electors 0-2 approved, quorum 2, root 1, signed by all three."""
    return make_ctl(1, electors[:3], roots[:1], electors[:3], quorum=2)


@pytest.fixture(scope="module")
def state(first: bytes) -> TrustState:
    return verify_first_ctl(first, NOW)


def _code(call: object, *args: object, **kwargs: object) -> tuple[ErrorCode, str]:
    with pytest.raises(Ieee1609Error) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value.error, caught.value.detail


def test_first_ctl_establishes_trust(state: TrustState, electors: list[Party], roots: list[Party]) -> None:
    assert (state.series_id, state.sequence_number, state.effective_date, state.quorum) == (SERIES, 1, START + 1000, 2)
    assert dict(state.electors) == {e.elector_id: e.cert for e in electors[:3]}
    assert state.root_certificates == (roots[0].cert,)
    assert state.elector_certificates == tuple(e.cert for e in electors[:3])
    with pytest.raises(TypeError):
        state.root_cas[roots[1].root_id] = roots[1].cert  # type: ignore[index]


def test_first_ctl_needs_its_own_quorum(electors: list[Party], roots: list[Party]) -> None:
    one_short = make_ctl(1, electors[:3], roots[:1], electors[:1], quorum=2)
    assert _code(verify_first_ctl, one_short, NOW) == (
        ErrorCode.FAILED_CHAIN_VERIFICATION,
        "CTL 1: 1 valid signatures of approved electors, quorum 2",
    )
    assert verify_first_ctl(one_short, NOW, quorum=1).quorum == 2  # a caller may accept fewer; the state keeps 2
    # Signed by electors it does not approve: those signatures do not count.
    outsiders = make_ctl(1, electors[:3], roots[:1], electors[3:5], quorum=2)
    assert "0 valid signatures" in _code(verify_first_ctl, outsiders, NOW)[1]


def test_first_ctl_pinned_electors(first: bytes, electors: list[Party]) -> None:
    assert verify_first_ctl(first, NOW, trusted_electors=[e.cert for e in electors[:2]]).sequence_number == 1
    detail = _code(verify_first_ctl, first, NOW, trusted_electors=[electors[0].cert])[1]
    assert "1 valid signatures" in detail


def test_first_ctl_not_yet_in_effect(first: bytes) -> None:
    error, detail = _code(verify_first_ctl, first, Time32(START + 999))
    assert error is ErrorCode.FAILED_CHAIN_VERIFICATION and "not in effect" in detail


def test_next_ctl_quorum_satisfied_and_one_short(state: TrustState, electors: list[Party], roots: list[Party]) -> None:
    ctl2 = make_ctl(2, electors[:3], roots[:1], electors[1:3], quorum=3)
    after = verify_next_ctl(state, ctl2, NOW)
    assert (after.sequence_number, after.quorum) == (2, 3)
    one_short = make_ctl(2, electors[:3], roots[:1], electors[2:3], quorum=2)
    assert "1 valid signatures of approved electors, quorum 2" in _code(verify_next_ctl, state, one_short, NOW)[1]


def test_unapproved_elector_signature_does_not_count(
    state: TrustState, electors: list[Party], roots: list[Party]
) -> None:
    """Elector 3 is approved by CTL 2 itself, but not by CTL 1: its signature on CTL 2 does not count."""
    ctl2 = make_ctl(2, electors[:4], roots[:1], [electors[0], electors[3]], quorum=2)
    assert "1 valid signatures" in _code(verify_next_ctl, state, ctl2, NOW)[1]
    ctl2 = make_ctl(2, electors[:4], roots[:1], [electors[0], electors[3], electors[1]], quorum=2)
    assert set(verify_next_ctl(state, ctl2, NOW).electors) == {e.elector_id for e in electors[:4]}


def test_duplicate_elector_signature_counts_once(
    state: TrustState, electors: list[Party], roots: list[Party]
) -> None:
    """assemble_ctl refuses a repeated signer, so the CTL is put together the way a hostile distributor would."""
    tbs = parse_ctl(make_ctl(2, electors[:3], roots[:1], electors[:1], quorum=2)).tbs_bytes
    # ECDSA is randomised: the second signature by the same elector has other bytes.
    again = [sign_ctl(tbs, electors[0].key, electors[0].cert, NOW) for _ in range(2)]
    twice = forge_ctl(tbs, again, [r.cert for r in roots[:1]] + [e.cert for e in electors[:3]])
    assert len(parse_ctl(twice).signatures) == 2
    assert "1 valid signatures" in _code(verify_next_ctl, state, twice, NOW)[1]


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def test_flipped_byte_in_tbs_ctl_is_rejected(
    state: TrustState, first: bytes, electors: list[Party], roots: list[Party]
) -> None:
    ctl2 = make_ctl(2, electors[:3], roots[:1], electors[:3], quorum=2)
    parsed = parse_ctl(ctl2)
    effective_date_last_byte = ctl2.index(parsed.tbs_bytes) + 1 + 1 + 8 + 2 + 3  # preamble, type, id, number
    tampered = _flip(ctl2, effective_date_last_byte)
    assert parse_ctl(tampered).effective_date == parsed.effective_date ^ 1
    error, detail = _code(verify_next_ctl, state, tampered, NOW)
    assert error is ErrorCode.FAILED_SIGNATURE_VERIFICATION and "tbsCtlHash" in detail
    error, _ = _code(verify_first_ctl, _flip(first, first.index(parse_ctl(first).tbs_bytes) + 15), NOW)
    assert error is ErrorCode.FAILED_SIGNATURE_VERIFICATION


def test_flipped_byte_in_a_signature_is_rejected(state: TrustState, electors: list[Party], roots: list[Party]) -> None:
    ctl2 = make_ctl(2, electors[:3], roots[:1], electors[:3], quorum=2)
    signature = parse_ctl(ctl2).signatures[1].raw
    last_s_byte = ctl2.index(signature) + len(signature) - 1
    assert _code(verify_next_ctl, state, _flip(ctl2, last_s_byte), NOW)[0] is ErrorCode.FAILED_SIGNATURE_VERIFICATION


def test_wrong_series_and_sequence_gap(state: TrustState, electors: list[Party], roots: list[Party]) -> None:
    other_series = make_ctl(2, electors[:3], roots[:1], electors[:3], quorum=2, series=b"\x09" * 8)
    assert "series" in _code(verify_next_ctl, state, other_series, NOW)[1]
    gap = make_ctl(3, electors[:3], roots[:1], electors[:3], quorum=2)
    assert "CTL 3 does not follow CTL 1" in _code(verify_next_ctl, state, gap, NOW)[1]
    same = make_ctl(1, electors[:3], roots[:1], electors[:3], quorum=2)
    assert "does not follow" in _code(verify_next_ctl, state, same, NOW)[1]
    earlier = make_ctl(2, electors[:3], roots[:1], electors[:3], quorum=2, effective_date=Time32(START))
    assert "takes effect before" in _code(verify_next_ctl, state, earlier, NOW)[1]


def test_three_ctl_rollover(first: bytes, electors: list[Party], roots: list[Party]) -> None:
    """CTL 2 adds elector 3 and root 2; CTL 3 replaces root 1 by root 2 and removes elector 0."""
    e0, e1, e2, e3 = electors[:4]
    r1, r2 = roots
    ctl2 = make_ctl(2, [e0, e1, e2, e3], [r1, r2], [e0, e1], quorum=2)
    ctl3 = make_ctl(3, [e1, e2, e3], [r2], [e0, e3, e2], quorum=2, elector_remove=[e0], root_remove=[r1])
    state = verify_ctl_sequence(first, [ctl2, ctl3], NOW)
    assert state.sequence_number == 3
    assert dict(state.electors) == {e.elector_id: e.cert for e in (e1, e2, e3)}
    assert dict(state.root_cas) == {r2.root_id: r2.cert}
    # e0, removed by CTL 3, no longer counts for CTL 4; e3, added by CTL 2, does.
    ctl4 = make_ctl(4, [e1, e2, e3], [r2], [e0, e1], quorum=2)
    assert "1 valid signatures" in _code(verify_next_ctl, state, ctl4, NOW)[1]
    assert verify_next_ctl(state, make_ctl(4, [e1, e2, e3], [r2], [e3, e1], quorum=2), NOW).sequence_number == 4
    # CTL 3 straight after CTL 1 is a gap.
    assert "does not follow" in _code(verify_ctl_sequence, first, [ctl3], NOW)[1]


def test_certificates_left_out_come_from_the_previous_ctl(
    first: bytes, state: TrustState, electors: list[Party], roots: list[Party]
) -> None:
    """The standard puts every approved certificate in `unsigned`; a CTL from another generator that leaves out
    ones the device already trusts still verifies, and one that leaves out a new one does not."""
    e0, e1, e2, e3 = electors[:4]
    tbs = parse_ctl(make_ctl(2, [e0, e1, e2, e3], roots[:1], [e0], quorum=2)).tbs_bytes
    signatures = [sign_ctl(tbs, e.key, e.cert, NOW) for e in (e0, e1)]
    lean = forge_ctl(tbs, signatures, [e3.cert])
    assert dict(verify_next_ctl(state, lean, NOW).electors) == {e.elector_id: e.cert for e in (e0, e1, e2, e3)}
    leaner = forge_ctl(tbs, signatures, [])
    assert "no certificate for approved elector" in _code(verify_next_ctl, state, leaner, NOW)[1]


def test_receipt_lint(state: TrustState, electors: list[Party], roots: list[Party]) -> None:
    """A CTL listing an elector both approved and removed fails the receipt lint (400-40), signed or not."""
    tbs = TbsCtl(SERIES, 2, Time32(START + 2000), (electors[0].elector_id,), (electors[0].elector_id,),
                 (roots[0].root_id,), (), 1).to_bytes()
    signatures = [forge_ctl_signature(tbs, e) for e in electors[:2]]
    forged = forge_ctl(tbs, signatures, [roots[0].cert, electors[0].cert])
    with pytest.raises(LintError, match="ctl_lists_disjoint") as caught:
        verify_next_ctl(state, forged, NOW)
    assert caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION


def test_signature_naming_another_ctl_is_rejected(state: TrustState, electors: list[Party], roots: list[Party]) -> None:
    tbs = parse_ctl(make_ctl(2, electors[:3], roots[:1], electors[:1], quorum=2)).tbs_bytes
    signatures = [
        forge_ctl_signature(tbs, electors[0], sequence_number=7),
        sign_ctl(tbs, electors[1].key, electors[1].cert, NOW),
    ]
    forged = forge_ctl(tbs, signatures, [roots[0].cert, *(e.cert for e in electors[:3])])
    error, detail = _code(verify_next_ctl, state, forged, NOW)
    assert error is ErrorCode.FAILED_SIGNATURE_VERIFICATION and "signed another CTL" in detail


def test_signer_by_digest_counts_and_self_does_not(
    state: TrustState, electors: list[Party], roots: list[Party]
) -> None:
    """1609.2.1-2022 asks for the signer certificate itself; a signature naming an approved elector by digest can
    still be attributed and counts, one by `self` cannot be attributed and does not."""
    tbs = parse_ctl(make_ctl(2, electors[:3], roots[:1], electors[:1], quorum=2)).tbs_bytes
    members = [roots[0].cert, *(e.cert for e in electors[:3])]
    by_digest = forge_ctl_signature(tbs, electors[1], signer=SignerDigest(electors[1].cert))
    by_self = forge_ctl_signature(tbs, electors[2], signer=SignerSelf())
    first = sign_ctl(tbs, electors[0].key, electors[0].cert, NOW)
    assert verify_next_ctl(state, forge_ctl(tbs, [first, by_digest], members), NOW).sequence_number == 2
    assert "1 valid signatures" in _code(verify_next_ctl, state, forge_ctl(tbs, [first, by_self], members), NOW)[1]


def test_quorum_absent(state: TrustState, electors: list[Party], roots: list[Party]) -> None:
    """A CTL from a generator predating `quorum`: the previous quorum carries over; a first CTL needs one given."""
    tbs = TbsCtl(SERIES, 2, Time32(START + 2000), tuple(e.elector_id for e in electors[:3]), (),
                 (roots[0].root_id,), (), None).to_bytes()
    members = [roots[0].cert, *(e.cert for e in electors[:3])]
    old_style = forge_ctl(tbs, [forge_ctl_signature(tbs, e) for e in electors[:2]], members)
    assert verify_next_ctl(state, old_style, NOW).quorum == state.quorum == 2
    assert "names no quorum" in _code(verify_first_ctl, old_style, NOW)[1]
    assert verify_first_ctl(old_style, NOW, quorum=2).quorum == 2


def test_unknown_ctl_type(electors: list[Party], roots: list[Party]) -> None:
    ctl = make_ctl(1, electors[:1], roots[:1], electors[:1], quorum=1)
    outer = asn1.decode("Ieee1609Dot2Data", ctl)
    pdu = asn1.decode("ScmsPdu", outer["content"][1])
    pdu["content"][1][1]["type"] = 2
    other_type = unsecured(asn1.encode("ScmsPdu", pdu))
    with pytest.raises(Ieee1609Error, match="CTL type 2: only fullIeeeCtl") as caught:
        parse_ctl(other_type)
    assert caught.value.error is ErrorCode.FAILED_PARSING
