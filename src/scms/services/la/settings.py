"""A linkage authority's typed settings, built once from a loaded deployment at start (style rule 13).

One code base serves LA1 and LA2: `which` ("la1" or "la2") picks the `[la1]` / `[la2]` section (`la_id`,
`max_body_size`, `database_url`), the symmetric key the LA shares with the ACA
(`<which>/keys/plv-aca.key`, purpose "plv-aca"; mode 0600 checked, never shown) and, when the deployment has one,
the bearer token of seed releases (the secret "release-token" of the LA in `deployment.json`).

Errors are always rendered in the fine mode: an LA has only internal routes, and its callers (RA, MA) need the
code; `scmsV3-error` (`[laN] error_mode`) is about what end entities see, so it does not apply here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scms.deployment import Deployment
from scms.deployment.layout import plv_key_purpose
from scms.deployment.tokens import RELEASE_TOKEN, read_token
from scms.dot2.spdu import SymmetricEncryptionKey
from scms.services.common import AppSettings, DatabaseSettings, ErrorMode

__all__ = ["LA_COMPONENTS", "RELEASE_TOKEN", "LaSettings"]

LA_COMPONENTS = ("la1", "la2")


@dataclass(frozen=True)
class LaSettings:
    component: str
    """"la1" or "la2": the deployment section and the app's name."""
    la_id: int
    """`[laN] la_id`: the LaId (1609.2 clause 5.1.3.4) in every seed evolution and pre-linkage value."""
    app: AppSettings
    """`[laN] max_body_size`; errors in the fine mode."""
    database: DatabaseSettings
    """`[laN] database_url`, or the SQLite file under `laN/data/`."""
    aca_key: SymmetricEncryptionKey = field(repr=False)
    """The key shared with the ACA: every pre-linkage value is encrypted under it (`EncryptedIndividualPLV`)."""
    release_token: bytes | None = field(repr=False)
    """Bearer token of the seed-release route (the MA, or the operator acting for it); None: releases refused."""

    @classmethod
    def from_deployment(cls, deployment: Deployment, which: str, *, database_url: str | None = None,
                        release_token: bytes | None = None) -> LaSettings:
        """The settings of `which`; `database_url` and `release_token` override the deployment (tests, tools)."""
        if which not in LA_COMPONENTS:
            raise ValueError(f"no linkage authority {which!r} (known: {', '.join(LA_COMPONENTS)})")
        config = deployment.config.la1 if which == "la1" else deployment.config.la2
        if release_token is not None:
            token: bytes | None = read_token(release_token, name=f"{which} {RELEASE_TOKEN}")
        elif RELEASE_TOKEN in deployment.manifest.secrets.get(which, {}):
            token = deployment.token(which, RELEASE_TOKEN)
        else:
            token = None
        return cls(
            component=which,
            la_id=config.la_id,
            app=AppSettings(error_mode=ErrorMode.FINE, max_body_bytes=config.max_body_size),
            database=DatabaseSettings(url=database_url or deployment.config.database_url(which, deployment.layout)),
            aca_key=deployment.symmetric_key(which, plv_key_purpose("aca")),
            release_token=token,
        )
