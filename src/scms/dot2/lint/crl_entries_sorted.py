"""Entries appear once, in ascending order, at every level of the CRL (our profile of 1609.2 clause 7.3).

1609.2 does not fix an order; we do, so that equal revocation data gives byte-identical CRLs and a duplicate (a
certificate or chain listed twice, a JMaxGroup / LAGroup / IMaxGroup split in two) is caught before signing:
- hash CRLs: `entries` by HashedId10;
- linkage CRLs: `individual` by jmax, each JMaxGroup by (la1Id, la2Id), each LAGroup by iMax, each IMaxGroup by
  (linkageSeed1, linkageSeed2); `groups` by (iMax, la1Id, la2Id, seeds).
The builders in `scms.dot2.crl_builders` emit exactly this order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from scms.dot2.lint._crl_context import CrlLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def _out_of_order(keys: Sequence[Any], where: str) -> Iterator[str]:
    for index in range(1, len(keys)):
        if not keys[index - 1] < keys[index]:
            problem = "duplicate" if keys[index - 1] == keys[index] else "out of order"
            yield f"{where}[{index}] is {problem}"
            return


def _linkage(body: dict[str, Any]) -> Iterator[str]:
    jmax_groups = body.get("individual", [])
    yield from _out_of_order([g["jmax"] for g in jmax_groups], "individual")
    for a, jmax_group in enumerate(jmax_groups):
        la_groups = jmax_group["contents"]
        yield from _out_of_order([(g["la1Id"], g["la2Id"]) for g in la_groups], f"individual[{a}]")
        for b, la_group in enumerate(la_groups):
            imax_groups = la_group["contents"]
            yield from _out_of_order([g["iMax"] for g in imax_groups], f"individual[{a}][{b}]")
            for c, imax_group in enumerate(imax_groups):
                seeds = [(e["linkageSeed1"], e["linkageSeed2"]) for e in imax_group["contents"]]
                yield from _out_of_order(seeds, f"individual[{a}][{b}][{c}]")
    groups = body.get("groups", [])
    keys = [(g["iMax"], g["la1Id"], g["la2Id"], g["linkageSeed1"], g["linkageSeed2"]) for g in groups]
    yield from _out_of_order(keys, "groups")


def check(ctx: CrlLintContext) -> Iterator[str]:
    contents = ctx.contents
    if contents.kind.is_hash_based:
        yield from _out_of_order([bytes(e.id) for e in contents.hash_entries], "entries")
    else:
        yield from _linkage(contents.value["typeSpecific"][1])


RULE = Rule("crl_entries_sorted", "profile (1609.2 7.3)", check)
