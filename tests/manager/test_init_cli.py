"""`scms init` from the shell: the summary, one-line errors, and every artifact readable by `scms asn1 decode` and
verifiable by `scms cert verify` (Typer runner, and one real subprocess end to end)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scms.cli import app
from scms.deployment import DeploymentConfig, parse_config

from ._deployment import COMPONENTS

runner = CliRunner()
SCMS = Path(sys.executable).with_name("scms")


@pytest.fixture(scope="module")
def created(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    directory = tmp_path_factory.mktemp("cli") / "scms-data"
    result = runner.invoke(app, ["init", "--dir", str(directory)])
    assert result.exit_code == 0, result.output
    return directory, result.output


def test_summary_lists_what_was_created(created: tuple[Path, str]) -> None:
    directory, output = created
    for line in ("certificate root", "certificate elector-3", "CTL 1", "CCF", "CRL series 256", "CRL series 1",
                 "composite CRL", "OBU policy", "RSU policy", "private keys", "ra operator-token"):
        assert line in output, line
    assert "quorum 2 of 3 electors" in output and "18 keys, mode 0600" in output
    manifest = json.loads((directory / "deployment.json").read_text())
    assert manifest["certificates"]["ica"]["hashed_id8"] in output


def _names(directory: Path) -> dict[str, str]:
    manifest = json.loads((directory / "deployment.json").read_text())
    return {name: entry["file"] for name, entry in manifest["certificates"].items()}


def test_every_certificate_decodes_and_verifies(created: tuple[Path, str]) -> None:
    directory, _ = created
    files = {name: directory / file for name, file in _names(directory).items()}
    for name, path in files.items():
        decoded = runner.invoke(app, ["asn1", "decode", "Certificate", str(path)])
        assert decoded.exit_code == 0, (name, decoded.output)
        assert json.loads(decoded.output)["toBeSigned"]["id"]["name"] == f"{name}.scms.example"
        issuers = [path] if name.startswith("elector-") else [files["root"], files["ica"]]
        arguments = [a for issuer in issuers for a in ("--issuer", str(issuer))]
        verified = runner.invoke(app, ["cert", "verify", str(path), *arguments])
        assert verified.exit_code == 0, (name, verified.output)
    assert set(files) == {*COMPONENTS, "elector-1", "elector-2", "elector-3"}
    # Without the ICA the component certificates do not verify: the check is real.
    alone = runner.invoke(app, ["cert", "verify", str(files["ra"]), "--issuer", str(files["root"])])
    assert alone.exit_code != 0


def test_trust_artifacts_decode(created: tuple[Path, str]) -> None:
    directory, _ = created
    manifest = json.loads((directory / "deployment.json").read_text())
    artifacts = [("MultiSignedCtlSpdu", c["file"]) for c in manifest["ctls"]]
    artifacts += [("SecuredCrl", c["file"]) for c in manifest["crls"]]
    artifacts += [("CertificateChainSpdu", manifest["ccf"]["file"])]
    artifacts += [("CompositeCrlSpdu", manifest["composite_crl"]["file"])]
    for type_name, file in artifacts:
        result = runner.invoke(app, ["asn1", "decode", type_name, str(directory / file), "--deep"])
        assert result.exit_code == 0, (type_name, file, result.output)


def test_second_init_fails_in_one_line(created: tuple[Path, str]) -> None:
    directory, _ = created
    result = runner.invoke(app, ["init", "--dir", str(directory)])
    assert result.exit_code == 2
    expected = f"error: {directory}: already holds a deployment (deployment.json); refusing to init over it"
    assert result.stderr.strip() == expected


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[ra]\ncolour = 1\n", "ra.colour: unknown option"),
        ("[manager.electors]\nquorum = 9\n", "manager.electors.quorum: 9 exceeds manager.electors.count (3)"),
        ("[ra\n", "not valid TOML"),
    ],
)
def test_bad_config_fails_in_one_line(tmp_path: Path, toml: str, expected: str) -> None:
    config = tmp_path / "site.toml"
    config.write_text(toml)
    result = runner.invoke(app, ["init", "--dir", str(tmp_path / "d"), "--config", str(config)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {config}: ") and expected in result.stderr
    assert not (tmp_path / "d").exists()


def test_config_in_the_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "scms.toml").write_text('[deployment]\nname = "v2x.example.org"\n[manager.electors]\ncount = 2\n'
                                       "quorum = 1\n")
    result = runner.invoke(app, ["init", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = _names(tmp_path)
    assert "elector-3" not in names and "elector-2" in names
    decoded = runner.invoke(app, ["asn1", "decode", "Certificate", str(tmp_path / names["ra"])])
    assert json.loads(decoded.output)["toBeSigned"]["id"]["name"] == "ra.v2x.example.org"
    written = parse_config((tmp_path / "scms.toml").read_text())
    assert written.deployment.name == "v2x.example.org" and written.manager.electors.count == 2


def test_print_config(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", "--dir", str(tmp_path / "none"), "--print-config"])
    assert result.exit_code == 0 and parse_config(result.output) == DeploymentConfig()
    assert not (tmp_path / "none").exists()


def test_real_subprocess_end_to_end(tmp_path: Path) -> None:
    directory = tmp_path / "scms-data"
    init = subprocess.run([str(SCMS), "init", "--dir", str(directory)], capture_output=True, text=True, check=False)
    assert init.returncode == 0, init.stderr
    files = {name: str(directory / file) for name, file in _names(directory).items()}
    verify = subprocess.run(
        [str(SCMS), "cert", "verify", files["aca"], "--issuer", files["ica"], "--issuer", files["root"]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
