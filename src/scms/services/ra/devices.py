"""The RA's device registry (the DCM role): register canonical keys, read devices, move them through their
lifecycle, record the enrollment certificates the ECA issued them.

Every change is one write transaction that reads the row and updates it by compare-and-set on the state it read
(`UPDATE ... WHERE canonical_id = ? AND state = <read>`): 0 rows updated means another writer changed the device
in between, and the change is tried again on the new state (and refused if it is no longer legal). Time is an
argument (`now`, an aware UTC datetime); the HTTP edge reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from scms.crypto import HashedId8, Point
from scms.services.common import begin_write
from scms.services.common.driver_sql import DriverStatement, pooled_read
from scms.services.ra.canonical import canonical_id, curve_name
from scms.services.ra.lifecycle import DeviceEvent, DeviceState, next_state
from scms.services.ra.tables import devices, enrollment_certificates

__all__ = ["Device", "DeviceConflict", "DeviceNotFound", "DeviceStore"]

_ATTEMPTS = 5
_DEVICE_COLUMNS = (devices.c.canonical_id, devices.c.device_type, devices.c.curve, devices.c.public_key,
                   devices.c.state, devices.c.blocked_from, devices.c.registered_at, devices.c.updated_at)
"""The columns `_device` reads, in its order."""
_DEVICE_OF_CERTIFICATE = select(*_DEVICE_COLUMNS).join(enrollment_certificates).where(
    enrollment_certificates.c.hashed_id8 == bindparam("hashed_id8"))
"""Built once: every authorization and download request of an EE asks it (building costs more than running)."""


class DeviceNotFound(Exception):
    """No device is registered under this canonical id."""


class DeviceConflict(Exception):
    """The registration contradicts what is stored (another device type, a deleted device, another device's
    enrollment certificate)."""


@dataclass(frozen=True)
class Device:
    canonical_id: str
    device_type: str
    curve: str
    public_key: bytes
    """The canonical key, compressed SEC 1."""
    state: DeviceState
    blocked_from: DeviceState | None
    registered_at: dt.datetime
    updated_at: dt.datetime


def _device(row: Sequence[Any]) -> Device:
    """The device of a row of `_DEVICE_COLUMNS`."""
    identifier, device_type, curve, public_key, state, blocked_from, registered_at, updated_at = row
    return Device(
        canonical_id=identifier,
        device_type=device_type,
        curve=curve,
        public_key=bytes(public_key),
        state=DeviceState(state),
        blocked_from=None if blocked_from is None else DeviceState(blocked_from),
        registered_at=registered_at,
        updated_at=updated_at,
    )


# The statements of the ECA's questions (a device read, the `enrol` event and the certificate's record: every
# enrollment asks them) run on the driver's cursor (`DriverStatement`: SQLAlchemy's execution costs more than they).
_GET = DriverStatement(select(*_DEVICE_COLUMNS).where(devices.c.canonical_id == bindparam("canonical_id")))
_OWNER = DriverStatement(select(enrollment_certificates.c.canonical_id).where(
    enrollment_certificates.c.hashed_id8 == bindparam("certificate")))
_RECORD_NEW = {
    name: DriverStatement(dialect.insert(enrollment_certificates).on_conflict_do_nothing().returning(
        enrollment_certificates.c.hashed_id8))
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
"""The certificate's record unless it exists (no row back: recorded before, for this device or another)."""
_MOVE = DriverStatement(
    update(devices)
    .where(devices.c.canonical_id == bindparam("device"), devices.c.state == bindparam("seen"))
    .values(state=bindparam("new_state"), blocked_from=bindparam("new_blocked_from"), updated_at=bindparam("now"))
)


