"""The ECA's `RaRegistry` bound directly to the RA's registry in the same process (the embedded default).

`DirectRaRegistry(desk)` asks the RA's `EcaDesk`: the operations the RA's internal routes run (device lookup by
canonical id or by the key's canonical id, the `enrol` event with its lifecycle rules and the certificate's
record), without FastAPI routing, pydantic validation and JSON. Its answers are those of `HttpRaRegistry` over
the internal API, read by the same functions (`scms.services.eca.registry`):

    no such device                         400-21                   (HTTP: 404 "unregistered")
    "enrolled" refused (blocked, deleted,  400-20                   (HTTP: 409)
    another device's certificate)
    "enrolled" for an unknown device       PeerError, status 404    (HTTP: 404)
    the RA's database fails                PeerError                (HTTP: the RA's 500)

It lives here, where both components are known: the ECA does not import the RA. Separate processes use
`HttpRaRegistry`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from scms.crypto import HashedId8, InvalidPoint, Point
from scms.services.common import PeerError
from scms.services.eca.registry import (
    Registration,
    read_registration,
    refused,
    require_canonical_form,
    unregistered,
)
from scms.services.ra import Device, DeviceConflict, DeviceNotFound, EcaDesk, LifecycleError

__all__ = ["DirectRaRegistry"]


class DirectRaRegistry:
    """`RaRegistry` over the RA's `EcaDesk` in this process."""

    def __init__(self, desk: EcaDesk) -> None:
        self.desk = desk

    async def by_canonical_id(self, canonical_id: str) -> Registration:
        require_canonical_form(canonical_id)
        with _the_ra_answers("registration-check"):
            return _registration(self.desk.device(canonical_id), None)

    async def by_key(self, key: Point) -> Registration:
        with _the_ra_answers("registration-check"):
            return _registration(self.desk.device_of_key(key), key)

    async def enrolled(self, canonical_id: str, certificate: HashedId8) -> None:
        with _the_ra_answers("enrolled"):
            try:
                self.desk.record_enrollment(canonical_id, certificate)
            except (LifecycleError, DeviceConflict):
                raise refused(canonical_id) from None
            except DeviceNotFound:
                raise PeerError("ra", "enrolled answered", status=404) from None


@contextmanager
def _the_ra_answers(what: str) -> Iterator[None]:
    """The RA's failures as `PeerError`s, as over HTTP (its database away, a registration it cannot describe)."""
    try:
        yield
    except SQLAlchemyError as error:
        raise PeerError("ra", f"{what}: {type(error).__name__}") from None
    except (ValueError, KeyError, InvalidPoint):
        raise PeerError("ra", "unreadable registration") from None


def _registration(device: Device | None, asked: Point | None) -> Registration:
    if device is None:
        raise unregistered()
    return read_registration(device.canonical_id, device.device_type, device.state.value, device.curve,
                             device.public_key, asked)
