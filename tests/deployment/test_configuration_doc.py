"""docs/configuration.md documents every option of scms.toml and every field of the policy files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from scms.deployment import config, policy, policy_parameters, regions

DOC = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()

MODELS: list[type[BaseModel]] = [
    config.DeploymentSettings,
    policy_parameters.PolicyParameters,
    policy.DeviceTypeSettings,
    policy.AuthorizationProfile,
    policy.PermissionSpec,
    regions.RegionSpec,
    config.ElectorsConfig,
    config.RootConfig,
    config.IcaConfig,
    config.CrlConfig,
    config.CtlConfig,
    config.EcaConfig,
    config.RaConfig,
    config.AcaConfig,
    config.LaConfig,
    config.MaConfig,
    policy.GlobalPolicy,
    policy.DevicePolicy,
]


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_every_option_is_documented(model: type[BaseModel]) -> None:
    missing = [
        field.alias or name
        for name, field in model.model_fields.items()
        if f"| `{field.alias or name}` |" not in DOC
    ]
    assert not missing, f"{model.__name__}: {missing} missing from docs/configuration.md"


def test_every_table_of_the_file_is_documented() -> None:
    for table in ("[deployment]", "[policy]", "[devices.obu]", "[manager.electors]", "[manager.root]",
                  "[manager.ica]", "[manager.crl]", "[manager.ctl]", "[eca]", "[ra]", "[aca]", "[la1]", "[la2]",
                  "[ma]"):
        assert f"`{table}" in DOC, table
