"""Rendering errors at the HTTP edge: `Ieee-1609.2.1-Error: <status>-<code>` in fine mode, a bare 500 in coarse.

1609.2.1 clause 6 (REST API v3, standards-notes §10.3): with `scmsV3-error = fine` an error is its HTTP status plus
the header `Ieee-1609.2.1-Error: <status>-<code>`; with `coarse` every error is HTTP 500 without detail. Errors
that have no 1609.2.1 code (a bug, a peer component that is down) never say more than their status.

Logs never carry an exception's message: library messages can hold bound SQL parameters or bytes (key material),
so a log names the exception's class and the frames it passed through, nothing else.
"""

from __future__ import annotations

import logging
import traceback

from starlette.responses import JSONResponse, Response

from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.services.common.settings import ErrorMode

__all__ = [
    "ERROR_HEADER",
    "PeerError",
    "bare_500",
    "describe_exception",
    "log_unexpected",
    "render_error",
    "render_peer_error",
]

ERROR_HEADER = "Ieee-1609.2.1-Error"
"""The response header that carries `<status>-<code>` (1609.2.1 clause 6)."""


class PeerError(Exception):
    """Another component could not be reached or failed (5xx): our own error type for what httpx raises.

    `reason` is a short fixed phrase or an exception class name, never a message from a library.
    """

    def __init__(self, peer: str, reason: str, *, status: int | None = None) -> None:
        self.peer = peer
        self.reason = reason
        self.status = status
        super().__init__(f"peer {peer}: {reason}" + (f" (HTTP {status})" if status is not None else ""))


def bare_500() -> Response:
    """HTTP 500 and nothing else: no header naming an error, an empty body."""
    return Response(status_code=500)


def render_error(error: Ieee1609Error, mode: ErrorMode) -> Response:
    """The response for a 1609.2.1 error: status + header (+ the code's fixed meaning) or, coarse, a bare 500.

    The error's `detail` (which field, which byte offset) is for the server log only.
    """
    if mode is ErrorMode.COARSE:
        return bare_500()
    code: ErrorCode = error.error
    return JSONResponse(
        {"error": code.header_value, "meaning": code.meaning},
        status_code=code.status,
        headers={ERROR_HEADER: code.header_value},
    )


def render_peer_error(mode: ErrorMode) -> Response:
    """A peer component is unavailable: 503 in fine mode (no 1609.2.1 code exists for it), 500 in coarse."""
    return bare_500() if mode is ErrorMode.COARSE else Response(status_code=503)


def describe_exception(exc: BaseException) -> str:
    """The class of `exc` (and of its causes) with the frames it passed through; never its message."""
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(parts) < 5:
        frames = traceback.extract_tb(current.__traceback__)
        where = " <- ".join(f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in reversed(frames))
        parts.append(f"{type(current).__module__}.{type(current).__qualname__}" + (f" at {where}" if where else ""))
        current = current.__cause__ or current.__context__
    return "; caused by ".join(parts)


def log_unexpected(logger: logging.Logger, exc: BaseException, where: str) -> None:
    """Log an exception that became a bare 500 (or a failed job) without its message."""
    logger.error("unexpected %s: %s", where, describe_exception(exc))
