"""Build `CrlContents` (IEEE 1609.2 clause 7.3) from simple typed inputs; the result is a `CrlContents` view.

- `build_hash_crl`: full or delta `ToBeSignedHashIdCrl` from `HashRevocation` records (one per revoked certificate).
- `build_linkage_crl`: full or delta `ToBeSignedLinkageValueCrl` from revoked chains (`LinkageRevocation`) and
  groups (`GroupRevocation`). The builder evolves each chain's seeds to the CRL's `iRev` when they are given at an
  earlier i-period, and does the grouping the encoding asks for: chains with the same `jmax` share a `JMaxGroup`,
  then the same LA pair an `LAGroup`, then the same `iMax` an `IMaxGroup`.

Everything is emitted in one canonical order (our profile: ascending, no duplicates; the lint rule
`crl_entries_sorted` holds signed CRLs to it), so equal inputs give byte-identical CRLs. The builder does not judge
the header (e.g. nextCrl after issueDate): the lint rules do, before signing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby, pairwise
from typing import Any

from scms.crypto import HashedId8
from scms.dot2.crl_contents import CrlContents, CrlKind
from scms.dot2.crl_entries import GroupRevocation, HashRevocation, LinkageRevocation
from scms.dot2.time import Time32

__all__ = ["CrlHeader", "build_hash_crl", "build_linkage_crl"]

CRL_VERSION = 1


@dataclass(frozen=True)
class CrlHeader:
    """The fields every CRL carries: series, CRACA (HashedId8 of its certificate), issueDate, nextCrl, priority."""

    series: int
    craca: HashedId8
    issue_date: Time32
    next_crl: Time32
    priority: int | None = None

    def value(self, kind: CrlKind, body: dict[str, Any]) -> dict[str, Any]:
        priority = {} if self.priority is None else {"priority": self.priority}
        return {
            "version": CRL_VERSION,
            "crlSeries": self.series,
            "crlCraca": bytes(self.craca),
            "issueDate": int(self.issue_date),
            "nextCrl": int(self.next_crl),
            "priorityInfo": priority,
            "typeSpecific": (kind.value, body),
        }


def build_hash_crl(
    header: CrlHeader, entries: Iterable[HashRevocation], *, crl_serial: int, delta: bool = False
) -> CrlContents:
    """A full (default) or delta hash-based CRL; an empty `entries` is the "nothing revoked" CRL.

    Identical entries collapse; two entries with one id but different expiries are a caller error (ValueError).
    """
    unique = sorted(set(entries))
    for first, second in pairwise(unique):
        if first.id == second.id:
            raise ValueError(f"certificate {first.id.hex()} is listed with two expiries")
    body = {
        "crlSerial": crl_serial,
        "entries": [{"id": bytes(e.id), "expiry": int(e.expiry)} for e in unique],
    }
    kind = CrlKind.DELTA_HASH if delta else CrlKind.FULL_HASH
    return CrlContents.from_value(header.value(kind, body))


def _individual_value(chains: list[LinkageRevocation]) -> list[dict[str, Any]]:
    jmax_groups = []
    for jmax, in_jmax in groupby(chains, key=lambda c: c.jmax):
        la_groups = []
        for (la1, la2), in_pair in groupby(in_jmax, key=lambda c: (c.la1_id, c.la2_id)):
            imax_groups = [
                {
                    "iMax": i_max,
                    "contents": [{"linkageSeed1": c.seed1, "linkageSeed2": c.seed2} for c in in_imax],
                }
                for i_max, in_imax in groupby(in_pair, key=lambda c: c.i_max)
            ]
            la_groups.append({"la1Id": la1.to_bytes(2), "la2Id": la2.to_bytes(2), "contents": imax_groups})
        jmax_groups.append({"jmax": jmax, "contents": la_groups})
    return jmax_groups


def build_linkage_crl(
    header: CrlHeader,
    *,
    i_rev: int,
    individual: Iterable[LinkageRevocation] = (),
    groups: Iterable[GroupRevocation] = (),
    index_within_i: int = 0,
    delta: bool = False,
) -> CrlContents:
    """A full (default) or delta linkage-based CRL at i-period `i_rev`.

    Each record's seeds are taken at its own `i_rev` and evolved forwards to the CRL's `i_rev` (a record from a later
    i-period is a ValueError: seeds cannot evolve backwards). `individual` is always present (possibly empty) so
    that the "individual or groups present" constraint of `ToBeSignedLinkageValueCrl` holds.
    """
    chains = sorted({c.at(i_rev) for c in individual}, key=LinkageRevocation.sort_key)
    group_list = sorted({g.at(i_rev) for g in groups}, key=GroupRevocation.sort_key)
    body: dict[str, Any] = {
        "iRev": i_rev,
        "indexWithinI": index_within_i,
        "individual": _individual_value(chains),
    }
    if group_list:
        body["groups"] = [
            {
                "iMax": g.i_max,
                "la1Id": g.la1_id.to_bytes(2),
                "linkageSeed1": g.seed1,
                "la2Id": g.la2_id.to_bytes(2),
                "linkageSeed2": g.seed2,
            }
            for g in group_list
        ]
    kind = CrlKind.DELTA_LINKED if delta else CrlKind.FULL_LINKED
    return CrlContents.from_value(header.value(kind, body))
