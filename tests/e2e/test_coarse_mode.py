"""`scms up` on a deployment whose RA and ECA answer in the coarse mode (`scmsV3-error = coarse`, 1609.2.1 Table 4:
every refusal a bare HTTP 500, nothing that tells a prober why), and that `scms up` itself created from the
`scms.toml` it found in an otherwise empty directory, with the policy's URLs naming the port it serves."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from scms.crypto import SoftwareKey
from scms.deployment import DeploymentConfig, load_config, render_config
from scms.deployment.config import EcaConfig, RaConfig
from scms.services.common import RunnerSettings
from scms.services.runtime import EmbeddedSettings

from ._up import COER, ERROR, Up, scms_up

THREADS = RunnerSettings(cpu_workers=0, poll_interval_s=0.2)
"""No process pools: nothing is issued here but enrollment certificates (the ECA signs in its handler)."""


@pytest.fixture(scope="module")
def coarse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    directory = tmp_path_factory.mktemp("e2e-coarse") / "scms-data"
    directory.mkdir()
    config = DeploymentConfig(ra=RaConfig(error_mode="coarse"), eca=EcaConfig(error_mode="coarse"))
    (directory / "scms.toml").write_text(render_config(config))
    with scms_up(directory, settings=EmbeddedSettings(ra_runner=THREADS, aca_runner=THREADS)) as running:
        yield running


@pytest.fixture
def http(coarse: Up) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=coarse.url, timeout=30) as client:
        yield client


def test_scms_up_created_the_deployment_from_the_configuration_it_found(coarse: Up) -> None:
    assert coarse.printed.out()[0] == (f"created a deployment in {coarse.directory} (scms init): 12 certificates, "
                                       f"CTL 1, policy files for {coarse.url}")
    config = load_config(coarse.directory / "scms.toml")
    assert (config.ra.error_mode, config.eca.error_mode, config.deployment.base_url) == ("coarse", "coarse",
                                                                                         coarse.url)
    policy = json.loads((coarse.directory / "public" / "policy" / "global.json").read_text())
    assert policy["urls"]["ra"] == f"{coarse.url}/ra" and policy["urls"]["eca"] == f"{coarse.url}/eca"


def _bare_500(response: httpx.Response) -> None:
    assert (response.status_code, response.content) == (500, b"") and ERROR not in response.headers


def test_refusals_are_bare_500s(coarse: Up, http: httpx.Client) -> None:
    for path in ("/ra/v3/authorization-certificate", "/eca/v3/enrollment-certificate"):
        _bare_500(http.post(path, content=b"\x03\x81\x00garbage", headers=COER))              # 400-42 in fine
        _bare_500(http.post(path, content=bytes(coarse.deployment.config.ra.max_body_size + 1), headers=COER))
    _bare_500(http.get("/ra/v3/authorization-certificate", params={"filename": "00_1.zip"},
                       headers={"Ieee-1609.2.1-Authorization": "not base64!"}))


def test_what_is_not_a_1609_2_1_error_keeps_its_status(coarse: Up, http: httpx.Client) -> None:
    body = {"device_type": "OBU", "curve": "P-256", "public_key": SoftwareKey.generate().public_point.encode().hex()}
    assert http.post("/ra/registration/v1/devices", json=body).status_code == 401         # the operator's API
    assert http.get("/ra/v3/no-such-endpoint").status_code == 404
    assert http.get("/ra/readyz").json()["status"] == "ready"
