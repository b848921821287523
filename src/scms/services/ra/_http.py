"""The registry's exceptions as HTTP answers of the RA's JSON APIs (not 1609.2.1 errors: plain JSON `detail`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException

from scms.services.ra.devices import DeviceConflict, DeviceNotFound
from scms.services.ra.lifecycle import LifecycleError

__all__ = ["registry_errors"]


@contextmanager
def registry_errors() -> Iterator[None]:
    """404 for an unknown device, 409 for an illegal transition or a conflicting registration."""
    try:
        yield
    except DeviceNotFound as error:
        raise HTTPException(404, f"no device {error}") from None
    except (LifecycleError, DeviceConflict) as error:
        raise HTTPException(409, str(error)) from None
