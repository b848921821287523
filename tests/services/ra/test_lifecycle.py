"""The device lifecycle: every (state, event) pair is either one of the legal transitions written out here, or
refused with LifecycleError naming the device, its state and the event."""

from __future__ import annotations

import itertools

import pytest

from scms.services.ra import DeviceEvent, DeviceState, LifecycleError, next_state

R, E, P, B, D = (DeviceState.REGISTERED, DeviceState.ENROLLED, DeviceState.PROVISIONING, DeviceState.BLOCKED,
                 DeviceState.DELETED)

LEGAL = {
    (R, DeviceEvent.ENROL): E,
    (E, DeviceEvent.ENROL): E,
    (P, DeviceEvent.ENROL): P,
    (E, DeviceEvent.PROVISION): P,
    (P, DeviceEvent.PROVISION): P,
    (P, DeviceEvent.PROVISIONED): E,
    (R, DeviceEvent.BLOCK): B,
    (E, DeviceEvent.BLOCK): B,
    (P, DeviceEvent.BLOCK): B,
    (R, DeviceEvent.DELETE): D,
    (E, DeviceEvent.DELETE): D,
    (P, DeviceEvent.DELETE): D,
    (B, DeviceEvent.DELETE): D,
}


@pytest.mark.parametrize(("state", "event"), list(itertools.product(DeviceState, DeviceEvent)),
                         ids=lambda v: v.value)
def test_only_the_legal_transitions_happen(state: DeviceState, event: DeviceEvent) -> None:
    if state is B and event is DeviceEvent.UNBLOCK:
        assert next_state("d", B, event, E) == (E, None)
        return
    if (state, event) in LEGAL:
        new, blocked_from = next_state("d", state, event, None)
        assert new is LEGAL[state, event]
        assert blocked_from == (state if new is B else None)
        return
    with pytest.raises(LifecycleError) as error:
        next_state("dev-7", state, event, None)
    assert str(error.value) == f"device dev-7 is {state.value}: {event.value} is not allowed"
    assert (error.value.state, error.value.event) == (state, event)


@pytest.mark.parametrize("before", [R, E, P])
def test_unblock_returns_where_the_device_was(before: DeviceState) -> None:
    blocked, remembered = next_state("d", before, DeviceEvent.BLOCK, None)
    assert (blocked, remembered) == (B, before)
    assert next_state("d", blocked, DeviceEvent.UNBLOCK, remembered) == (before, None)


def test_deleted_is_final() -> None:
    for event in DeviceEvent:
        with pytest.raises(LifecycleError):
            next_state("d", D, event, None)
