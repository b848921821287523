"""Who may ask an LA for a linkage seed: the holder of the LA's seed-release bearer token (the MA, or the operator
acting for it). 1609.2.1 leaves the MA-LA interface out; issue 4 asks for an authenticated internal call.

`Authorization: Bearer <token>`, compared in constant time on SHA-256 digests (neither the token nor its length
shows in the timing). A missing, malformed or wrong credential is 401 with `WWW-Authenticate: Bearer`, in either
error mode; so is every call while the deployment has no token for this LA (the route fails closed). At scale the
call also comes over mutual TLS from the MA only (`RELEASE_CALLERS`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

__all__ = ["release_guard"]

_SCHEME = HTTPBearer(auto_error=False, description="The LA's seed-release token (secret `release-token`)")


def release_guard(token: bytes | None) -> Callable[..., Coroutine[Any, Any, None]]:
    """A FastAPI dependency admitting only holders of `token`; with None, nobody."""
    digest = None if token is None else hashlib.sha256(token).digest()

    async def require_release_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_SCHEME)],
    ) -> None:
        offered = hashlib.sha256(b"" if credentials is None else credentials.credentials.encode()).digest()
        admitted = digest is not None and credentials is not None and hmac.compare_digest(offered, digest)
        if not admitted:
            raise HTTPException(401, "seed-release token required", headers={"WWW-Authenticate": "Bearer"})

    return require_release_token
