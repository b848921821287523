"""The operator's registration API (the DCM role; JSON, our own: 1609.2.1 leaves device registration out).

Every route needs `Authorization: Bearer <operator token>` (401 otherwise):

    POST   /registration/v1/devices                          register a canonical key -> 201 (200: already there)
    GET    /registration/v1/devices/{canonical_id}            the device and its state
    POST   /registration/v1/devices/{canonical_id}/block       -> blocked
    POST   /registration/v1/devices/{canonical_id}/unblock     -> the state it had when blocked
    DELETE /registration/v1/devices/{canonical_id}             -> deleted (final)
    GET    /registration/v1/policy/global                     the global policy file
    GET    /registration/v1/policy/devices/{device_type}      the policy file of OBU or RSU

An unknown device is 404, an illegal lifecycle transition or a conflicting registration 409, a body that does not
fit its model 400 (rendered as 400-42 by the common app, like every validation error).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Response

from scms.deployment import dump_policy
from scms.services.common import bearer_guard
from scms.services.common.tasks import Clock
from scms.services.ra._http import registry_errors
from scms.services.ra.api_models import DeviceView, RegistrationRequest
from scms.services.ra.canonical import CANONICAL_ID_PATTERN, read_public_key
from scms.services.ra.devices import Device, DeviceStore
from scms.services.ra.lifecycle import DeviceEvent
from scms.services.ra.settings import RaSettings

__all__ = ["REGISTRATION_PREFIX", "registration_router"]

REGISTRATION_PREFIX = "/registration/v1"
_OPERATOR = "The registration operator's API token (ra.operator_token_file)"

CanonicalId = Annotated[str, Path(pattern=CANONICAL_ID_PATTERN, description="The device's canonical id (64 hex)")]

_ANSWERS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no operator token, or a wrong one"},
    404: {"description": "no device with this canonical id"},
    409: {"description": "the transition is not legal in the device's state"},
}


def registration_router(settings: RaSettings, store: DeviceStore, clock: Clock) -> APIRouter:
    """The operator's routes, bound to the RA's registry."""
    router = APIRouter(prefix=REGISTRATION_PREFIX, tags=["registration (operator)"],
                       dependencies=[Depends(bearer_guard(settings.operator_token, description=_OPERATOR,
                                                          refusal="operator token required"))])

    def view(device: Device) -> DeviceView:
        return DeviceView.full(device, store.enrollment_certificates(device.canonical_id))

    @router.post("/devices", status_code=201, summary="Register a device's canonical public key",
                 responses={200: {"description": "the key was registered already (same type)", "model": DeviceView},
                            400: {"description": "not a key of that curve, or no policy for the device type"},
                            **_ANSWERS})
    def register(body: RegistrationRequest, response: Response) -> DeviceView:
        if body.device_type not in settings.device_policies:
            raise HTTPException(400, f"the deployment has no policy for device type {body.device_type}")
        try:
            key = read_public_key(body.curve, body.public_key)
        except ValueError as error:
            raise HTTPException(400, str(error)) from None
        with registry_errors():
            device, created = store.register(body.device_type, key, clock())
        if not created:
            response.status_code = 200
        return view(device)

    @router.get("/devices/{canonical_id}", summary="A device and its lifecycle state", responses=_ANSWERS)
    def read(canonical_id: CanonicalId) -> DeviceView:
        device = store.get(canonical_id)
        if device is None:
            raise HTTPException(404, f"no device {canonical_id}")
        return view(device)

    def transition(event: DeviceEvent, summary: str, method: str, path: str) -> None:
        def change(canonical_id: CanonicalId) -> DeviceView:
            with registry_errors():
                return view(store.apply(canonical_id, event, clock()))

        router.add_api_route(path, change, methods=[method], summary=summary, responses=_ANSWERS,
                             name=f"{event.value}_device", response_model=DeviceView)

    transition(DeviceEvent.BLOCK, "Block a device (no enrollment, no certificates)", "POST",
               "/devices/{canonical_id}/block")
    transition(DeviceEvent.UNBLOCK, "Unblock a device (back to the state it was blocked in)", "POST",
               "/devices/{canonical_id}/unblock")
    transition(DeviceEvent.DELETE, "Delete a device for good", "DELETE", "/devices/{canonical_id}")

    @router.get("/policy/global", summary="The global policy file (1609.2.1 clause 4.3 parameters, URLs)",
                responses={401: _ANSWERS[401]})
    def global_policy() -> Response:
        return Response(dump_policy(settings.global_policy), media_type="application/json")

    @router.get("/policy/devices/{device_type}", summary="The policy file of a device type",
                responses={401: _ANSWERS[401], 404: {"description": "no policy for this device type"}})
    def device_policy(device_type: str) -> Response:
        policy = settings.device_policies.get(device_type.upper())
        if policy is None:
            raise HTTPException(404, f"no policy for device type {device_type[:16]!r}")
        return Response(dump_policy(policy), media_type="application/json")

    return router
