"""PSID/SSP matching, SSP ranges, group permissions and the subject-within-issuer consistency rules."""

from __future__ import annotations

import pytest

from scms.dot2.permission_consistency import (
    app_permissions_violation,
    issue_permissions_violation,
    request_permissions_violation,
)
from scms.dot2.permissions import (
    PsidGroupPermissions,
    PsidSsp,
    PsidSspRange,
    Ssp,
    SspRange,
    group_permissions_from_coer,
    group_permissions_to_coer,
    groups_for_psid,
)

OPAQUE = SspRange(opaque=(b"", b"\x01", b"\x02\x03"))
BITMAP = SspRange(bitmap_value=b"\x80\x01", bitmap_mask=b"\xc0\x01")


@pytest.mark.parametrize(
    ("ssp_range", "ssp", "inside"),
    [
        (SspRange.all(), None, True),
        (SspRange.all(), Ssp(b"\xff"), True),
        (OPAQUE, None, True),  # absent SSP = the empty opaque value, listed
        (SspRange(opaque=(b"\x01",)), None, False),
        (OPAQUE, Ssp(b"\x02\x03"), True),
        (OPAQUE, Ssp(b"\x02"), False),
        (OPAQUE, Ssp(b"\x01", bitmap=True), False),  # a bitmapSsp is never within an opaque range
        (BITMAP, Ssp(b"\xbf\xff", bitmap=True), True),  # masked bits 10.......  .......1 match
        (BITMAP, Ssp(b"\x81\x01", bitmap=True), True),
        (BITMAP, Ssp(b"\x40\x01", bitmap=True), False),
        (BITMAP, Ssp(b"\x80\x00", bitmap=True), False),
        (BITMAP, Ssp(b"\x80", bitmap=True), False),  # shorter than the range
        (BITMAP, Ssp(b"\x80\x01"), False),  # an opaque SSP is never within a bitmap range
        (BITMAP, None, False),
    ],
)
def test_ssp_within_range(ssp_range: SspRange, ssp: Ssp | None, inside: bool) -> None:
    assert ssp_range.contains(ssp) is inside


@pytest.mark.parametrize(
    ("outer", "inner", "covered"),
    [
        (SspRange.all(), BITMAP, True),
        (OPAQUE, SspRange.all(), False),
        (OPAQUE, SspRange(opaque=(b"\x01", b"")), True),
        (OPAQUE, SspRange(opaque=(b"\x01", b"\x09")), False),
        (BITMAP, SspRange(bitmap_value=b"\xa0\x01", bitmap_mask=b"\xe0\x01"), True),  # fixes more bits, same values
        (BITMAP, SspRange(bitmap_value=b"\xa0\x01", bitmap_mask=b"\xe0\x00"), False),  # frees a bit the issuer fixed
        (BITMAP, SspRange(bitmap_value=b"\x00\x01", bitmap_mask=b"\xc0\x01"), False),  # another fixed value
        (BITMAP, SspRange(opaque=(b"\x80\x01",)), False),
        (OPAQUE, BITMAP, False),
    ],
)
def test_range_within_range(outer: SspRange, inner: SspRange, covered: bool) -> None:
    assert outer.covers(inner) is covered


def test_absent_ssp_range_means_all() -> None:
    assert PsidSspRange(5).effective_range.is_all
    assert PsidSspRange(5).covers(PsidSspRange(5, BITMAP)) and not PsidSspRange(5, BITMAP).covers(PsidSspRange(5))
    assert not PsidSspRange(5).covers(PsidSspRange(6))


def test_coer_round_trip_and_defaults() -> None:
    groups = (
        PsidGroupPermissions(None, 3, -1, True, True),
        PsidGroupPermissions((PsidSspRange(35), PsidSspRange(256, SspRange.all()), PsidSspRange(9, BITMAP)), 1, 0),
        PsidGroupPermissions((PsidSspRange(38, OPAQUE),), 2, 4, app=False, enrol=True),
    )
    assert group_permissions_from_coer(group_permissions_to_coer(groups)) == groups
    # DEFAULT values missing from a value (as a hand-written one may be) read as 1, 0, {app}.
    assert group_permissions_from_coer([{"subjectPermissions": ("all", None)}]) == (PsidGroupPermissions(),)


