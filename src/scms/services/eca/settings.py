"""The ECA's typed settings, built once from a loaded deployment at start (style rule 13).

From `scms.toml` / the policy files: `[eca]` (`error_mode` = `scmsV3-error`, `max_body_size`, `database_url`),
the RA's URL (`[ra] url`, where the ECA reaches the RA's internal API unless a transport is given), the 1609.2.1
parameters eca-maxAge, eca-maxReqs, eca-minWait, eca-maxWait and time-leapSeconds (global policy), each device
type's rules (device policies), and the enrollment CRL series (`[manager.crl] enrollment_series`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scms.deployment import Deployment
from scms.dot2.time import LeapSeconds
from scms.services.common import AppSettings, DatabaseSettings, ErrorMode, PeerSettings
from scms.services.eca.issuer import eca_chain
from scms.services.eca.policy import DeviceTypeRules, IssuingRules
from scms.services.eca.store import RateLimits

__all__ = ["EcaSettings"]


@dataclass(frozen=True)
class EcaSettings:
    app: AppSettings
    """`[eca] error_mode` (scmsV3-error) and `max_body_size`."""
    database: DatabaseSettings
    """`[eca] database_url`, or the SQLite file under `eca/data/`."""
    ra: PeerSettings
    """Where the RA's internal API is (`[ra] url`)."""
    max_age: int
    """`eca-maxAge`: how old a request's generationTime may be on arrival."""
    limits: RateLimits
    """`eca-maxReqs`, `eca-minWait`."""
    issuing: IssuingRules
    """`eca-maxWait`, the CRACA and the enrollment CRL series."""
    device_types: Mapping[str, DeviceTypeRules]
    """Each device type's rules (device policies)."""
    leap_seconds: LeapSeconds
    """`time-leapSeconds`: turns the clock's UTC into Time32."""

    @classmethod
    def from_deployment(cls, deployment: Deployment, *, database_url: str | None = None) -> EcaSettings:
        """The ECA's settings; `database_url` overrides the configuration (tests, tools)."""
        config = deployment.config
        parameters = deployment.global_policy.parameters
        return cls(
            app=AppSettings(error_mode=ErrorMode(config.eca.error_mode), max_body_bytes=config.eca.max_body_size),
            database=DatabaseSettings(url=database_url or config.database_url("eca", deployment.layout)),
            ra=PeerSettings(name="ra", base_url=config.url("ra")),
            max_age=parameters.eca_max_age,
            limits=RateLimits(max_reqs=parameters.eca_max_reqs, min_wait=parameters.eca_min_wait),
            issuing=IssuingRules(
                craca_id=bytes(eca_chain(deployment)[-1].hashed_id3()),
                crl_series=config.manager.crl.enrollment_series,
                max_wait=parameters.eca_max_wait,
            ),
            device_types={kind: DeviceTypeRules.of(policy, deployment.global_policy)
                          for kind, policy in deployment.device_policies.items()},
            leap_seconds=LeapSeconds.fixed(parameters.leap_seconds),
        )
