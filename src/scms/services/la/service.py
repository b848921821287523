"""What the LA's flows work with: its settings, its chain store and the clock; started and stopped with the app
(the stop closes the database's connections)."""

from __future__ import annotations

from dataclasses import dataclass

from scms.services.common.tasks import Clock
from scms.services.la.settings import LaSettings
from scms.services.la.store import ChainStore

__all__ = ["LaService"]


@dataclass(frozen=True)
class LaService:
    settings: LaSettings
    store: ChainStore
    clock: Clock
    """The only clock of the LA (tests pass a fixed one)."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self.store.engine.dispose()
