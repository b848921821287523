"""`scms ee` run as a user runs it: the installed `scms` script in a subprocess, against a real server over HTTP.
`scms init` makes a deployment; its RA and ECA run on a uvicorn server on a free port (as tests/e2e do); the
device, a state directory on disk, is registered with the operator token `scms init` wrote, bootstrapped from the
deployment's first CTL file and enrolled, each step a process of its own; errors come back as one line with their
exit code."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from scms.cli import app as scms_cli
from scms.deployment import Deployment, load_deployment
from scms.ee.state import DeviceState
from scms.services.common import mount_components
from scms.services.eca import create_eca_app
from scms.services.ra import create_ra_app
from serving import served

SCMS = Path(sys.executable).with_name("scms")


@dataclass(frozen=True)
class Server:
    url: str
    directory: Path
    deployment: Deployment


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("ee-cli-http") / "scms-data"
    result = CliRunner().invoke(scms_cli, ["init", "--dir", str(directory)])
    assert result.exit_code == 0, result.output
    deployment = load_deployment(directory)
    ra = create_ra_app(deployment)
    eca = create_eca_app(deployment, transport_to_ra=httpx.ASGITransport(app=ra.internal))
    with served(mount_components({"/ra": ra.public, "/eca": eca.public})) as url:
        yield Server(url, directory, deployment)


def scms(*args: str | Path, code: int = 0) -> str:
    done = subprocess.run([str(SCMS), "ee", *map(str, args)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == code, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout + done.stderr


def in_process(*args: str | Path, code: int) -> str:
    """The same command through typer's CliRunner (no process start-up: the error paths), still over HTTP."""
    result = CliRunner().invoke(scms_cli, ["ee", *map(str, args)])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def test_a_device_registers_bootstraps_and_enrolls_over_http(server: Server, tmp_path: Path) -> None:
    device = tmp_path / "obu"
    token = server.directory / server.deployment.config.ra.operator_token_file
    (anchor,) = sorted((server.directory / "public" / "ctl").glob("ctl_*_1.oer"))
    urls = ("--url", f"ra={server.url}/ra", "--url", f"eca={server.url}/eca")   # the server's port, not the policy's
    scms("new", "--type", "obu", "--device", device)
    registered = scms("register", "--device", device, "--ra", f"{server.url}/ra", "--token-file", token, *urls)
    canonical_id = DeviceState.open(device).index.canonical_id
    assert canonical_id is not None and f"registered OBU {canonical_id}" in registered
    assert "trust verified" in scms("bootstrap", "--device", device, "--anchor-ctl", anchor)
    enrolled = scms("enroll", "--device", device)
    (enrollment,) = DeviceState.open(device).index.enrollments
    assert f"enrolled: {enrollment.hashed_id8}" in enrolled
    status = scms("status", "--device", device)
    assert canonical_id in status and enrollment.hashed_id8 in status


def test_refusals_over_http_are_one_line(server: Server, tmp_path: Path) -> None:
    (anchor,) = sorted((server.directory / "public" / "ctl").glob("ctl_*_1.oer"))
    urls = ("--url", f"ra={server.url}/ra", "--url", f"eca={server.url}/eca")
    device = tmp_path / "obu"
    in_process("new", "--type", "obu", "--device", device, code=0)
    assert "not a token" in in_process("register", "--device", device, "--ra", f"{server.url}/ra", "--token-file",
                                       anchor, code=2)
    (tmp_path / "guess").write_text("guess\n")
    denied = in_process("register", "--device", device, "--ra", f"{server.url}/ra", "--token-file",
                        tmp_path / "guess", *urls, code=1)
    assert denied.startswith("error: refused: POST ") and "HTTP 401" in denied and denied.count("\n") == 1

    stranger = tmp_path / "rsu"                                     # never registered by the operator
    in_process("new", "--type", "rsu", "--device", stranger, code=0)
    in_process("register", "--device", stranger, "--global-policy", server.directory / "public/policy/global.json",
               "--device-policy", server.directory / "public/policy/device-rsu.json", "--canonical-id", "00" * 32,
               *urls, code=0)
    in_process("bootstrap", "--device", stranger, "--anchor-ctl", anchor, code=0)
    refused = in_process("enroll", "--device", stranger, code=1)
    assert "error: refused: POST " in refused
    assert "/eca/v3/enrollment-certificate: 400-21 unregistered enrollment certificate" in refused
    assert refused.count("\n") == 1
