"""`scms ee fleet` and `scms demo` as a user runs them: the installed `scms` script in a subprocess; the fleet
against the `scms up` of this package (its deployment's token and anchor CTL from --dir, its address from --url),
the demo on its own fresh deployment and server. Refusals and usage errors through CliRunner (no process start-up),
and a demo whose devices cannot enroll."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from e2e._up import Up
from scms.cli import app as scms_cli
from scms.cli import demo_cmd
from scms.ee.fleet import FleetSettings

SCMS = Path(sys.executable).with_name("scms")


def _run(*args: str | Path, code: int, timeout: float = 120) -> str:
    done = subprocess.run([str(SCMS), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          check=False)
    assert done.returncode == code, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"    # the tables, whole
    assert "Traceback" not in done.stderr
    return done.stdout


def test_a_fleet_against_scms_up(scms: Up) -> None:
    out = _run("ee", "fleet", "--dir", scms.directory, "--url", scms.url, "--devices", "3", "--rsus", "1",
               "--concurrency", "3", code=0)
    assert "3 devices (1 RSUs), concurrency 3: 3 completed, 0 failed, 0 not started" in out
    for title in ("life-cycle steps", "HTTP endpoints"):
        assert title in out
    assert re.search(r"│ successor\s+│\s+3 │\s+0 │\s+3 │", out)
    assert "errors (" not in out


def test_refusals_are_tabled_by_code_and_fail_the_run(scms: Up) -> None:
    result = CliRunner().invoke(scms_cli, ["ee", "fleet", "--dir", str(scms.directory), "--url", scms.url,
                                           "--devices", "2", "--rsus", "0", "--unregistered", "1", "--no-successor"])
    assert result.exit_code == 1, result.output
    assert "2 devices (0 RSUs), concurrency 4: 1 completed, 1 failed" in result.output
    assert re.search(r"│ enroll\s+│ 400-21\s+│\s+1 │", result.output)


def test_usage_errors(scms: Up, tmp_path: Path) -> None:
    runner = CliRunner()
    elsewhere = runner.invoke(scms_cli, ["ee", "fleet", "--dir", str(scms.directory), "--url",
                                         "http://192.0.2.1:8080"])
    assert elsewhere.exit_code == 2 and "only targets a local SCMS" in elsewhere.output
    missing = runner.invoke(scms_cli, ["ee", "fleet", "--dir", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "error:" in missing.output
    too_many = runner.invoke(scms_cli, ["ee", "fleet", "--dir", str(scms.directory), "--devices", "2",
                                        "--rsus", "3"])
    assert too_many.exit_code == 2 and "rsus 3" in too_many.output


def test_scms_demo_passes_every_step() -> None:
    out = _run("demo", code=0, timeout=300)
    rows = [line for line in out.splitlines() if line.startswith("│ ") and "/" in line.split("│")[2]]
    assert [row.split("│")[1].strip() for row in rows] == [
        "register", "bootstrap", "enroll", "request pseudonyms", "download pseudonyms", "request identification",
        "download identification", "successor", "BSM signed (psid 32), verified"]
    assert all("passed" in row.split("│")[6] for row in rows)
    assert re.search(r"│ download pseudonyms\s+│\s+10/10 │\s+0 │\s+200 │", out)
    assert re.search(r"│ successor\s+│\s+12/12 │\s+0 │\s+12 │", out)
    assert "demo passed: every step, 226 certificates" in out


def test_the_demo_names_the_first_step_that_failed(monkeypatch) -> None:
    monkeypatch.setattr(demo_cmd, "DEMO_SETTINGS", FleetSettings(devices=1, unregistered=1, successor=False,
                                                                 keep_devices=True))
    result = CliRunner().invoke(scms_cli, ["demo"])
    assert result.exit_code == 1, result.output
    assert re.search(r"│ enroll\s+│\s+0/1 │\s+1 │\s+0 │.*FAILED: 400-21 x1", result.output)
    assert re.search(r"│ download pseudonyms\s+│\s+0/1 │.*FAILED: not reached", result.output)
    assert "FAILED: no OBU and other device completed their life cycle" in result.output
    assert "demo failed at step 'enroll' (0/1 passed)" in result.output
