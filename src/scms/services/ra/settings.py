"""The RA's typed settings, built once from a loaded deployment at start (style rule 13).

Everything the RA reads from the deployment is here: the common app and database settings of `[ra]`
(`error_mode` = `scmsV3-error`, `max_body_size`, `database_url`), the registration operator's token (read from
`ra.operator_token_file`, mode 0600 checked; never shown in a repr) and the policy files it hands out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scms.deployment import Deployment, DevicePolicy, GlobalPolicy
from scms.deployment.tokens import OPERATOR_TOKEN
from scms.services.common import AppSettings, DatabaseSettings, ErrorMode

__all__ = ["OPERATOR_TOKEN", "RaSettings"]



@dataclass(frozen=True)
class RaSettings:
    app: AppSettings
    """`[ra] error_mode` (scmsV3-error) and `max_body_size`."""
    database: DatabaseSettings
    """`[ra] database_url`, or the SQLite file under `ra/data/`."""
    operator_token: bytes = field(repr=False)
    """The bearer token of the registration operator (`ra.operator_token_file`)."""
    global_policy: GlobalPolicy
    device_policies: Mapping[str, DevicePolicy]
    """The policy of each device type ("OBU", "RSU")."""

    @classmethod
    def from_deployment(cls, deployment: Deployment, *, database_url: str | None = None) -> RaSettings:
        """The RA's settings; `database_url` overrides the configuration (tests, tools)."""
        config = deployment.config.ra
        token = deployment.token("ra", OPERATOR_TOKEN)
        return cls(
            app=AppSettings(error_mode=ErrorMode(config.error_mode), max_body_bytes=config.max_body_size),
            database=DatabaseSettings(url=database_url or deployment.config.database_url("ra", deployment.layout)),
            operator_token=token,
            global_policy=deployment.global_policy,
            device_policies=dict(deployment.device_policies),
        )
