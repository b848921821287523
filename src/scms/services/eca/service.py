"""What the ECA's flows work with: its settings, signing side, store, the RA registry and the clock."""

from __future__ import annotations

from dataclasses import dataclass

from scms.dot2.time import Time32
from scms.services.common.tasks import Clock
from scms.services.eca.issuer import EcaIssuer
from scms.services.eca.registry import RaRegistry
from scms.services.eca.settings import EcaSettings
from scms.services.eca.store import EnrollmentStore

__all__ = ["EcaService"]


@dataclass(frozen=True)
class EcaService:
    settings: EcaSettings
    issuer: EcaIssuer
    store: EnrollmentStore
    registry: RaRegistry
    clock: Clock
    """The only clock of the ECA (tests pass a fixed one)."""

    def now(self) -> Time32:
        """The clock as Time32 (time-leapSeconds of the policy)."""
        return Time32.from_datetime(self.clock(), self.settings.leap_seconds)
