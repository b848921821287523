"""`scms manager ...` refusals from the shell: one line on stderr, exit 1 for a refused operation, 2 for a
malformed argument, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scms.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["rotate", "root"], 2, "'root': rotate one of ica, crl-signer, eca, ra, aca, la1, la2, ma"),
        (["ctl", "remove-root"], 1, "name the root CA to remove (approved besides the current root: none)"),
        (["ctl", "remove-elector", "elector-9"], 1, "elector-9: not an elector approved by CTL 1"),
        (["ctl", "add-elector", "--signer", "elector-1"], 1, "CTL 2 needs 2 signatures of CTL 1's electors"),
        (["crl", "issue", "--series", "4"], 1, "CRL series 4 is not one of this deployment's ([256, 2, 3, 1])"),
        (["crl", "issue", "--series", "1", "--revoke-linkage", "1:00,2"], 2, "expected LA1ID:SEED1,LA2ID:SEED2[@I]"),
        (["crl", "issue", "--series", "256", "--revoke-cert", "nowhere.oer"], 2, "cannot read nowhere.oer"),
    ],
)
def test_refusals(copy: Path, arguments: list[str], code: int, message: str) -> None:
    before = (copy / "deployment.json").read_bytes()
    result = runner.invoke(app, ["manager", *arguments, "--dir", str(copy)])
    assert result.exit_code == code and result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (copy / "deployment.json").read_bytes() == before


def test_not_a_deployment(tmp_path: Path) -> None:
    result = runner.invoke(app, ["manager", "rotate", "eca", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "no deployment here" in result.stderr
