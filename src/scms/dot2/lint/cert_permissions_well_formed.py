"""Permission fields are well formed (1609.2 §6.4.8 field notes, §6.4.34 PsidGroupPermissions).

* appPermissions lists each PSID at most once;
* certIssuePermissions / certRequestPermissions hold at most one `all` entry;
* in certIssuePermissions minChainLength is at least 1 and chainLengthRange at least -1;
* a bitmapSspRange has sspValue and sspBitmask of the same length.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule
from scms.dot2.permissions import PsidGroupPermissions

__all__ = ["RULE"]


def _groups(name: str, groups: Sequence[PsidGroupPermissions], issue: bool) -> Iterator[str]:
    if sum(1 for g in groups if g.subject is None) > 1:
        yield f"{name} has more than one `all` entry"
    for g in groups:
        if issue and g.min_chain_length < 1:
            yield f"{name} minChainLength {g.min_chain_length} < 1"
        if g.chain_length_range < -1:
            yield f"{name} chainLengthRange {g.chain_length_range} < -1"
        if not (g.app or g.enrol):
            yield f"{name} eeType has no bit set"
        for r in g.subject or ():
            rng = r.ssp_range
            if rng is not None and rng.is_bitmap and len(rng.bitmap_value) != len(rng.bitmap_mask):
                yield f"{name} psid {r.psid}: bitmapSspRange value and mask differ in length"


def check(ctx: CertificateLintContext) -> Iterator[str]:
    t = ctx.template
    psids = [p.psid for p in t.app_permissions]
    for psid in sorted({p for p in psids if psids.count(p) > 1}):
        yield f"appPermissions lists psid {psid} more than once"
    yield from _groups("certIssuePermissions", t.cert_issue_permissions, issue=True)
    yield from _groups("certRequestPermissions", t.cert_request_permissions, issue=False)


RULE = Rule(
    "cert_permissions_well_formed",
    "1609.2 6.4.8, 6.4.34",
    check,
    reads=frozenset({"app_permissions", "cert_issue_permissions", "cert_request_permissions"}),
)
