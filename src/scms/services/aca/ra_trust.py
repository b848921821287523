"""The ACA's check of the RA certificate each `RaAcaCertRequestSpdu` carries (1609.2.1 clause 6.3.3; the
`check_ra` callback of `verify_ra_aca_request`), done once per RA certificate rather than once per request.

Every request of a batch carries the same RA certificate; verifying its chain to a root the home CTL approves costs
about a fifth of verifying the request (bench/bench_aca_service.py). `RaCertificates.check` verifies a chain once
and then remembers the certificate by its HashedId8 together with its bytes (a different certificate with the same
HashedId8 is verified on its own) and the time span in which every certificate of its chain is valid. The request's
own signature is verified every time, by `verify_ra_aca_request`. A failed chain is never remembered. A revoked or
replaced RA certificate leaves the cache with the process: the trust is loaded at start (docs/services.md).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from scms.crypto import HashedId8
from scms.dot2.certificate import Certificate
from scms.dot2.chain import verify_chain
from scms.dot2.time import Time32

__all__ = ["RaCertificates"]

_LIMIT = 256
"""RA certificates remembered: a deployment has a few RAs, each with a few generations."""


class RaCertificates:
    """RA certificates whose chains verified to `roots` (through `intermediates`)."""

    def __init__(self, intermediates: Sequence[Certificate], roots: Sequence[Certificate]) -> None:
        self._intermediates = tuple(intermediates)
        self._roots = tuple(roots)
        self._known: dict[HashedId8, tuple[bytes, int, int]] = {}
        self._lock = threading.Lock()
        self.verified = 0
        """How many chains were verified (not answered from memory): for tests and metrics."""

    def check(self, certificate: Certificate, now: Time32) -> None:
        """Raise 400-40 unless the chain of `certificate` verifies at `now`."""
        name = certificate.hashed_id8()
        known = self._known.get(name)
        if known is not None and known[0] == certificate.data and known[1] <= now < known[2]:
            return
        chain = verify_chain(certificate, self._intermediates, self._roots, now)
        span = (max(int(c.validity.start) for c in chain.certificates),
                min(int(c.validity.end) for c in chain.certificates))
        with self._lock:
            if len(self._known) >= _LIMIT:
                self._known.clear()
            self._known[name] = (certificate.data, *span)
            self.verified += 1
