"""The registration authority (1609.2.1 clause 4.1.3) as a service: registration (the DCM role), authorization
certificates, successor enrollment and the distribution centre.

- `create_ra_app(deployment, clock=..., runner=..., generation=..., transports=...)` -> `RaApps` (public app,
  internal app, settings, engine, registry, the certificate side `RaService`);
- the certificate side (docs/api-services-ra.md): `RaService`, `IssuingSettings`, `GenerationSettings`, the peer
  transports (`DeferredAppTransport` for a peer app built later);
- the registry: `DeviceStore`, `Device`, the lifecycle (`DeviceState`, `DeviceEvent`, `next_state`);
- canonical ids: `canonical_id(key)`;
- `EcaDesk`: what the ECA asks the registry (its internal routes' operations, bound directly when embedded).

Endpoints (docs/api-services.md, docs/api-services-ra.md): the 1609.2.1 REST API v3 under `/v3/`, the operator's
registration API under `/registration/v1/` (bearer token), the internal API for the ECA under `/internal/v1/`
(internal app only).
"""

from scms.services.ra.app import RaApps, create_ra_app
from scms.services.ra.canonical import canonical_id
from scms.services.ra.devices import Device, DeviceConflict, DeviceNotFound, DeviceStore
from scms.services.ra.eca_desk import EcaDesk
from scms.services.ra.internal_api import INTERNAL_CALLERS, INTERNAL_PREFIX
from scms.services.ra.issuing_settings import GenerationSettings, IssuingSettings
from scms.services.ra.lifecycle import DeviceEvent, DeviceState, LifecycleError, next_state
from scms.services.ra.peers import DeferredAppTransport
from scms.services.ra.registration_api import REGISTRATION_PREFIX
from scms.services.ra.service import RaService
from scms.services.ra.settings import RaSettings

__all__ = [
    "INTERNAL_CALLERS",
    "INTERNAL_PREFIX",
    "REGISTRATION_PREFIX",
    "DeferredAppTransport",
    "Device",
    "DeviceConflict",
    "DeviceEvent",
    "DeviceNotFound",
    "DeviceState",
    "DeviceStore",
    "EcaDesk",
    "GenerationSettings",
    "IssuingSettings",
    "LifecycleError",
    "RaApps",
    "RaService",
    "RaSettings",
    "canonical_id",
    "create_ra_app",
    "next_state",
]
