"""COER bodies of the REST API v3 (1609.2.1 clause 6; standards-notes §10.1): `application/octet-stream` only.

A handler takes its body as `body: CoerBody`; the dependency refuses any other content type with 400-42 (the
bytes cannot be parsed as what the endpoint expects) before the handler runs. `COER_REQUEST_BODY` documents the
body in the OpenAPI (`openapi_extra=`), and `coer_response` sends COER bytes back, as a file when named.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.responses import Response

from scms.dot2.errors import ErrorCode, Ieee1609Error

__all__ = ["COER_MEDIA_TYPE", "COER_REQUEST_BODY", "CoerBody", "coer_body", "coer_response"]

COER_MEDIA_TYPE = "application/octet-stream"
_FILENAME = re.compile(r"[A-Za-z0-9._-]{1,255}")

COER_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {COER_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}
"""`openapi_extra` for a route whose body is COER (FastAPI cannot infer it from a dependency)."""


async def coer_body(request: Request) -> bytes:
    """The request's COER bytes; 400-42 unless the content type is `application/octet-stream`."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != COER_MEDIA_TYPE:
        shown = media_type[:64] or "absent"
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"content type {shown}, not {COER_MEDIA_TYPE}")
    return await request.body()


CoerBody = Annotated[bytes, Depends(coer_body)]
"""The parameter type of a handler that takes a COER body."""


def coer_response(data: bytes, *, filename: str | None = None, status_code: int = 200) -> Response:
    """COER bytes as `application/octet-stream`; with `Content-Disposition: attachment; filename=<name>` if named.

    The names of 1609.2.1 clause 8 files (`ccf_<version>.oer`, `<hash>_enroll.oer`, ...) are plain tokens; any
    other name is refused here, so a header can never be split or quoted wrongly.
    """
    if filename is not None and not _FILENAME.fullmatch(filename):
        raise ValueError("a download file name is letters, digits, '.', '_' and '-' only")
    headers = {"Content-Disposition": f"attachment; filename={filename}"} if filename else None
    return Response(data, status_code=status_code, media_type=COER_MEDIA_TYPE, headers=headers)
