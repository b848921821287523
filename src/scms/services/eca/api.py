"""The ECA's REST API v3 (1609.2.1 clause 6.3.4.2; standards notes §10.1): the handler parses and renders only.

    POST /v3/enrollment-certificate    EeEcaCertRequestSpdu (application/octet-stream) -> EcaEeCertResponseSpdu
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from scms.services.common import COER_REQUEST_BODY, CoerBody, coer_response
from scms.services.eca.flows import enroll
from scms.services.eca.service import EcaService

__all__ = ["eca_router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "refused; `Ieee-1609.2.1-Error` names why (400-20, 400-21, 400-31..35, 400-42, 400-43, "
                         "400-50, 400-64, 400-70..73); in coarse mode every refusal is a bare 500"},
    503: {"description": "the RA (device registry) cannot be reached"},
}


def eca_router(service: EcaService) -> APIRouter:
    router = APIRouter(tags=["enrollment (1609.2.1 REST API v3)"])

    @router.post("/v3/enrollment-certificate", openapi_extra=COER_REQUEST_BODY, responses=_ERRORS,
                 response_class=Response, summary="Enrollment certificate request (1609.2.1 clause 6.3.4.2)")
    async def enrollment_certificate(body: CoerBody) -> Response:
        return coer_response(await enroll(service, body))

    return router
