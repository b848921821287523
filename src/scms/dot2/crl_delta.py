"""Full and delta CRLs (IEEE 1609.2 clause 7.3): a relying party's current entry set for one (CRACA, series).

A full CRL lists every certificate of its (cracaId, crlSeries) that is revoked and not yet expired; a delta CRL lists
those revoked since the previous CRL of the same pair (standards notes §8). `RevocationSet.from_full(crl)` starts a
set from a full CRL and `apply_delta(current, delta)` returns the set after one delta:

- the delta must be a delta CRL of the same `crlCraca` and `crlSeries`, of the same family (hash or linkage), issued
  strictly later than the set;
- entries are united, never removed by a delta (1609.2 has no "un-revoke");
- hash entries whose `expiry` is before the delta's `issueDate` are dropped (the certificate has expired, so a full
  CRL issued then would not list it either);
- linkage entries keep the `iRev` of the CRL that listed them (seeds cannot evolve backwards, so an entry from an
  earlier CRL still covers i-periods the delta's entries cannot); pass `current_i` to drop those whose `iMax` has
  passed ("keep revoked entries until iMax has passed").

The result answers the same questions as a CRL (`covers`, entries, `linkage_index`), so `scms.dot2.revocation`
takes either. Verify every CRL (`scms.dot2.crl_verification`) before it goes into a set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from scms.crypto import HashedId3, HashedId8
from scms.dot2.crl_contents import CrlContents
from scms.dot2.crl_entries import GroupRevocation, HashRevocation, LinkageRevocation
from scms.dot2.revocation_index import RevocationIndex
from scms.dot2.time import Time32

__all__ = ["RevocationSet", "apply_delta"]


@dataclass(frozen=True, eq=False)
class RevocationSet:
    """Revoked entries of one (CRACA, series) as of `issue_date`: a full CRL plus the deltas applied to it."""

    craca: HashedId8
    series: int
    issue_date: Time32
    next_crl: Time32
    hash_based: bool
    hash_entries: tuple[HashRevocation, ...] = ()
    linkage_entries: tuple[LinkageRevocation, ...] = ()
    group_entries: tuple[GroupRevocation, ...] = ()
    unsupported_entries: int = 0
    _index: list[RevocationIndex] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def from_full(cls, crl: CrlContents) -> RevocationSet:
        """The entry set a full CRL states (ValueError for a delta CRL: it needs a base)."""
        if crl.is_delta:
            raise ValueError("a revocation set starts from a full CRL, not a delta")
        return cls(
            crl.craca,
            crl.series,
            crl.issue_date,
            crl.next_crl,
            crl.kind.is_hash_based,
            crl.hash_entries,
            crl.linkage_entries,
            crl.group_entries,
            crl.unsupported_entries,
        )

    def covers(self, craca_id: HashedId3, crl_series: int) -> bool:
        """Scope rule (5.1.3.2), as `CrlContents.covers`."""
        return bytes(craca_id) == bytes(self.craca)[-3:] and crl_series == self.series

    def revocation_index(self) -> RevocationIndex:
        """The lazily built, cached revocation index of this set."""
        if not self._index:
            self._index.append(RevocationIndex(self.hash_entries, self.linkage_entries, self.group_entries))
        return self._index[0]


_Entry = TypeVar("_Entry", HashRevocation, LinkageRevocation, GroupRevocation)


def _united(old: tuple[_Entry, ...], new: tuple[_Entry, ...]) -> list[_Entry]:
    """Both lists in order, each entry once."""
    return list(dict.fromkeys(old + new))


def apply_delta(current: RevocationSet, delta: CrlContents, *, current_i: int | None = None) -> RevocationSet:
    """The entry set after `delta` (see the module docstring for the rules); ValueError if it does not apply."""
    if not delta.is_delta:
        raise ValueError("apply_delta takes a delta CRL; start a new set from a full CRL with RevocationSet.from_full")
    if delta.craca != current.craca or delta.series != current.series:
        raise ValueError("the delta CRL is for another (crlCraca, crlSeries)")
    if delta.kind.is_hash_based != current.hash_based:
        raise ValueError("the delta CRL is of the other family (hash-based vs linkage-based)")
    if delta.issue_date <= current.issue_date:
        raise ValueError("the delta CRL is not later than the entry set")
    hashes = _united(current.hash_entries, delta.hash_entries)
    chains = _united(current.linkage_entries, delta.linkage_entries)
    groups = _united(current.group_entries, delta.group_entries)
    if current_i is not None:
        chains = [c for c in chains if c.i_max >= current_i]
        groups = [g for g in groups if g.i_max >= current_i]
    return RevocationSet(
        current.craca,
        current.series,
        delta.issue_date,
        delta.next_crl,
        current.hash_based,
        tuple(sorted(e for e in hashes if e.expiry >= delta.issue_date)),
        tuple(chains),
        tuple(groups),
        current.unsupported_entries + delta.unsupported_entries,
    )