def test_chain_length_window() -> None:
    bounded = PsidGroupPermissions(None, 2, 1)
    assert [bounded.allows_depth(d) for d in (1, 2, 3, 4)] == [False, True, True, False]
    assert bounded.allows_depths(2, 3) and not bounded.allows_depths(2, None) and not bounded.allows_depths(1, 2)
    unbounded = PsidGroupPermissions(None, 1, -1)
    assert unbounded.max_chain_length is None and unbounded.allows_depths(5, None)


# The ISS root's certIssuePermissions (see real-certificates/iss-root.json): all at chain >= 3, and 35, 38, 256
# explicitly at chain >= 1.
ROOT = (
    PsidGroupPermissions(None, 3, -1, True, True),
    PsidGroupPermissions((PsidSspRange(35),), 1, -1, True, True),
    PsidGroupPermissions((PsidSspRange(38),), 1, -1, True, True),
    PsidGroupPermissions((PsidSspRange(256, SspRange.all()),), 1, -1, True, True),
)


def test_all_entry_covers_only_unlisted_psids() -> None:
    assert groups_for_psid(ROOT, 35) == (ROOT[1],)
    assert groups_for_psid(ROOT, 32) == (ROOT[0],)
    assert groups_for_psid(ROOT[1:], 32) == ()


def test_app_permissions_against_the_real_root_rules() -> None:
    # Directly under the root (chain length 1): psid 35 is allowed, psid 32 only 3+ levels down.
    assert app_permissions_violation((PsidSsp(35, Ssp(b"\x83\x00\x01")),), ROOT) is None
    problem = app_permissions_violation((PsidSsp(32),), ROOT)
    assert problem is not None and "psid 32" in problem
    app_only = (PsidGroupPermissions((PsidSspRange(32),), 1, 0, app=False, enrol=True),)
    assert app_permissions_violation((PsidSsp(32),), app_only) is not None


def test_issue_permissions_shift_the_chain_by_one() -> None:
    ica = (PsidGroupPermissions(None, 2, -1, True, True),)  # an ICA under the root: chains of 3+ below the root
    assert issue_permissions_violation(ica, ROOT) is None
    pca_under_root = (PsidGroupPermissions(None, 1, 0),)  # would make a chain of length 2 below the root
    problem = issue_permissions_violation(pca_under_root, ROOT)
    assert problem is not None and "all" in problem
    assert issue_permissions_violation((PsidGroupPermissions(None, 1, 0),), ica) is None
    assert (
        issue_permissions_violation((PsidGroupPermissions(None, 1, 1),), (PsidGroupPermissions(None, 2, 0),))
        is not None
    )
    assert issue_permissions_violation((PsidGroupPermissions(None, 0, 0),), ica) is not None  # minChainLength 0


def test_subject_all_must_fit_every_psid_the_issuer_lists() -> None:
    issuer = (
        PsidGroupPermissions(None, 1, -1),
        PsidGroupPermissions((PsidSspRange(35, SspRange(opaque=(b"\x01",))),), 1, -1),
    )
    problem = issue_permissions_violation((PsidGroupPermissions(None, 1, 0),), issuer)
    assert problem is not None and "psid 35" in problem
    # ... unless the subject lists that PSID itself, within the issuer's range.
    subject = (PsidGroupPermissions(None, 1, 0), PsidGroupPermissions((PsidSspRange(35, SspRange(opaque=(b"\x01",))),)))
    assert issue_permissions_violation(subject, issuer) is None


def test_ee_type_bits_must_be_granted() -> None:
    issuer = (PsidGroupPermissions(None, 1, -1, app=True, enrol=False),)
    assert issue_permissions_violation((PsidGroupPermissions(None, 1, 0, app=True, enrol=True),), issuer) is not None
    assert request_permissions_violation((PsidGroupPermissions((PsidSspRange(32),)),), issuer) is not None
    enrol = (PsidGroupPermissions(None, 1, 0, app=False, enrol=True),)
    assert request_permissions_violation((PsidGroupPermissions((PsidSspRange(32),)),), enrol) is None
