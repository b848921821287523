"""Certificate chains verified once (1609.2 clause 5.1.2; style rule 10's "verify once"), shared by the components
that see the same certificates again and again:

- the RA: every authorization and download request carries the device's enrollment certificate (to a trusted ECA),
  and every ACA answer the ACA's certificate;
- the ACA: every `RaAcaCertRequestSpdu` of a batch carries the same RA certificate (1609.2.1 clause 6.3.3).

Verifying the same chain for each message would cost more than the rest of it. `VerifiedChains.check` verifies a
certificate's chain to the anchors (the root CAs the home CTL approves) through the intermediates, then remembers
the certificate by its HashedId8 together with its bytes (another certificate with the same HashedId8 is verified
on its own) and the interval in which every certificate of its chain is valid; within that interval it is not
verified again, outside it it is. A failed chain is never remembered. The message's own signature is not this
module's business: its caller verifies it every time. Revocation of CA certificates is the CTL's and the CCF's (a
new deployment load: the memory leaves with the process), not this memory's.
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

__all__ = ["VerifiedChains"]


@dataclass(frozen=True)
class _Verified:
    data: bytes
    not_before: int
    not_after: int


class VerifiedChains:
    """Certificates whose chains verified to `anchors` through `intermediates`, remembered by HashedId8.

    At most `capacity` certificates are remembered; past that the one remembered longest ago is forgotten (and
    verified again when it comes back). Safe to share between threads.
    """

    def __init__(self, intermediates: Sequence[Certificate], anchors: Sequence[Certificate], *,
                 capacity: int = 100_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be 1 or more")
        self.intermediates = tuple(intermediates)
        self.anchors = tuple(anchors)
        self.capacity = capacity
        self.verified = 0
        """How many chains were verified (not answered from memory): for tests and metrics."""
        self._known: OrderedDict[HashedId8, _Verified] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, certificate: Certificate, now: Time32) -> None:
        """Raise `Ieee1609Error` 400-40 unless `certificate`'s chain verifies at `now` (from memory when it did
        before and `now` is within its chain's validity)."""
        key = certificate.hashed_id8()
        with self._lock:
            seen = self._known.get(key)
        if seen is not None and seen.data == certificate.data and seen.not_before <= now < seen.not_after:
            return
        chain = verify_chain(certificate, self.intermediates, self.anchors, now)
        verified = _Verified(
            certificate.data,
            max(int(c.validity.start) for c in chain.certificates),
            min(int(c.validity.end) for c in chain.certificates),
        )
        with self._lock:
            self.verified += 1
            self._known[key] = verified
            self._known.move_to_end(key)
            while len(self._known) > self.capacity:
                self._known.popitem(last=False)

    def __len__(self) -> int:
        return len(self._known)