class DeviceStore:
    """The registry in the RA's database (tables of `scms.services.ra.tables`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def register(self, device_type: str, key: Point, now: dt.datetime) -> tuple[Device, bool]:
        """Register `key` for a device of `device_type`: (the device, True) when new, (the stored device, False)
        when the same key is registered already for the same type; DeviceConflict for a deleted device or another
        type."""
        identifier = canonical_id(key)
        for _ in range(_ATTEMPTS):
            existing = self.get(identifier)
            if existing is not None:
                if existing.state is DeviceState.DELETED:
                    raise DeviceConflict(f"device {identifier} was deleted; its key cannot be registered again")
                if existing.device_type != device_type:
                    raise DeviceConflict(f"device {identifier} is registered as {existing.device_type}")
                return existing, False
            device = Device(identifier, device_type, curve_name(key.curve), key.encode(compressed=True),
                            DeviceState.REGISTERED, None, now, now)
            try:
                with begin_write(self.engine) as connection:
                    connection.execute(insert(devices).values(
                        canonical_id=device.canonical_id, device_type=device_type, curve=device.curve,
                        public_key=device.public_key, state=device.state.value, blocked_from=None,
                        registered_at=now, updated_at=now,
                    ))
            except IntegrityError:
                continue  # registered at the same moment by another request: read it back
            return device, True
        raise DeviceConflict(f"device {identifier}: registration kept colliding")

    def get(self, identifier: str, connection: Connection | None = None) -> Device | None:
        if connection is None:
            with pooled_read(self.engine) as pooled:
                row = _GET.first(pooled, {"canonical_id": identifier})
            return None if row is None else _device(row)
        row = _GET.first(connection, {"canonical_id": identifier})
        return None if row is None else _device(row)

    def apply(self, identifier: str, event: DeviceEvent, now: dt.datetime) -> Device:
        """The device after `event` (DeviceNotFound, LifecycleError when illegal); a no-op event writes nothing."""
        with begin_write(self.engine) as connection:
            return self._apply(connection, identifier, event, now)

    def record_enrollment(self, identifier: str, certificate: HashedId8, now: dt.datetime) -> Device:
        """The ECA issued `certificate` to the device: the `enrol` event and the certificate's HashedId8, in one
        transaction; idempotent (the same report again changes nothing)."""
        with begin_write(self.engine) as connection:
            device = self._apply(connection, identifier, DeviceEvent.ENROL, now)
            recorded = _RECORD_NEW[connection.dialect.name].first(connection, {
                "hashed_id8": bytes(certificate), "canonical_id": identifier, "recorded_at": now})
            if recorded is None:  # reported before: the same report again changes nothing, another device's conflicts
                owner = _OWNER.first(connection, {"certificate": bytes(certificate)})
                if owner is None or owner[0] != identifier:
                    raise DeviceConflict(f"enrollment certificate {certificate} belongs to another device")
            return device

    def enrollment_certificates(self, identifier: str) -> tuple[HashedId8, ...]:
        """The enrollment certificates reported for the device, in the order they were recorded."""
        statement = (
            select(enrollment_certificates.c.hashed_id8)
            .where(enrollment_certificates.c.canonical_id == identifier)
            .order_by(enrollment_certificates.c.recorded_at, enrollment_certificates.c.hashed_id8)
        )
        with self.engine.connect() as connection:
            return tuple(HashedId8(bytes(value)) for value in connection.execute(statement).scalars())

    def device_of_enrollment_certificate(self, certificate: HashedId8) -> Device | None:
        """The device an enrollment certificate was issued to (None if the ECA never reported it)."""
        with self.engine.connect() as connection:
            row = connection.execute(_DEVICE_OF_CERTIFICATE, {"hashed_id8": bytes(certificate)}).first()
        return None if row is None else _device(row)

    def _apply(self, connection: Connection, identifier: str, event: DeviceEvent, now: dt.datetime) -> Device:
        for _ in range(_ATTEMPTS):
            device = self.get(identifier, connection)
            if device is None:
                raise DeviceNotFound(identifier)
            state, blocked_from = next_state(identifier, device.state, event, device.blocked_from)
            if (state, blocked_from) == (device.state, device.blocked_from):
                return device
            changed = _MOVE.run(connection, {
                "device": identifier, "seen": device.state.value, "new_state": state.value,
                "new_blocked_from": None if blocked_from is None else blocked_from.value, "now": now,
            })
            if changed == 1:
                return Device(device.canonical_id, device.device_type, device.curve, device.public_key, state,
                              blocked_from, device.registered_at, now)
        raise DeviceConflict(f"device {identifier} kept changing under us")
