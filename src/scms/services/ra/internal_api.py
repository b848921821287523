"""The RA's internal API for the ECA (JSON, our own; DESIGN "Interfaces"): never on the EE-facing app.

    POST /internal/v1/registration-check                     the device behind an enrollment request
    POST /internal/v1/devices/{canonical_id}/enrolled         the ECA issued it an enrollment certificate

These routes live in the RA's internal app (`RaApps.internal`), served at scale on its own listener behind mutual
TLS that admits the ECA's client certificate only (`INTERNAL_CALLERS`); they answer with `EcaDesk`'s operations,
which the embedded default binds the ECA to directly (no HTTP). An unknown device is 404 with `"reason":
"unregistered"` in the body (so that a caller can tell it from a 404 of a wrong URL); reporting an enrollment of a
blocked or deleted device is 409 (the ECA checked the device just before; the operator blocked it in between).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, Response

from scms.crypto import HashedId8
from scms.services.common.tasks import Clock
from scms.services.ra._http import registry_errors
from scms.services.ra.api_models import EnrollmentReport, Registration, RegistrationCheck
from scms.services.ra.canonical import canonical_id as id_of_key
from scms.services.ra.canonical import read_public_key
from scms.services.ra.devices import DeviceStore
from scms.services.ra.eca_desk import EcaDesk
from scms.services.ra.registration_api import CanonicalId

__all__ = ["INTERNAL_CALLERS", "INTERNAL_PREFIX", "internal_router"]

INTERNAL_PREFIX = "/internal/v1"

INTERNAL_CALLERS: dict[str, tuple[str, ...]] = {
    f"{INTERNAL_PREFIX}/registration-check": ("eca",),
    f"{INTERNAL_PREFIX}/devices": ("eca",),
}
"""Which peer components (by the name in their mTLS client certificate) may call each internal route prefix."""


def internal_router(store: DeviceStore, clock: Clock) -> APIRouter:
    desk = EcaDesk(store, clock)
    router = APIRouter(prefix=INTERNAL_PREFIX, tags=["internal (ECA)"])

    @router.post("/registration-check", summary="The registered device behind an enrollment request",
                 response_model=Registration, responses={404: {"description": 'not registered ("reason")'}})
    async def registration_check(body: RegistrationCheck) -> Response:
        if (body.canonical_id is None) == (body.public_key is None):
            raise HTTPException(400, "give canonical_id or public_key, not both")
        if body.public_key is not None:
            try:
                identifier = id_of_key(read_public_key(body.curve, body.public_key))
            except ValueError as error:
                raise HTTPException(400, str(error)) from None
        else:
            identifier = str(body.canonical_id)
        device = desk.device(identifier)
        if device is None:
            return JSONResponse({"detail": f"no device {identifier}", "reason": "unregistered"}, status_code=404)
        return _json(Registration.of(device))

    @router.post("/devices/{canonical_id}/enrolled", summary="The ECA issued an enrollment certificate (idempotent)",
                 response_model=Registration,
                 responses={404: {"description": "not registered"},
                            409: {"description": "blocked or deleted, or the certificate is another device's"}})
    async def enrolled(canonical_id: CanonicalId, body: EnrollmentReport) -> Response:
        certificate = HashedId8(bytes.fromhex(body.enrollment_certificate))
        with registry_errors():
            return _json(Registration.of(desk.record_enrollment(canonical_id, certificate)))

    return router


def _json(registration: Registration) -> Response:
    """The registration as JSON, serialised once (a returned model would be validated and serialised again)."""
    return Response(registration.model_dump_json(), media_type="application/json")
