"""The lifecycle of a registered device at the RA (the DCM role; 1609.2.1 clause 4.1.3, issue 4 "Device lifecycle").

    registered --enrol--> enrolled --provision--> provisioning --provisioned--> enrolled
        |                    |  ^ enrol (again: re-enrollment, successor)  | enrol (stays provisioning)
        +------ block -------+---------------- block ---------------------+--> blocked --unblock--> (where it was)
    every state but deleted --delete--> deleted (final: the canonical key can never be registered again)

Only the transitions in `_NEXT` are legal; `next_state` raises `LifecycleError` for any other, naming the state
and the event. The store applies a transition by compare-and-set on the state it read, so two operators (or the
operator and the ECA) never overwrite each other's change.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["DeviceEvent", "DeviceState", "LifecycleError", "next_state"]


class DeviceState(Enum):
    REGISTERED = "registered"
    """The operator registered the canonical key; the device may enrol."""
    ENROLLED = "enrolled"
    """The ECA issued at least one enrollment certificate."""
    PROVISIONING = "provisioning"
    """The RA holds an active authorization-certificate request of the device."""
    BLOCKED = "blocked"
    """The operator blocked the device: no enrollment (400-20) and no authorization certificates."""
    DELETED = "deleted"
    """Removed for good; kept as a tombstone so the canonical key cannot come back."""


class DeviceEvent(Enum):
    ENROL = "enrol"
    """The ECA issued an enrollment certificate (idempotent)."""
    PROVISION = "provision"
    """The RA accepted an authorization-certificate request."""
    PROVISIONED = "provisioned"
    """The RA has no more active authorization requests of the device."""
    BLOCK = "block"
    UNBLOCK = "unblock"
    DELETE = "delete"


class LifecycleError(Exception):
    """An event that is not legal in the device's state (HTTP 409 on the operator and internal APIs)."""

    def __init__(self, canonical_id: str, state: DeviceState, event: DeviceEvent) -> None:
        self.canonical_id = canonical_id
        self.state = state
        self.event = event
        super().__init__(f"device {canonical_id} is {state.value}: {event.value} is not allowed")


_ACTIVE = (DeviceState.REGISTERED, DeviceState.ENROLLED, DeviceState.PROVISIONING)

_NEXT: dict[tuple[DeviceState, DeviceEvent], DeviceState] = {
    (DeviceState.REGISTERED, DeviceEvent.ENROL): DeviceState.ENROLLED,
    (DeviceState.ENROLLED, DeviceEvent.ENROL): DeviceState.ENROLLED,
    (DeviceState.PROVISIONING, DeviceEvent.ENROL): DeviceState.PROVISIONING,
    (DeviceState.ENROLLED, DeviceEvent.PROVISION): DeviceState.PROVISIONING,
    (DeviceState.PROVISIONING, DeviceEvent.PROVISION): DeviceState.PROVISIONING,
    (DeviceState.PROVISIONING, DeviceEvent.PROVISIONED): DeviceState.ENROLLED,
    **{(state, DeviceEvent.BLOCK): DeviceState.BLOCKED for state in _ACTIVE},
    **{(state, DeviceEvent.DELETE): DeviceState.DELETED for state in (*_ACTIVE, DeviceState.BLOCKED)},
}


def next_state(
    canonical_id: str, state: DeviceState, event: DeviceEvent, blocked_from: DeviceState | None
) -> tuple[DeviceState, DeviceState | None]:
    """The state after `event` and the state to return to on unblock; LifecycleError if `event` is illegal.

    `blocked_from` is where a blocked device was when it was blocked (unblock returns it there).
    """
    if state is DeviceState.BLOCKED and event is DeviceEvent.UNBLOCK:
        return blocked_from or DeviceState.REGISTERED, None
    new = _NEXT.get((state, event))
    if new is None:
        raise LifecycleError(canonical_id, state, event)
    return new, (state if new is DeviceState.BLOCKED else None)
