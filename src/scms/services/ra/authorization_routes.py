"""The RA's REST API v3 for authorization certificates and successor enrollment (1609.2.1 clauses 6.3.5.2-6.3.5.5;
standards notes §10.1): the handlers parse and render; the flows do the rest.

    POST /v3/authorization-certificate          EeRaCertRequestSpdu -> 200 RaEeCertAckSpdu
    GET  /v3/authorization-certificate          Ieee-1609.2.1-Authorization [+ ?filename=] -> 200 the zip or file
    POST /v3/successor-enrollment-certificate   EeRaSuccessorEnrollmentCertRequestSpdu -> 200 RaEeEnrollmentCertAckSpdu
    GET  /v3/successor-enrollment-certificate   Ieee-1609.2.1-Authorization [+ ?filename=] -> 200 <hash>_enroll.oer

The handlers run the flows on the event loop, one request at a time: each is a few milliseconds of CPU and local
database work, and a thread per request would only add GIL hand-overs (docs/services.md "RA: performance").

A download that is planned but not ready is answered 404 with `Retry-After` (seconds until its nextDlTime) and the
JSON body `{"status": "not yet", "nextDlTime": <Time32>}`, in either error mode (it is not an error;
docs/conformance.md); a file that does not exist is a bare 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse

from scms.protocol.ee_ra_download import AUTHORIZATION_HEADER, MAX_FILENAME_LENGTH
from scms.services.common import COER_REQUEST_BODY, CoerBody, coer_response
from scms.services.ra.authorization_flows import download_authorization, request_authorization
from scms.services.ra.downloads import NotFound, NotYet
from scms.services.ra.service import RaService
from scms.services.ra.successor_flows import download_successor, request_successor

__all__ = ["NOT_YET_STATUS", "authorization_router", "not_yet"]

NOT_YET_STATUS = 404
"""The status of the "not yet" answer (with Retry-After; docs/conformance.md)."""

AuthorizationHeader = Annotated[str | None, Header(alias=AUTHORIZATION_HEADER,
                                                   description="base64 COER EeRaDownloadRequestSpdu")]
Filename = Annotated[str | None, Query(max_length=MAX_FILENAME_LENGTH, description="the file (as signed)")]

_POST_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "refused; `Ieee-1609.2.1-Error` names why (400-10, 400-20, 400-21, 400-30, 400-32..35, "
                         "400-40..43, 400-50, 400-64, 400-77..79, 400-711, 400-712); coarse mode: a bare 500"},
}
_GET_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "refused; `Ieee-1609.2.1-Error` names why (400-10, 400-20, 400-21, 400-40..43, 400-50, "
                         "400-62 another enrollment certificate's request, 400-74, 400-712)"},
    404: {"description": 'no such file; with `Retry-After` and `{"status": "not yet", ...}`: not ready yet'},
}


def not_yet(error: NotYet, now: int) -> Response:
    """The "not yet" answer: 404, Retry-After (at least 1 s), the nextDlTime."""
    wait = max(1, int(error.next_dl_time) - now)
    return JSONResponse({"status": "not yet", "nextDlTime": int(error.next_dl_time)}, status_code=NOT_YET_STATUS,
                        headers={"Retry-After": str(wait)})


def _download(service: RaService, flow: Callable[[RaService, str | None, str | None], tuple[str, bytes]],
              header: str | None, filename: str | None) -> Response:
    try:
        name, data = flow(service, header, filename)
    except NotYet as error:
        return not_yet(error, int(service.now()))
    except NotFound:
        return Response(status_code=404)
    return coer_response(data, filename=name)


def authorization_router(service: RaService) -> APIRouter:
    router = APIRouter(tags=["authorization certificates (1609.2.1 REST API v3)"])

    @router.post("/v3/authorization-certificate", openapi_extra=COER_REQUEST_BODY, responses=_POST_ERRORS,
                 response_class=Response, summary="Authorization certificate request (1609.2.1 clause 6.3.5.2)")
    async def authorization_request(body: CoerBody) -> Response:
        return coer_response(request_authorization(service, body))

    @router.get("/v3/authorization-certificate", responses=_GET_ERRORS, response_class=Response,
                summary="Authorization certificate download (1609.2.1 clauses 6.3.5.3, 8.2)")
    async def authorization_download(authorization: AuthorizationHeader = None, filename: Filename = None
                                     ) -> Response:
        return _download(service, download_authorization, authorization, filename)

    @router.post("/v3/successor-enrollment-certificate", openapi_extra=COER_REQUEST_BODY, responses=_POST_ERRORS,
                 response_class=Response, summary="Successor enrollment certificate request (clause 6.3.5.4)")
    async def successor_request(body: CoerBody) -> Response:
        return coer_response(request_successor(service, body))

    @router.get("/v3/successor-enrollment-certificate", responses=_GET_ERRORS, response_class=Response,
                summary="Successor enrollment certificate download (1609.2.1 clause 6.3.5.5)")
    async def successor_download(authorization: AuthorizationHeader = None, filename: Filename = None) -> Response:
        return _download(service, download_successor, authorization, filename)

    return router
