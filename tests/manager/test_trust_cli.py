"""`scms init` then `scms trust verify` from the shell (Typer runner, real clock): the report, and one line naming
the artifact for each kind of damage. The time of `scms init` is printed (pytest -s) for the docs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scms.cli import app

from ._trust import copy_deployment, flip_byte, read_manifest

runner = CliRunner()


@pytest.fixture(scope="module")
def created(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("trust-cli") / "scms-data"
    started = time.perf_counter()
    result = runner.invoke(app, ["init", "--dir", str(directory)])
    print(f"scms init (in process, ASN.1 already compiled): {time.perf_counter() - started:.2f} s")
    assert result.exit_code == 0, result.output
    return directory


def test_init_then_verify(created: Path) -> None:
    result = runner.invoke(app, ["trust", "verify", str(created)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"OK: 54 artifacts verified in {created} (CTL 1: 3 electors, 1 root CAs, quorum 2)"
    )
    verbose = runner.invoke(app, ["trust", "verify", str(created), "--verbose"])
    assert verbose.exit_code == 0 and "public/ctl/ctl_53434d5300000001_1.oer" in verbose.stdout
    assert "verified out of band" in verbose.stdout and "ra/keys/encryption.key" in verbose.stdout


@pytest.mark.parametrize("kind", ["certificates", "ctls", "crls"])
def test_one_flipped_byte_is_named(created: Path, tmp_path: Path, kind: str) -> None:
    copy = copy_deployment(created, tmp_path / "d")
    manifest = read_manifest(copy)
    entries = manifest[kind]
    file = (entries["ica"] if kind == "certificates" else entries[0])["file"]
    flip_byte(copy / file, -5)
    result = runner.invoke(app, ["trust", "verify", str(copy)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: {copy / file}: 400-4")
    assert len(result.stderr.strip().splitlines()) == 1


def test_keys_option_and_time_option(created: Path, tmp_path: Path) -> None:
    copy = copy_deployment(created, tmp_path / "d")
    (copy / "root/keys/signing.key").unlink()  # the root key kept offline, as in production
    missing = runner.invoke(app, ["trust", "verify", str(copy)])
    assert missing.exit_code == 1 and "root/keys/signing.key: cannot open" in missing.stderr
    online = runner.invoke(app, ["trust", "verify", str(copy), "--keys", "eca,ra,aca,la1,la2,ma"])
    assert online.exit_code == 0 and "OK: 48 artifacts" in online.stdout
    assert runner.invoke(app, ["trust", "verify", str(copy), "--keys", "none"]).exit_code == 0
    late = runner.invoke(app, ["trust", "verify", str(created), "--at", "2099-01-01T00:00:00Z"])
    assert late.exit_code == 1 and "not valid at" in late.stderr
    bad = runner.invoke(app, ["trust", "verify", str(created), "--at", "yesterday"])
    assert bad.exit_code == 2 and "not an ISO 8601 time" in bad.stderr


def test_not_a_deployment(tmp_path: Path) -> None:
    result = runner.invoke(app, ["trust", "verify", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {tmp_path / 'deployment.json'}: no deployment here (deployment.json missing; run `scms init`)"
    )
