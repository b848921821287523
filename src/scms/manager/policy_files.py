"""The policy files of a deployment from its configuration (the policy generator role, 1609.2.1 §4.1).

`build_policies(config, version)` gives the global policy (the 1609.2.1 §4.3 parameters of `[policy]`, the URL of
every component, the home CTL series, the root CA's region) and one policy per device type (`[devices.*]`), all at
`version` (init writes version 1).
"""

from __future__ import annotations

from scms.deployment.config import DeploymentConfig
from scms.deployment.layout import SERVICE_COMPONENTS
from scms.deployment.policy import DevicePolicy, DeviceType, GlobalPolicy

__all__ = ["build_policies"]


def build_policies(config: DeploymentConfig, version: int = 1) -> tuple[GlobalPolicy, dict[DeviceType, DevicePolicy]]:
    """The global policy and the policy of each device type, from `config`."""
    devices: dict[DeviceType, DevicePolicy] = {
        "OBU": DevicePolicy(version=version, device_type="OBU", **dict(config.devices.obu)),
        "RSU": DevicePolicy(version=version, device_type="RSU", **dict(config.devices.rsu)),
    }
    global_policy = GlobalPolicy(
        version=version,
        parameters=config.policy,
        urls={name: config.url(name) for name in SERVICE_COMPONENTS},
        ctl_series_id=config.manager.ctl.series_id,
        region=config.manager.root.region,
        device_types=tuple(devices),
    )
    return global_policy, devices
