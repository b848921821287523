"""The RA's calls to the other components (DESIGN "Interfaces"; docs/api-protocol-internal.md), each over a
`PeerClient` (an in-process ASGI transport in the embedded default and the tests, the network at scale):

    POST {la1|la2}/v1/pre-linkage-values       our PlvRequest -> PlvResponse (JSON, version 1)
    POST {aca}/v1/certificate-requests         our RaAcaBatch of RaAcaCertRequestSpdus -> AcaRaBatch (JSON)
    POST {eca}/internal/v1/successor-enrollment    a successor enrollment's inner EeEcaCertRequestSpdu, forwarded
                                               for a device the RA vouches for -> EcaEeCertResponseSpdu (COER),
                                               or a 4xx with the ECA's Ieee-1609.2.1-Error (passed on to the EE)

Answers are read strictly (`scms.protocol`: 400-42 for anything that does not answer the question asked). A peer
that cannot be reached, answers 5xx, or answers another status than the route defines is a `PeerError`: the job
that called it fails this attempt and runs again later.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from starlette.types import ASGIApp

from scms.crypto import HashedId8
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.protocol.la_messages import PlvRequest, PlvResponse
from scms.protocol.ra_aca_batch import AcaRaBatch, RaAcaBatch
from scms.services.common import PeerClient, PeerError, PeerSettings, peer_error_code

__all__ = ["ACA_ROUTE", "ECA_SUCCESSOR_ROUTE", "LA_ROUTE", "DeferredAppTransport", "RaPeers", "SuccessorAnswer"]

LA_ROUTE = "/v1/pre-linkage-values"
ACA_ROUTE = "/v1/certificate-requests"
ECA_SUCCESSOR_ROUTE = "/internal/v1/successor-enrollment"
_JSON = "application/json"


class DeferredAppTransport(httpx.AsyncBaseTransport):
    """An in-process transport to an ASGI app given later (`connect`): the RA and the ECA call each other, so one of
    them is built before the other's app exists."""

    def __init__(self) -> None:
        self._inner: httpx.ASGITransport | None = None

    def connect(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._inner is None:
            raise httpx.ConnectError("no app connected yet", request=request)
        return await self._inner.handle_async_request(request)


@dataclass(frozen=True)
class SuccessorAnswer:
    """The ECA's answer to a forwarded successor request: its response SPDU, or the 1609.2.1 error it refused with."""

    response: bytes | None
    error: ErrorCode | None


class RaPeers:
    """One client per peer (la1, la2, aca, eca), made from its settings and transport; `aclose` closes them and
    `reopen` makes fresh ones (an app whose lifespan runs again, e.g. in tests, on another event loop)."""

    def __init__(self, peers: Mapping[str, PeerSettings], transports: Mapping[str, httpx.AsyncBaseTransport]) -> None:
        self._peers = dict(peers)
        self._transports = dict(transports)
        self.clients: dict[str, PeerClient] = {}
        self.reopen()

    def reopen(self) -> None:
        self.clients = {name: PeerClient(settings, transport=self._transports.get(name))
                        for name, settings in self._peers.items()}

    async def pre_linkage_values(self, la: str, request: PlvRequest) -> PlvResponse:
        """Ask LA `la` ("la1" or "la2") for pre-linkage values; the answer is checked against the request."""
        client = self.clients[la]
        response = await client.post(LA_ROUTE, request.to_json(), media_type=_JSON)
        _expect(response, la)
        return PlvResponse.from_json(response.content, request)

    async def certificate_requests(self, batch: RaAcaBatch) -> AcaRaBatch:
        """Send the ACA one batch; one answer (or error) per request, in request order."""
        response = await self.clients["aca"].post(ACA_ROUTE, batch.to_json(), media_type=_JSON)
        _expect(response, "aca")
        return AcaRaBatch.from_json(response.content, batch)

    async def forward_successor(self, canonical_id: str, current: HashedId8, eca_request: bytes) -> SuccessorAnswer:
        """Forward a successor enrollment's inner request for the device `canonical_id`, whose current enrollment
        certificate `current` signed the EE's request, to the ECA."""
        body = {"version": 1, "canonical_id": canonical_id, "request": base64.b64encode(eca_request).decode(),
                "enrollment_certificate": current.hex()}
        response = await self.clients["eca"].post(ECA_SUCCESSOR_ROUTE, json.dumps(body).encode(), media_type=_JSON)
        code = peer_error_code(response)
        if response.status_code != 200 and code is not None and 400 <= response.status_code < 500:
            return SuccessorAnswer(None, code)
        _expect(response, "eca")
        if not response.content:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, "the ECA answered an empty body")
        return SuccessorAnswer(response.content, None)

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()


def _expect(response: httpx.Response, peer: str) -> None:
    if response.status_code != 200:
        raise PeerError(peer, "unexpected answer", status=response.status_code)
