"""Bearer tokens on the components' own JSON routes (RFC 6750 `Authorization: Bearer <token>`): the RA's
registration operator and the LAs' seed release (1609.2.1 leaves both interfaces out; issue 4 asks for an operator
credential and an authenticated internal call).

`bearer_guard(token, ...)` is a FastAPI dependency that admits only holders of `token` (read from the deployment
by `Deployment.token`: `scms.deployment.tokens`). Both sides are hashed (SHA-256) before the constant-time
comparison, so neither the token nor its length shows in the time an answer takes. A request without the header,
with another scheme or with a wrong token gets 401 with `WWW-Authenticate: Bearer`, in either error mode (this is
not a 1609.2.1 error). With `token` None (nothing configured) every request gets that 401: the route fails closed.
"""

# No `from __future__ import annotations`: FastAPI reads the guard's parameter annotation at run time, and it names
# the scheme object of the closure (a string annotation would be resolved in the module's globals, not there).

import hashlib
import hmac
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

__all__ = ["BearerGuard", "bearer_guard"]

BearerGuard = Callable[..., Coroutine[Any, Any, None]]


def bearer_guard(token: bytes | None, *, description: str, refusal: str) -> BearerGuard:
    """A FastAPI dependency admitting only holders of `token`; with None, nobody.

    `description` documents the scheme in the OpenAPI; `refusal` is the 401's detail (say what is needed, never
    what was sent).
    """
    expected = None if token is None else hashlib.sha256(token).digest()
    scheme = HTTPBearer(auto_error=False, description=description)

    async def require_bearer(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(scheme)]) -> None:
        offered = hashlib.sha256(b"" if credentials is None else credentials.credentials.encode()).digest()
        admitted = hmac.compare_digest(offered, expected or bytes(32))
        if not admitted or expected is None or credentials is None:
            raise HTTPException(401, refusal, headers={"WWW-Authenticate": "Bearer"})

    return require_bearer
