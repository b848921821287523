"""The `scms up` command as an operator runs it: a process that creates its deployment, serves, and stops cleanly
on SIGTERM (exit status 0, no traceback, its process pools gone); and a deployment with a defect, which stops
start-up with one line naming the defective file (style rule 13: a missing trust anchor never fails open)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from scms.cli import app as scms_cli
from scms.cli import up_cmd
from scms.cli._signals import Interrupted, StopSignals
from scms.deployment import DeploymentConfig, load_deployment
from scms.dot2.time import Time32
from scms.manager import init_deployment
from scms.services.common import RunnerSettings
from scms.services.runtime import EmbeddedSettings, open_embedded

from ._up import Printed, free_port, wait_serving

SCMS = Path(sys.executable).with_name("scms")


def _group_gone(group: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_sigterm_stops_it_cleanly(tmp_path: Path) -> None:
    directory, port = tmp_path / "scms-data", free_port()
    process = subprocess.Popen([str(SCMS), "up", "--dir", str(directory), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_serving(url, process)
        assert httpx.get(f"{url}/ra/v3/ra-certificate", timeout=5).status_code == 200
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    stdout, stderr = out.decode(), err.decode()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "Traceback" not in stdout
    assert "Application shutdown complete" in stderr                        # the lifespans ran to their end
    assert stdout.splitlines()[0].startswith(f"created a deployment in {directory}")
    assert f"  ra   {url}/ra " in stdout and stdout.splitlines()[-1] == "SCMS stopped (SIGTERM)"
    assert _group_gone(process.pid), "a process of scms up outlived it (a pool worker?)"
    assert load_deployment(directory).global_policy.urls["ra"] == f"{url}/ra"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("defects") / "scms-data"
    init_deployment(directory, DeploymentConfig(), Time32.from_unix(time.time() - 8 * 86_400))  # CRLs overdue
    return directory


def _refused(directory: Path) -> str:
    result = CliRunner().invoke(scms_cli, ["up", "--dir", str(directory), "--port", str(free_port())])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output
    return lines[0]


def test_a_missing_trust_anchor_stops_start_up(made: Path) -> None:
    (ctl,) = (made / "public" / "ctl").iterdir()
    kept = ctl.read_bytes()
    ctl.unlink()
    try:
        line = _refused(made)
    finally:
        ctl.write_bytes(kept)
    assert line.startswith(f"error: public/ctl/{ctl.name}: ")


def test_a_key_file_open_to_others_stops_start_up(made: Path) -> None:
    key = made / "ra" / "keys" / "signing.key"
    key.chmod(0o644)
    try:
        line = _refused(made)
    finally:
        key.chmod(0o600)
    assert line.startswith("error: ") and "ra/keys/signing.key" in line and "BEGIN" not in line


def test_a_broken_configuration_stops_start_up(made: Path) -> None:
    config = made / "scms.toml"
    kept = config.read_text()
    config.write_text(kept.replace("[ra]", "[ra]\nno_such_option = 1", 1))
    try:
        line = _refused(made)
    finally:
        config.write_text(kept)
    assert "no_such_option" in line


def test_signals_before_and_while_serving() -> None:
    """Before the server runs a signal stops start-up; while it runs (uvicorn took the signal, shut down, and
    raised it again for the handler it had replaced) it only asks the server to stop."""
    previous = signal.getsignal(signal.SIGTERM)
    with StopSignals() as signals:
        with pytest.raises(Interrupted, match="stopped by SIGTERM before the server started"):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)                                   # the handler runs at the next bytecode boundary
        signals.serving()
        signals.stop.clear()
        os.kill(os.getpid(), signal.SIGINT)
        assert signals.stop.wait(1) and signals.received == "SIGINT"
    assert signal.getsignal(signal.SIGTERM) is previous


def test_it_warns_when_the_policy_does_not_lead_to_it(made: Path) -> None:
    """The policy says http://127.0.0.1:8080 (init's default); served elsewhere, `scms up` says so, and passes on
    the verification's warnings (here: CRLs past their nextCrl)."""
    threads = RunnerSettings(cpu_workers=0)
    scms = open_embedded(made, settings=EmbeddedSettings(ra_runner=threads, aca_runner=threads))
    printed = Printed()
    try:
        up_cmd._announce(scms, "http://127.0.0.1:9999", printed)
    finally:
        scms.close()
    mismatch, *overdue = printed.err()
    assert mismatch.startswith("warning: devices take the components' URLs from the policy, which does not lead "
                               "here: ra http://127.0.0.1:8080/ra, eca http://127.0.0.1:8080/eca, ")
    assert overdue and all(line.startswith("warning: public/crl/") for line in overdue)


def test_a_signal_during_start_up_stops_it(made: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)                                       # the handler raises in here
        raise AssertionError("the signal did not stop start-up")

    monkeypatch.setattr(up_cmd, "open_embedded", interrupted)
    result = CliRunner().invoke(scms_cli, ["up", "--dir", str(made)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["stopped by SIGTERM before the server started", "SCMS stopped (SIGTERM)"]


def test_a_directory_it_cannot_create_stops_it(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    line = _refused(tmp_path / "a-file" / "scms-data")
    assert line.startswith(f"error: {tmp_path / 'a-file'}")
