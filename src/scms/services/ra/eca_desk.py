"""What the ECA asks the RA's registry: the device behind an enrollment request, and the record of an enrollment
certificate the ECA issued (the DCM role's answers to the ECA; docs/api-services.md, "RA internal API").

    EcaDesk.device(canonical_id)                 the registered device, or None
    EcaDesk.device_of_key(key)                   the device whose canonical key is `key`, or None
    EcaDesk.record_enrollment(canonical_id, c)   the `enrol` event and the certificate's record, idempotent:
                                                 DeviceNotFound, LifecycleError (blocked, deleted), DeviceConflict

The RA's internal routes (`internal_api`) answer the ECA over HTTP with these operations; the embedded default
binds the ECA to them directly (`scms.services.runtime.ra_registry`), without routing, validation or JSON. Both
run the same lookups and lifecycle rules, so the ECA gets the same answers either way.
"""

from __future__ import annotations

from scms.crypto import HashedId8, Point
from scms.services.common.tasks import Clock
from scms.services.ra.canonical import canonical_id
from scms.services.ra.devices import Device, DeviceStore

__all__ = ["EcaDesk"]


class EcaDesk:
    def __init__(self, store: DeviceStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def device(self, identifier: str) -> Device | None:
        return self.store.get(identifier)

    def device_of_key(self, key: Point) -> Device | None:
        """The device registered under `key` as its canonical key (found by the key's canonical id)."""
        return self.store.get(canonical_id(key))

    def record_enrollment(self, identifier: str, certificate: HashedId8) -> Device:
        """The ECA issued `certificate` to the device: the device after the `enrol` event (now, by the clock)."""
        return self.store.record_enrollment(identifier, certificate, self.clock())
