"""The bearer tokens of a deployment: what `scms init` writes, the services read and `scms trust verify` checks.

1609.2.1 leaves device registration and the MA-LA interface out; our own JSON routes for them are behind bearer
tokens (docs/trust.md, "Secrets"):

| component | secret name | file (default) | who presents it |
|---|---|---|---|
| ra | `operator-token` | `ra/secrets/operator-token` (`[ra] operator_token_file`) | the registration operator |
| la1, la2 | `release-token` | `laN/secrets/release-token` | the MA (or the operator acting for it) |

Each is a secret file (mode 0600 in a 0700 directory, `scms.deployment.keystore`) named in `deployment.json`
under `secrets`; a token is 43 URL-safe characters (256 random bits) and a newline. A token shorter than
`MIN_TOKEN_LENGTH` characters is refused wherever it is read: a short token can be guessed.
"""

from __future__ import annotations

import secrets

from scms.deployment.errors import DeploymentError

__all__ = ["MIN_TOKEN_LENGTH", "OPERATOR_TOKEN", "RELEASE_TOKEN", "REQUIRED_TOKENS", "new_token", "read_token"]

OPERATOR_TOKEN = "operator-token"  # noqa: S105 (the name of a secret, not a secret)
"""The RA's registration operator token."""
RELEASE_TOKEN = "release-token"  # noqa: S105 (the name of a secret, not a secret)
"""An LA's seed-release token."""
REQUIRED_TOKENS: dict[str, tuple[str, ...]] = {"ra": (OPERATOR_TOKEN,), "la1": (RELEASE_TOKEN,),
                                               "la2": (RELEASE_TOKEN,)}
"""The tokens every deployment holds, by component."""
MIN_TOKEN_LENGTH = 16
"""The shortest token accepted."""


def new_token() -> bytes:
    """A fresh token as written to its file: 43 URL-safe characters (256 random bits) and a newline."""
    return secrets.token_urlsafe(32).encode() + b"\n"


def read_token(raw: bytes, *, name: str) -> bytes:
    """The token in `raw` (a secret file's content) without surrounding whitespace; `DeploymentError` naming
    `name` (the file, or whose token it is; never the token) when it is shorter than `MIN_TOKEN_LENGTH`."""
    token = raw.strip()
    if len(token) < MIN_TOKEN_LENGTH:
        raise DeploymentError(f"{name}: the token must have {MIN_TOKEN_LENGTH} characters or more")
    return token
