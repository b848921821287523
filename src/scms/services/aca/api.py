"""The ACA's internal API for the RA (DESIGN "Interfaces"): the handler parses and renders only.

    POST /v1/certificate-requests   RaAcaBatch (JSON: RaAcaCertRequestSpdus) -> AcaRaBatch (AcaRaCertResponseSpdus)

The batched transport of `scms.protocol.ra_aca_batch` (ours, version 1; the SPDUs inside are the standard's). A
body that does not parse as a batch is 400-42 for the whole call; a request the ACA refuses gets its own
`{"error": "<status>-<code>"}` entry and the others are answered. 503 (with `Retry-After`) when the answers take
longer than the call may wait. Not for end entities: in the embedded default the RA calls it in-process, at scale
over mutual TLS from the RA only (`ACA_CALLERS`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from scms.protocol.ra_aca_batch import RaAcaBatch
from scms.services.aca.flows import answer_batch
from scms.services.aca.service import AcaService

__all__ = ["ACA_CALLERS", "BATCH_ROUTE", "aca_router"]

BATCH_ROUTE = "/v1/certificate-requests"
ACA_CALLERS: dict[str, tuple[str, ...]] = {BATCH_ROUTE: ("ra",)}
"""Which peer components (by the name in their mTLS client certificate) may call each route."""

_BATCH_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": 'RaAcaBatch, version 1: {"version": 1, "type": "ra-aca-requests", "requests": '
                                     '[base64 RaAcaCertRequestSpdu, ...]} (docs/api-protocol-internal.md)'}}}}}


async def _body(request: Request) -> bytes:
    return await request.body()


def aca_router(service: AcaService) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["internal (RA)"])

    @router.post("/certificate-requests", openapi_extra=_BATCH_BODY, response_class=Response,
                 summary="Authorization certificates for a batch of RaAcaCertRequestSpdus (RA -> ACA)",
                 responses={200: {"content": {"application/json": {}},
                                  "description": "AcaRaBatch, version 1: one answer or error per request"},
                            400: {"description": "400-42: not a batch, or over [aca] max_body_size"},
                            503: {"description": "not answered in time: send the same batch again"}})
    async def certificate_requests(body: Annotated[bytes, Depends(_body)]) -> Response:
        answer = await answer_batch(service, RaAcaBatch.from_json(body))
        return Response(answer.to_json(), media_type="application/json")

    return router
