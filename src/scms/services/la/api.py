"""The LA's internal API (JSON, ours; DESIGN "Interfaces"): the handlers parse and render only.

    POST /v1/pre-linkage-values    RA: PlvRequest -> PlvResponse (scms.protocol.la_messages, version 1)
    POST /v1/linkage-seeds         MA: SeedReleaseRequest -> SeedRelease (bearer token; api_models)

Neither route is for end entities. In the embedded default the RA reaches the LA in-process; at scale the LA
listens behind mutual TLS admitting the callers of `LA_CALLERS`. A chain identifier the LA never gave out is 404
with `"reason": "unknown-chain"`; a message that does not parse is 400-42, an i-period a chain cannot answer
400-32 (1609.2.1 codes through the common error rendering).
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from scms.protocol.la_messages import PlvRequest
from scms.services.common import bearer_guard
from scms.services.la.api_models import SeedRelease, SeedReleaseRequest
from scms.services.la.flows import UnknownChain, pre_linkage_values, release_linkage_seed
from scms.services.la.service import LaService

__all__ = ["LA_CALLERS", "PLV_ROUTE", "SEED_ROUTE", "plv_router", "seed_router"]

PLV_ROUTE = "/v1/pre-linkage-values"
SEED_ROUTE = "/v1/linkage-seeds"
LA_CALLERS: dict[str, tuple[str, ...]] = {PLV_ROUTE: ("ra",), SEED_ROUTE: ("ma",)}
"""Which peer components (by the name in their mTLS client certificate) may call each route."""
_RELEASE = "The LA's seed-release token (secret `release-token`); none configured: every call is refused"

_JSON_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "PlvRequest, version 1 (docs/api-protocol-internal.md)"}}}}}
_UNKNOWN: dict[int | str, dict[str, Any]] = {404: {"description": 'a chain this LA never made ("reason")'}}


def _unknown(error: UnknownChain) -> JSONResponse:
    chain = base64.b64encode(error.chain_id).decode()
    return JSONResponse({"detail": f"no chain {chain}", "reason": "unknown-chain"}, status_code=404)


def plv_router(service: LaService) -> APIRouter:
    """The RA's route. An LA serves it with `seed_router` on its own (behind mTLS at scale); the embedded default
    reaches it in-process only."""
    router = APIRouter(prefix="/v1", tags=["internal (RA, MA)"])

    @router.post("/pre-linkage-values", openapi_extra=_JSON_BODY, response_class=Response,
                 summary="Pre-linkage values encrypted for the ACA (RA -> LA)",
                 responses={200: {"content": {"application/json": {}}, "description": "PlvResponse, version 1"},
                            400: {"description": "400-42 (unparsable), 400-32 (i-period before the chain)"},
                            **_UNKNOWN})
    def plv(body: Annotated[bytes, Depends(_raw_body)]) -> Response:
        try:
            answer = pre_linkage_values(service, PlvRequest.from_json(body))
        except UnknownChain as error:
            return _unknown(error)
        return Response(answer.to_json(), media_type="application/json")

    return router


def seed_router(service: LaService) -> APIRouter:
    """The seed release alone (bearer token): what the embedded default also serves on its public port, where the
    operator acts for the MA; the pre-linkage values stay in-process (the RA's only)."""
    router = APIRouter(prefix="/v1", tags=["internal (RA, MA)"])

    @router.post("/linkage-seeds", summary="Release a chain's linkage seed for a revocation (MA -> LA)",
                 dependencies=[Depends(bearer_guard(service.settings.release_token, description=_RELEASE,
                                                    refusal="seed-release token required"))],
                 response_model=SeedRelease,
                 responses={401: {"description": "no seed-release token, a wrong one, or none configured"},
                            400: {"description": "400-42 (unparsable), 400-32 (iRev before the chain)"},
                            **_UNKNOWN})
    def seed(body: SeedReleaseRequest) -> SeedRelease | JSONResponse:
        try:
            release, released_at = release_linkage_seed(service, body.chain, body.i_rev)
        except UnknownChain as error:
            return _unknown(error)
        return SeedRelease.of(release, body.chain, released_at)

    return router


async def _raw_body(request: Request) -> bytes:
    return await request.body()
