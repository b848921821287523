"""The ECA's REST API v3 (1609.2.1 clause 6.3.4.2; standards notes §10.1): the handler parses and renders only.

    POST /v3/enrollment-certificate    EeEcaCertRequestSpdu (application/octet-stream) -> EcaEeCertResponseSpdu

The route is a `_CoerRoute`: FastAPI documents it from the handler's signature as any route, but a request is
served without FastAPI's dependency solving (some 80 µs of the ~1.5 ms CPU an enrollment costs, issue 4): the
body is read by the same `coer_body` (400-42 for another content type) and handed to the handler, whose
exceptions reach the app's handlers as before.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute

from scms.services.common import COER_REQUEST_BODY, CoerBody, coer_response
from scms.services.common.coer import coer_body
from scms.services.eca.flows import enroll
from scms.services.eca.service import EcaService

__all__ = ["eca_router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "refused; `Ieee-1609.2.1-Error` names why (400-20, 400-21, 400-31..35, 400-42, 400-43, "
                         "400-50, 400-64, 400-70..73); in coarse mode every refusal is a bare 500"},
    503: {"description": "the RA (device registry) cannot be reached"},
}


class _CoerRoute(APIRoute):
    """A route whose handler takes only `body: CoerBody`, called with the body directly. Anything else (another
    signature, dependencies added where the router is included, dependency overrides) is served by FastAPI's own
    handler."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        standard = super().get_route_handler()
        # FastAPI builds the handler of an included route with that inclusion's view of it in a context variable
        # (its own get_route_handler reads it the same way); without one, the route is its own view.
        included = getattr(fastapi_routing, "_effective_route_context_var", None)
        context = included.get() if included is not None else None
        route = context if context is not None and context.original_route is self else self
        dependant = route.dependant
        only_the_body = (
            len(dependant.dependencies) == 1 and dependant.dependencies[0].call is coer_body
            and not (dependant.path_params or dependant.query_params or dependant.header_params
                     or dependant.cookie_params or dependant.body_params)
            and dependant.request_param_name is None and dependant.response_param_name is None
            and dependant.background_tasks_param_name is None
        )
        if not only_the_body:
            return standard
        endpoint, name, overrides = dependant.call, dependant.dependencies[0].name, route.dependency_overrides_provider
        if endpoint is None or name is None:
            return standard

        async def handle(request: Request) -> Response:
            if overrides is not None and getattr(overrides, "dependency_overrides", None):
                return await standard(request)
            response: Response = await endpoint(**{name: await coer_body(request)})
            return response

        return handle


def eca_router(service: EcaService) -> APIRouter:
    router = APIRouter(tags=["enrollment (1609.2.1 REST API v3)"], route_class=_CoerRoute)

    @router.post("/v3/enrollment-certificate", openapi_extra=COER_REQUEST_BODY, responses=_ERRORS,
                 response_class=Response, summary="Enrollment certificate request (1609.2.1 clause 6.3.4.2)")
    async def enrollment_certificate(body: CoerBody) -> Response:
        return coer_response(await enroll(service, body))

    return router
