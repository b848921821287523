"""Operator authentication of the registration API: `Authorization: Bearer <token>`, the token of
`ra.operator_token_file` (1609.2.1 leaves device registration out; issue 4 asks for an operator credential).

Both sides are hashed before the constant-time comparison, so neither the token nor its length shows in the time
an answer takes. A request without the header, with another scheme or with a wrong token gets 401 with
`WWW-Authenticate: Bearer`, in either error mode (this is not a 1609.2.1 error).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

__all__ = ["operator_dependency"]

_BEARER = HTTPBearer(auto_error=False, description="The registration operator's API token (ra.operator_token_file)")


def operator_dependency(token: bytes) -> Callable[..., Coroutine[Any, Any, None]]:
    """A FastAPI dependency that lets only holders of `token` through."""
    expected = hashlib.sha256(token).digest()

    async def require_operator(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    ) -> None:
        given = b"" if credentials is None else credentials.credentials.encode()
        if not hmac.compare_digest(hashlib.sha256(given).digest(), expected) or credentials is None:
            raise HTTPException(401, "operator token required", headers={"WWW-Authenticate": "Bearer"})

    return require_operator
