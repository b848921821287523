"""The ECA's internal API for the RA (JSON in, COER out; our own message: 1609.2.1 leaves RA-ECA forwarding out):

    POST /internal/v1/successor-enrollment
        {"version": 1, "canonical_id": "<64 hex>", "request": "<base64 EeEcaCertRequestSpdu>",
         "enrollment_certificate": "<HashedId8 hex of the current enrollment certificate, optional>"}
        -> 200 EcaEeCertResponseSpdu (application/octet-stream), or 4xx with `Ieee-1609.2.1-Error`

It lives in the ECA's internal app (`EcaApps.internal`): in-process through an httpx ASGI transport in the embedded
default, behind mutual TLS admitting the RA only (`INTERNAL_CALLERS`) at scale; errors are always rendered in the
fine mode there, so the RA can pass the code on to the EE.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from scms.crypto import HashedId8
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.services.common import coer_response
from scms.services.eca.flows import enroll_successor
from scms.services.eca.service import EcaService

__all__ = ["INTERNAL_CALLERS", "SuccessorForward", "internal_router"]

INTERNAL_CALLERS: dict[str, tuple[str, ...]] = {"/internal/v1/successor-enrollment": ("ra",)}
"""Which peer components (by the name in their mTLS client certificate) may call each internal route."""


class SuccessorForward(BaseModel):
    """A successor enrollment request the RA forwards (1609.2.1 clause 6.3.5.4)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    version: Literal[1] = 1
    canonical_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    """The device the RA vouches for (it verified the current enrollment certificate)."""
    request: str = Field(max_length=16384)
    """The inner EeEcaCertRequestSpdu, base64."""
    enrollment_certificate: str | None = Field(default=None, pattern=r"^[0-9a-f]{16}$")
    """HashedId8 (hex) of the current enrollment certificate that signed the EE's request to the RA."""


_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "the EcaEeCertResponseSpdu"},
    400: {"description": "refused: `Ieee-1609.2.1-Error` as for enrollment, and 400-62 for an enrollment "
                         "certificate the ECA did not issue to that device"},
}


def internal_router(service: EcaService) -> APIRouter:
    router = APIRouter(prefix="/internal/v1", tags=["internal (RA)"])

    @router.post("/successor-enrollment", response_class=Response, responses=_ANSWERS,
                 summary="A successor enrollment request forwarded by the RA (1609.2.1 clause 6.3.5.4)")
    async def successor_enrollment(body: SuccessorForward) -> Response:
        try:
            forwarded = base64.b64decode(body.request, validate=True)
        except binascii.Error:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, "request is not base64") from None
        current = None if body.enrollment_certificate is None else HashedId8(bytes.fromhex(body.enrollment_certificate))
        return coer_response(await enroll_successor(service, forwarded, body.canonical_id, current))

    return router
