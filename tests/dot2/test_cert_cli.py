"""`scms cert show` and `scms cert verify` on files written to tmp_path (Typer runner and one real subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scms.cli import app
from scms.dot2.time import Time32
from vectors import case, case_params, unhex

from ._cert_fixtures import EE_START, NOW, Pki, forge_explicit, make_pki

runner = CliRunner()
SCMS = Path(sys.executable).with_name("scms")


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture
def files(pki: Pki, tmp_path: Path) -> dict[str, Path]:
    assert pki.implicit is not None
    out = {}
    for name, cert in (("root", pki.root), ("ica", pki.ica), ("ee", pki.ee), ("implicit", pki.implicit)):
        out[name] = tmp_path / f"{name}.oer"
        out[name].write_bytes(cert.data)
    return out


def _at(t: Time32) -> str:
    return t.to_datetime().strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("param", case_params("real-certificates/iss-root.json"))
def test_show_real_root(param: Any, tmp_path: Path) -> None:
    c = case(param)
    path = tmp_path / "root.oer"
    path.write_bytes(unhex(c["certificate"]))
    result = runner.invoke(app, ["cert", "show", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "type: explicit" in lines and "issuer: self(sha256)" in lines
    assert f"hashedId8: {c['expected_hashed_id8']}" in lines
    assert "id: name v2xrootca.ghsiss.com" in lines
    assert "appPermissions: psid 35 (0x23) ssp 810001" in lines
    assert "appPermissions: psid 256 (0x100) ssp 00010001010100" in lines
    assert "certIssuePermissions: all | chain 3..any | eeType app,enrol" in lines
    assert any(line.startswith("validity: start 385689600 (2016-03-21T23:59:56Z)") for line in lines)
    assert f"r={c['signature_r_x_only']}" in result.output


@pytest.mark.parametrize("param", case_params("real-certificates/ghs-butterfly-pseudonym.json"))
def test_show_real_pseudonym_from_hex_text(param: Any, tmp_path: Path) -> None:
    c = case(param)
    path = tmp_path / "pseudonym.hex"
    path.write_text(c["certificate"] + "\n")
    result = runner.invoke(app, ["cert", "show", str(path)])
    assert result.exit_code == 0, result.output
    assert f"reconstructionValue: compressed-y-0 {c['reconstruction_value_compressed'][2:]}" in result.output
    assert "id: linkageData iCert=142 lv=f68fd9608f6b980bfc" in result.output
    assert "region: identified country 124; country 484; country 840" in result.output


def test_verify_chain_ok(pki: Pki, files: dict[str, Path]) -> None:
    for subject in ("ee", "implicit"):
        args = ["cert", "verify", str(files[subject]), "--issuer", str(files["ica"]), "--issuer", str(files["root"])]
        result = runner.invoke(app, [*args, "--at", _at(NOW)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("OK ") and str(pki.root.hashed_id8()) in result.output


def test_verify_needs_a_self_signed_issuer(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["cert", "verify", str(files["ee"]), "--issuer", str(files["ica"]), "--at", _at(NOW)])
    assert result.exit_code == 1
    assert result.output.strip().endswith("no trust anchor given") and len(result.output.strip().splitlines()) == 1


def test_verify_out_of_validity_and_forged(pki: Pki, files: dict[str, Path], tmp_path: Path) -> None:
    args = ["cert", "verify", str(files["ee"]), "--issuer", str(files["ica"]), "--issuer", str(files["root"])]
    result = runner.invoke(app, [*args, "--at", _at(Time32(EE_START - 60))])
    assert result.exit_code == 1 and "not valid at" in result.output
    forged = tmp_path / "forged.oer"
    forged.write_bytes(forge_explicit(pki.ee_template, pki.ica, pki.root_key).data)
    result = runner.invoke(app, ["cert", "verify", str(forged), *args[3:], "--at", _at(NOW)])
    assert result.exit_code == 1 and "signature" in result.output and "Traceback" not in result.output


def test_bad_inputs_are_one_line_errors(files: dict[str, Path], tmp_path: Path) -> None:
    junk = tmp_path / "junk.oer"
    junk.write_bytes(b"\x80\x03\x00")
    for args in (
        ["cert", "show", str(junk)],
        ["cert", "show", str(tmp_path / "missing.oer")],
        ["cert", "verify", str(files["ee"]), "--issuer", str(files["root"]), "--at", "yesterday"],
        ["cert", "verify", str(files["ee"]), "--issuer", str(files["root"]), "--at", "1999-01-01T00:00:00Z"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_real_subprocess(files: dict[str, Path]) -> None:
    ok = subprocess.run(
        [
            str(SCMS),
            "cert",
            "verify",
            str(files["implicit"]),
            "--issuer",
            str(files["ica"]),
            "--issuer",
            str(files["root"]),
            "--at",
            _at(NOW),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [str(SCMS), "cert", "verify", str(files["implicit"]), "--issuer", str(files["root"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
