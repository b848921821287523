"""Every certificate a deployment holds, current and past, and how they link (1609.2 §6.4.3: issuer by HashedId8).

`Deployment.certificates` are the current ones, one per component. Operations (`scms manager rotate`, a new root, a
removed elector) keep what they replace in `Manifest.history`, with its files and keys, because it stays valid until
its own expiry: devices still hold certificates it issued. `load_inventory(deployment)` reads both; the manager uses
it to find an issuer by HashedId8 and the next generation number of a component, and the trust verifier to check
every certificate on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scms.crypto import HashedId8
from scms.deployment.deployment import Deployment, read_certificate
from scms.deployment.manifest import CertificateEntry, PastCertificate
from scms.dot2.certificate import Certificate
from scms.dot2.chain import MAX_CHAIN_LENGTH

__all__ = ["Held", "Inventory", "load_inventory"]


@dataclass(frozen=True)
class Held:
    """One certificate of the deployment: the component it belongs (or belonged) to and its manifest entry."""

    component: str
    entry: CertificateEntry
    certificate: Certificate

    @property
    def current(self) -> bool:
        return not isinstance(self.entry, PastCertificate)


@dataclass(frozen=True)
class Inventory:
    """The current certificates (manifest order), then the past ones (oldest first)."""

    held: tuple[Held, ...]

    def __iter__(self) -> Iterator[Held]:
        return iter(self.held)

    @property
    def certificates(self) -> tuple[Certificate, ...]:
        return tuple(h.certificate for h in self.held)

    @property
    def current(self) -> tuple[Held, ...]:
        return tuple(h for h in self.held if h.current)

    def current_held(self, component: str) -> Held | None:
        """The component's current certificate, if it has one."""
        return next((h for h in self.held if h.current and h.component == component), None)

    def find(self, hashed_id8: HashedId8 | None) -> Held | None:
        """The certificate with this HashedId8, if the deployment holds it."""
        if hashed_id8 is None:
            return None
        return next((h for h in self.held if h.certificate.hashed_id8() == hashed_id8), None)

    def issuer(self, certificate: Certificate) -> Held | None:
        """The issuer of `certificate` among the deployment's certificates (None: self-signed or not held)."""
        return None if certificate.is_self_signed else self.find(certificate.issuer.digest)

    def root_of(self, certificate: Certificate) -> Certificate | None:
        """The self-signed certificate at the top of `certificate`'s issuer path (None: the path is broken)."""
        current = certificate
        for _ in range(MAX_CHAIN_LENGTH):
            if current.is_self_signed:
                return current
            issuer = self.issuer(current)
            if issuer is None:
                return None
            current = issuer.certificate
        return None

    def next_generation(self, component: str) -> int:
        """The generation number of the component's next certificate (its first is 1)."""
        return 1 + sum(1 for h in self.held if h.component == component)


def load_inventory(deployment: Deployment) -> Inventory:
    """The deployment's certificates, current (already loaded) and past (read now, HashedId8 checked)."""
    manifest = deployment.manifest
    current = [Held(name, entry, deployment.certificate(name)) for name, entry in manifest.certificates.items()]
    past = [Held(e.component, e, read_certificate(deployment.layout, e)) for e in manifest.history]
    return Inventory((*current, *past))
