"""The RA's verified-chain caches (1609.2 clause 5.1.2; style rule 10's "verify once"): enrollment certificates
(to a trusted ECA) and ACA certificates (answers of the ACA), each verified to a root CA the home CTL approves.

Every authorization and download request carries the device's enrollment certificate, and every ACA answer the
ACA's certificate: verifying the same chain again for each would cost more than the rest of the request. A
certificate whose chain verified is remembered by its HashedId8, with its bytes (so another certificate with the same
HashedId8 is never taken for it) and the interval in which every certificate of its chain is valid; within that
interval it is not verified again. A failed chain is never remembered. Revocation of CA certificates is the CTL's
and the CCF's business (a new deployment load), not this cache's.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from scms.crypto import HashedId8
from scms.dot2.certificate import Certificate
from scms.dot2.chain import verify_chain
from scms.dot2.time import Time32

__all__ = ["ChainCache"]


@dataclass(frozen=True)
class _Verified:
    data: bytes
    not_before: int
    not_after: int


class ChainCache:
    """Certificates verified to `anchors` through `intermediates`, remembered by HashedId8 (at most `capacity`)."""

    def __init__(self, intermediates: Sequence[Certificate], anchors: Sequence[Certificate], *,
                 capacity: int = 100_000) -> None:
        self.intermediates = tuple(intermediates)
        self.anchors = tuple(anchors)
        self.capacity = capacity
        self._verified: OrderedDict[HashedId8, _Verified] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, certificate: Certificate, now: Time32) -> None:
        """Raise 400-40 unless `certificate`'s chain verifies at `now` (from the cache when it did before)."""
        key = certificate.hashed_id8()
        with self._lock:
            seen = self._verified.get(key)
        if seen is not None and seen.data == certificate.data and seen.not_before <= now < seen.not_after:
            return
        chain = verify_chain(certificate, self.intermediates, self.anchors, now)
        verified = _Verified(
            certificate.data,
            max(int(c.validity.start) for c in chain.certificates),
            min(int(c.validity.end) for c in chain.certificates),
        )
        with self._lock:
            self._verified[key] = verified
            while len(self._verified) > self.capacity:
                self._verified.popitem(last=False)

    def __len__(self) -> int:
        return len(self._verified)
