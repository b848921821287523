"""Step 1 of `verify_deployment`: the files everything else hangs on load and agree (docs/configuration.md).

`deployment.json` (the manifest), `scms.toml` (every option valid, `check_config`), the global policy and each
device-type policy (1609.2.1 §4.3 parameter names) load; the home CTL series is the same in all three; each device
policy is the one its name says.
"""

from __future__ import annotations

from scms.deployment.config import DeploymentConfig
from scms.deployment.config_file import load_config
from scms.deployment.layout import CONFIG_FILE, MANIFEST_FILE, Layout
from scms.deployment.manifest import Manifest, read_manifest
from scms.deployment.policy import load_device_policy, load_global_policy
from scms.deployment.verification.report import Recorder

__all__ = ["check_files"]


def check_files(layout: Layout, recorder: Recorder) -> tuple[DeploymentConfig, Manifest]:
    """Load and cross-check the configuration, the manifest and the policy files."""
    with recorder.artifact(MANIFEST_FILE):
        manifest = read_manifest(layout.manifest_file)
    with recorder.artifact(CONFIG_FILE):
        config = load_config(layout.config_file)
    recorder.ok(CONFIG_FILE, "configuration", "loads; every option valid")
    if manifest.ctl_series_id != config.manager.ctl.series_id:
        wanted = config.manager.ctl.series_id
        raise recorder.fail(MANIFEST_FILE, f"CTL series {manifest.ctl_series_id}, scms.toml says {wanted}")
    counts = f"{len(manifest.certificates)} current, {len(manifest.history)} past certificates"
    recorder.ok(MANIFEST_FILE, "manifest", counts)
    with recorder.artifact(manifest.global_policy):
        policy = load_global_policy(layout.root / manifest.global_policy)
    file = manifest.global_policy
    if policy.ctl_series_id != manifest.ctl_series_id:
        raise recorder.fail(file, f"CTL series {policy.ctl_series_id}, expected {manifest.ctl_series_id}")
    if set(policy.device_types) != set(manifest.device_policies):
        raise recorder.fail(file, f"device types {list(policy.device_types)} do not each have a policy file")
    recorder.ok(file, "global policy", f"version {policy.version}")
    for kind, device_file in manifest.device_policies.items():
        with recorder.artifact(device_file):
            device = load_device_policy(layout.root / device_file)
        if device.device_type != kind:
            raise recorder.fail(device_file, f"the policy of {device.device_type}, listed for {kind}")
        recorder.ok(device_file, f"{kind} policy", f"version {device.version}")
    return config, manifest
