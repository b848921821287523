"""The registration authority (1609.2.1 clause 4.1.3) as a service; for now its registration part (the DCM role).

- `create_ra_app(deployment, clock=...)` -> `RaApps` (public app, internal app, settings, registry);
- the registry: `DeviceStore`, `Device`, the lifecycle (`DeviceState`, `DeviceEvent`, `next_state`);
- canonical ids: `canonical_id(key)`.

Endpoints (docs/api-services.md): the operator's registration API under `/registration/v1/` (bearer token), the
internal API for the ECA under `/internal/v1/` (internal app only).
"""

from scms.services.ra.app import RaApps, create_ra_app
from scms.services.ra.canonical import canonical_id
from scms.services.ra.devices import Device, DeviceConflict, DeviceNotFound, DeviceStore
from scms.services.ra.internal_api import INTERNAL_CALLERS, INTERNAL_PREFIX
from scms.services.ra.lifecycle import DeviceEvent, DeviceState, LifecycleError, next_state
from scms.services.ra.registration_api import REGISTRATION_PREFIX
from scms.services.ra.settings import RaSettings

__all__ = [
    "INTERNAL_CALLERS",
    "INTERNAL_PREFIX",
    "REGISTRATION_PREFIX",
    "Device",
    "DeviceConflict",
    "DeviceEvent",
    "DeviceNotFound",
    "DeviceState",
    "DeviceStore",
    "LifecycleError",
    "RaApps",
    "RaSettings",
    "canonical_id",
    "create_ra_app",
    "next_state",
]
