"""Where a fleet's devices go and what they are given out of band: the SCMS's base URL (the components under
`/ra`, `/eca`, ..., as `scms up` serves them), the RA's operator token (registration, the DCM's step) and the anchor
CTL (bootstrap). Only local targets: the simulator is a load generator, it must not load someone else's server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scms.deployment import Deployment
from scms.deployment.tokens import OPERATOR_TOKEN

__all__ = ["COMPONENTS", "LOCAL_HOSTS", "FleetTarget"]

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
COMPONENTS = ("ra", "eca", "aca", "la1", "la2")
"""The components under the base URL (`scms.services.runtime.EMBEDDED_COMPONENTS`)."""


@dataclass(frozen=True)
class FleetTarget:
    url: str
    """Base URL, e.g. http://127.0.0.1:8080 (no trailing slash)."""
    token: str = field(repr=False)
    """The RA's registration operator token."""
    anchor_ctl: bytes = field(repr=False)
    leap_seconds: int | None = None
    """The policy's `time-leapSeconds` for the devices' clock (None: the default)."""

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or parts.hostname not in LOCAL_HOSTS:
            raise ValueError(f"{self.url}: the fleet only targets a local SCMS (http://127.0.0.1:PORT)")
        object.__setattr__(self, "url", self.url.rstrip("/"))

    @classmethod
    def of_deployment(cls, deployment: Deployment, url: str | None = None) -> FleetTarget:
        """The deployment's operator token and first CTL, at `url` (default: the deployment's `base_url`)."""
        return cls(url or deployment.config.deployment.base_url,
                   deployment.token("ra", OPERATOR_TOKEN).decode(),
                   deployment.ctls()[0],
                   deployment.global_policy.parameters.leap_seconds)

    def urls(self) -> dict[str, str]:
        """Each component's base URL (they win over the global policy's)."""
        return {component: f"{self.url}/{component}" for component in COMPONENTS}
