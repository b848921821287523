"""What a CRL revokes, indexed for lookups: certificate hashes and, per i-period, linkage values (IEEE 1609.2 7.3).

Hash entries (5.1.3.2) are a set of HashedId10. For an individual entry (seeds ls1, ls2 at iRev) and a
certificate of i-period i with iRev <= i <= iMax, the verifier evolves both seeds i - iRev times (each with its own
la_id), then computes lv(i, j) = plv1(i, j) xor plv2(i, j) for j = 0 .. jmax-1 (standards notes §7.4). A group entry
is matched the same way, with the group seeds and the jValue carried in the certificate's `group-linkage-value` in
place of j (§7.2).

Cost: per i, (i - iRev) SHA-256 per seed, reused incrementally when i grows, and one AES key schedule per seed with
jmax blocks. The set of revoked values of the last few i-periods asked is kept (a verifier sees certificates of the
current i-period and its neighbours), so each certificate check is then one set lookup. The caches are plain dicts:
share an index between threads only behind a lock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from scms.crypto import (
    HashedId10,
    group_linkage_value,
    group_pre_linkage_value,
    linkage_seed_after,
    linkage_value,
    pre_linkage_values,
)
from scms.dot2.crl_entries import GroupRevocation, HashRevocation, LinkageRevocation

__all__ = ["RevocationIndex"]

_KEPT_PERIODS = 4

_Seeds = tuple[int, bytes, bytes]  # (i, seed1 at i, seed2 at i)


class _SeedCursor:
    """Seeds of one entry at the last i asked, so that evolving to a later i reuses the work already done."""

    __slots__ = ("la1", "la2", "origin", "state")

    def __init__(self, la1: int, la2: int, i_rev: int, seed1: bytes, seed2: bytes) -> None:
        self.la1, self.la2 = la1, la2
        self.origin: _Seeds = (i_rev, seed1, seed2)
        self.state: _Seeds = self.origin

    def at(self, i: int) -> tuple[bytes, bytes]:
        start = self.state if self.state[0] <= i else self.origin
        steps = i - start[0]
        seed1 = linkage_seed_after(self.la1, start[1], steps)
        seed2 = linkage_seed_after(self.la2, start[2], steps)
        self.state = (i, seed1, seed2)
        return seed1, seed2


class RevocationIndex:
    """Answers "is this certificate hash / linkage value / group linkage value revoked?" for a set of entries."""

    def __init__(
        self,
        hashes: Sequence[HashRevocation] = (),
        individual: Sequence[LinkageRevocation] = (),
        groups: Sequence[GroupRevocation] = (),
    ) -> None:
        self._hash_ids = frozenset(bytes(e.id) for e in hashes)
        self._individual = [(e, _SeedCursor(e.la1_id, e.la2_id, e.i_rev, e.seed1, e.seed2)) for e in individual]
        self._groups = [(g, _SeedCursor(g.la1_id, g.la2_id, g.i_rev, g.seed1, g.seed2)) for g in groups]
        self._values: OrderedDict[int, frozenset[bytes]] = OrderedDict()

    def is_hash_revoked(self, certificate_id: HashedId10) -> bool:
        """True if a hash entry names this HashedId10 of a whole certificate."""
        return bytes(certificate_id) in self._hash_ids

    def revoked_values(self, i: int) -> frozenset[bytes]:
        """Every lv(i, j) revoked at i-period `i` by the individual entries (cached for the last few i)."""
        cached = self._values.get(i)
        if cached is not None:
            self._values.move_to_end(i)
            return cached
        values: set[bytes] = set()
        for entry, cursor in self._individual:
            if entry.i_rev <= i <= entry.i_max:
                seed1, seed2 = cursor.at(i)
                js = range(entry.jmax)
                plv1 = pre_linkage_values(entry.la1_id, seed1, js)
                plv2 = pre_linkage_values(entry.la2_id, seed2, js)
                values.update(linkage_value(a, b) for a, b in zip(plv1, plv2, strict=True))
        frozen = frozenset(values)
        self._values[i] = frozen
        if len(self._values) > _KEPT_PERIODS:
            self._values.popitem(last=False)
        return frozen

    def is_linkage_value_revoked(self, i: int, value: bytes) -> bool:
        """True if `value` is lv(i, j) of a revoked chain for some j < jmax."""
        return bytes(value) in self.revoked_values(i)

    def is_group_value_revoked(self, i: int, j_value: int, value: bytes) -> bool:
        """True if `value` is glv(i, jValue) of a revoked group (group seeds evolved to i)."""
        for entry, cursor in self._groups:
            if entry.i_rev <= i <= entry.i_max:
                seed1, seed2 = cursor.at(i)
                glv = group_linkage_value(
                    group_pre_linkage_value(entry.la1_id, seed1, j_value),
                    group_pre_linkage_value(entry.la2_id, seed2, j_value),
                )
                if glv == bytes(value):
                    return True
        return False
