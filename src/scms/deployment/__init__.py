"""The deployment layer: configuration, policy files, directory layout and key files of an SCMS deployment.

Below the manager, the services and the EE tools, above `scms.protocol`: everything here is about files, never
about the network or a clock. Reference: docs/configuration.md (every option), docs/trust.md (what init creates).

* `config`, `config_file`, `config_checks`: `scms.toml` as typed models, `load_config`, `render_config`;
* `policy`, `policy_parameters`, `regions`: the global and per-device-type policy files (1609.2.1 §4.3 names);
* `layout`: where every file lives; `keystore`: private keys as 0600 files; `files`: public files;
* `tokens`: the bearer tokens (the RA's operator token, the LAs' seed-release tokens);
* `manifest`, `deployment`: `deployment.json` and `load_deployment(dir)`.
"""

from scms.deployment.config import DeploymentConfig
from scms.deployment.config_file import check_config, load_config, parse_config, render_config
from scms.deployment.deployment import Deployment, load_deployment
from scms.deployment.errors import ConfigError, DeploymentError, KeyFileError, PolicyError
from scms.deployment.keystore import load_private_key, load_symmetric_key, write_private_key, write_symmetric_key
from scms.deployment.layout import Layout
from scms.deployment.policy import DevicePolicy, GlobalPolicy, dump_policy, load_device_policy, load_global_policy
from scms.deployment.policy_parameters import PolicyParameters

__all__ = [
    "ConfigError",
    "Deployment",
    "DeploymentConfig",
    "DeploymentError",
    "DevicePolicy",
    "GlobalPolicy",
    "KeyFileError",
    "Layout",
    "PolicyError",
    "PolicyParameters",
    "check_config",
    "dump_policy",
    "load_config",
    "load_deployment",
    "load_device_policy",
    "load_global_policy",
    "load_private_key",
    "load_symmetric_key",
    "parse_config",
    "render_config",
    "write_private_key",
    "write_symmetric_key",
]
