"""The RA's distribution-centre endpoints (1609.2.1 clauses 6.3.5.7-6.3.5.14; standards notes §9, §10.1): public,
unauthenticated GETs of the deployment's published files (`distribution.PublishedFiles`, the latest good
publication: `distribution_source.PublishedSource.current`, read for each request).

    GET /v3/ra-certificate                                        the RA certificate (COER)
    GET /v3/ca-certificate?certId=<HashedId8, 16 hex>              a CA or component certificate
    GET /v3/ctl?ctlSeriesId=<16 hex>[&ctlSequenceNumber=<0..65535>] zip of the CTLs from that number (default: the
                                                                  latest) to the latest
    GET /v3/ccf-ctl?ctlSeriesId=<16 hex>                          ccf_<version>.oer
    GET /v3/crl?craca=<HashedId8, 16 hex>&crlSeries=<0..65535>     the newest SecuredCrl of that CRACA and series
    GET /v3/composite-crl-ctl?ctlSeriesId=<16 hex>                composite-crl_<version>.oer
    GET /v3/certificate-management-info-status                    the signed CMIS
    GET /v3/ma-certificate?psid=<PSID, 1..8 hex>                  the MA certificate for that PSID

A query parameter that is missing or malformed is 400-42 (failed parsing); a well-formed one naming nothing served
here (another CTL series, an unknown certificate or CRL, a PSID no MA handles) is a bare 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from scms.crypto import HashedId8
from scms.services.common import coer_response
from scms.services.common.coer import COER_MEDIA_TYPE
from scms.services.ra.distribution import PublishedFiles

__all__ = ["distribution_router"]

_HEX16 = r"^[0-9a-fA-F]{16}$"
SeriesId = Annotated[str, Query(alias="ctlSeriesId", pattern=_HEX16, description="CtlSeriesId, 16 hex digits")]
_ANSWERS: dict[int | str, dict[str, Any]] = {
    400: {"description": "a missing or malformed parameter (400-42)"},
    404: {"description": "nothing of that name is served here"},
}


def _file(named: tuple[str, bytes] | None) -> Response:
    return Response(status_code=404) if named is None else coer_response(named[1], filename=named[0])


def distribution_router(published: Callable[[], PublishedFiles]) -> APIRouter:
    """The routes, each serving from `published()` at the time of the request."""
    router = APIRouter(tags=["distribution centre (1609.2.1 REST API v3)"])

    def home(files: PublishedFiles, series: str) -> bool:
        return bytes.fromhex(series) == files.ctl_series_id

    @router.get("/v3/ra-certificate", response_class=Response, summary="The RA certificate (clause 6.3.5.12)")
    def ra_certificate() -> Response:
        files = published()
        certificate = files.ra_certificate
        return coer_response(certificate.data, filename=f"{certificate.hashed_id8().hex()}.oer")

    @router.get("/v3/ca-certificate", response_class=Response, responses=_ANSWERS,
                summary="A CA certificate by HashedId8 (clause 6.3.5.9)")
    def ca_certificate(cert_id: Annotated[str, Query(alias="certId", pattern=_HEX16)]) -> Response:
        files = published()
        certificate = files.certificates.get(HashedId8(bytes.fromhex(cert_id)))
        return _file(None if certificate is None else (f"{cert_id.lower()}.oer", certificate.data))

    @router.get("/v3/ctl", response_class=Response, responses=_ANSWERS,
                summary="The CTLs of a series, zipped (clauses 6.3.5.11, 8.6)")
    def ctl(series: SeriesId,
            sequence: Annotated[int | None, Query(alias="ctlSequenceNumber", ge=0, le=65535)] = None) -> Response:
        files = published()
        if not home(files, series):
            return Response(status_code=404)
        return _file(files.ctl_zip(max(files.ctls) if sequence is None else sequence))

    @router.get("/v3/ccf-ctl", response_class=Response, responses=_ANSWERS,
                summary="The certificate chain file with its CTL (clauses 6.3.5.7, 8.4)")
    def ccf(series: SeriesId) -> Response:
        files = published()
        return _file(files.ccf if home(files, series) else None)

    @router.get("/v3/composite-crl-ctl", response_class=Response, responses=_ANSWERS,
                summary="The composite CRL with its CTL (clauses 6.3.5.8, 8.5)")
    def composite_crl(series: SeriesId) -> Response:
        files = published()
        return _file(files.composite_crl if home(files, series) else None)

    @router.get("/v3/crl", response_class=Response, responses=_ANSWERS,
                summary="The newest CRL of a CRACA and series (clause 6.3.5.10)")
    def crl(craca: Annotated[str, Query(pattern=_HEX16)],
            series: Annotated[int, Query(alias="crlSeries", ge=0, le=65535)]) -> Response:
        files = published()
        data = files.crls.get((HashedId8(bytes.fromhex(craca)), series))
        return _file(None if data is None else (f"crl_{craca.lower()}_{series}.oer", data))

    @router.get("/v3/certificate-management-info-status", response_class=Response,
                summary="Certificate management information status (clauses 6.3.5.14, 8.7)")
    def info_status() -> Response:
        files = published()
        name, data = files.info_status  # the clause 8.7 name has colons: a quoted filename (RFC 6266)
        return Response(data, media_type=COER_MEDIA_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @router.get("/v3/ma-certificate", response_class=Response, responses=_ANSWERS,
                summary="The MA certificate for a PSID (clause 6.3.5.13)")
    def ma_certificate(psid: Annotated[str, Query(pattern=r"^[0-9a-fA-F]{1,8}$")]) -> Response:
        files = published()
        certificate = files.ma_for(int(psid, 16))
        return _file(None if certificate is None else (f"{certificate.hashed_id8().hex()}.oer", certificate.data))

    return router
