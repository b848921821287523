"""`scms ee` refusals over HTTP: `scms init` makes a deployment; its RA and ECA run on a uvicorn server on a free
port (as tests/e2e do); the commands run through typer's CliRunner (no process start-up each) and each error comes
back as one line with its exit code. A device's whole life with every command a process of the installed `scms`
script, against `scms up` as a process: tests/e2e/test_cli_life.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from scms.cli import app as scms_cli
from scms.deployment import Deployment, load_deployment
from scms.services.common import mount_components
from scms.services.eca import create_eca_app
from scms.services.ra import create_ra_app
from serving import served


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


def in_process(*args: str | Path, code: int) -> str:
    """The same command through typer's CliRunner (no process start-up: the error paths), still over HTTP."""
    result = CliRunner().invoke(scms_cli, ["ee", *map(str, args)])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


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
