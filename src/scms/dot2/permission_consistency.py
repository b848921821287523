"""Are a subject certificate's permissions within its issuer's certIssuePermissions? (1609.2 §5.1.2, §6.4.33-34)

Checked pairwise, subject against its direct issuer; applied at every link this gives the chain rule:
* each appPermissions entry needs an issuer entry governing its PSID (`groups_for_psid`) whose SubjectPermissions
  contain it, whose eeType includes app, and which allows a chain of length 1 below the issuer (the subject is the
  end entity);
* each certRequestPermissions entry the same with eeType enrol (the subject is an enrollment certificate);
* each certIssuePermissions entry H of a CA subject: for every PSID it covers, an issuer entry G governing that PSID
  which covers its SSP range, has every eeType bit H has, and allows every chain length H allows shifted by one
  (the subject sits one level below the issuer): H.min + 1 >= G.min and H.max + 1 <= G.max (unbounded only if G is).
  An `all` entry of the subject covers every PSID its other entries do not list, so it is checked against the
  issuer's `all` entries and against each PSID the issuer lists explicitly.
Each function returns None when consistent, else a one-line reason naming the PSID and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from scms.dot2.permissions import (
    PsidGroupPermissions,
    PsidSsp,
    PsidSspRange,
    groups_for_psid,
    listed_psids,
)

__all__ = [
    "app_permissions_violation",
    "issue_permissions_violation",
    "request_permissions_violation",
]


def _fits(g: PsidGroupPermissions, low: int, high: int | None, app: bool, enrol: bool) -> bool:
    return (not app or g.app) and (not enrol or g.enrol) and g.allows_depths(low, high)


def app_permissions_violation(subject: Sequence[PsidSsp], issuer_groups: Sequence[PsidGroupPermissions]) -> str | None:
    for permission in subject:
        governing = groups_for_psid(issuer_groups, permission.psid)
        if not any(_fits(g, 1, 1, True, False) and g.contains(permission) for g in governing):
            ssp = "" if permission.ssp is None else f" ssp {permission.ssp.value.hex()}"
            return f"appPermissions psid {permission.psid}{ssp} not within the issuer's certIssuePermissions"
    return None


def _range_allowed(
    r: PsidSspRange, issuer_groups: Sequence[PsidGroupPermissions], low: int, high: int | None, app: bool, enrol: bool
) -> bool:
    governing = groups_for_psid(issuer_groups, r.psid)
    return any(_fits(g, low, high, app, enrol) and g.covers_range(r) for g in governing)


def _group_violation(
    h: PsidGroupPermissions,
    subject_groups: Sequence[PsidGroupPermissions],
    issuer_groups: Sequence[PsidGroupPermissions],
    low: int,
    high: int | None,
    field: str,
) -> str | None:
    if h.subject is not None:
        for r in h.subject:
            if not _range_allowed(r, issuer_groups, low, high, h.app, h.enrol):
                return (
                    f"{field} psid {r.psid} (chain {low}..{high or 'any'}) not within the issuer's certIssuePermissions"
                )
        return None
    # `all` in the subject: every PSID the subject does not list elsewhere, with every SSP.
    if not any(g.subject is None and _fits(g, low, high, h.app, h.enrol) for g in issuer_groups):
        return f"{field} all (chain {low}..{high or 'any'}) not within the issuer's certIssuePermissions"
    for psid in sorted(listed_psids(issuer_groups) - listed_psids(subject_groups)):
        if not _range_allowed(PsidSspRange(psid), issuer_groups, low, high, h.app, h.enrol):
            return f"{field} all includes psid {psid}, not within the issuer's certIssuePermissions"
    return None


def issue_permissions_violation(
    subject: Sequence[PsidGroupPermissions], issuer_groups: Sequence[PsidGroupPermissions]
) -> str | None:
    for h in subject:
        if h.min_chain_length < 1:
            return "certIssuePermissions minChainLength 0 is invalid (1609.2 §6.4.34)"
        top = h.max_chain_length
        problem = _group_violation(
            h, subject, issuer_groups, h.min_chain_length + 1, None if top is None else top + 1, "certIssuePermissions"
        )
        if problem:
            return problem
    return None


def request_permissions_violation(
    subject: Sequence[PsidGroupPermissions], issuer_groups: Sequence[PsidGroupPermissions]
) -> str | None:
    for h in subject:
        # The subject is the enrollment certificate ending the chain: length 1 below its issuer, eeType enrol.
        enrol_only = PsidGroupPermissions(h.subject, 1, 0, app=False, enrol=True)
        problem = _group_violation(enrol_only, subject, issuer_groups, 1, 1, "certRequestPermissions")
        if problem:
            return problem
    return None
