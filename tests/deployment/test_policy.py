"""Policy files: JSON with the 1609.2.1 parameter names, round trip, versions, errors naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scms.deployment import DeploymentConfig, PolicyError, dump_policy, load_device_policy, load_global_policy
from scms.deployment.policy import DevicePolicy, GlobalPolicy, PermissionSpec
from scms.deployment.policy_parameters import PolicyParameters
from scms.dot2.permissions import PsidSsp, Ssp
from scms.dot2.time import IPeriods, Time32


def _global() -> GlobalPolicy:
    parameters = PolicyParameters.model_validate({"time-iPeriodLength": 86400, "ra-maxReqs": 7})
    return GlobalPolicy(
        version=3,
        parameters=parameters,
        urls={"ra": "https://ra.example", "eca": "https://eca.example"},
        ctl_series_id="0102030405060708",
        device_types=("OBU", "RSU"),
    )


def test_global_policy_round_trip_uses_standard_names(tmp_path: Path) -> None:
    policy = _global()
    path = tmp_path / "global.json"
    path.write_bytes(dump_policy(policy))
    raw = json.loads(path.read_text())
    assert raw["format_version"] == 1 and raw["version"] == 3
    assert raw["parameters"]["time-iPeriodLength"] == 86400 and raw["parameters"]["ra-maxReqs"] == 7
    assert raw["parameters"]["ra-butterflyType"] == ["original", "unified", "compactUnified"]
    assert "i_period_length" not in raw["parameters"]
    assert load_global_policy(path) == policy
    assert load_global_policy(path).parameters.i_periods() == IPeriods(Time32(347619603), 86400)


def test_device_policy_round_trip(tmp_path: Path) -> None:
    settings = DeploymentConfig().devices.obu
    policy = DevicePolicy(version=1, device_type="OBU", **settings.model_dump())
    path = tmp_path / "device-obu.json"
    path.write_bytes(dump_policy(policy))
    loaded = load_device_policy(path)
    assert loaded == policy
    assert [p.name for p in loaded.authorization] == ["pseudonym", "identification"]
    assert loaded.request_permissions() == (PsidSsp(32), PsidSsp(38), PsidSsp(135))


def test_permission_spec_maps_to_psid_ssp() -> None:
    assert PermissionSpec(psid=38, ssp="0A").to_psid_ssp() == PsidSsp(38, Ssp(b"\x0a"))
    assert PermissionSpec(psid=135, ssp="9f17", bitmap=True).to_psid_ssp() == PsidSsp(135, Ssp(b"\x9f\x17", True))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda v: v.pop("version"), "version"),
        (lambda v: v.update(format_version=2), "format_version"),
        (lambda v: v["parameters"].update({"ra-maxReqs": 0}), "parameters.ra-maxReqs"),
        (lambda v: v["parameters"].update({"ra-maxreqs": 1}), "parameters.ra-maxreqs"),
        (lambda v: v.update(ctl_series_id="xyz"), "ctl_series_id"),
        (lambda v: v.update(device_types=["PHONE"]), "device_types[0]"),
    ],
)
def test_bad_global_policy_names_the_field(tmp_path: Path, change: object, field: str) -> None:
    value = json.loads(dump_policy(_global()))
    change(value)  # type: ignore[operator]
    path = tmp_path / "global.json"
    path.write_text(json.dumps(value))
    with pytest.raises(PolicyError) as caught:
        load_global_policy(path)
    assert str(caught.value).startswith(f"{path}: ") and field in caught.value.options


def test_unreadable_policy_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_device_policy(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(PolicyError, match="not JSON"):
        load_device_policy(tmp_path / "broken.json")
