"""`scms up --workers 2` as an operator runs it, on an empty directory: two processes accept on one port (the first
with the job runners, the other the front ends only, `scms.services.runtime.workers`).

Which process takes a connection is the kernel's choice, so the test makes it certain by stopping one process
(SIGSTOP) while it sends: each then answers alone. With the first stopped, a device registers, enrolls and asks
for pseudonym certificates through the front end alone; the first process's runner, continued, finds the job in
the shared job table and generates them, and the device downloads them. SIGTERM to the first process stops every
process (exit 0); a front end that fails (SIGKILL) stops the SCMS with exit 1; `--workers 0` is a usage error."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from typer.testing import CliRunner

from scms.cli import app as scms_cli
from scms.deployment import load_deployment
from scms.ee import Device
from scms.ee.client import SyncDriver

from ._up import free_port
from .test_up_command import _group_gone

SCMS = Path(sys.executable).with_name("scms")
ANNOUNCED = re.compile(r", 2 processes \(PID (\d+) with the job runners; front ends (\d+)\)$")


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    directory: Path
    url: str
    out: Path
    err: Path
    front_end: int


@contextlib.contextmanager
def _scms_up(tmp_path: Path, *options: str) -> Iterator[Running]:
    directory, port = tmp_path / "scms-data", free_port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen([str(SCMS), "up", "--dir", str(directory), "--port", str(port), "--workers", "2",
                                    *options], stdout=stdout, stderr=stderr, start_new_session=True)
    try:
        yield Running(process, directory, f"http://127.0.0.1:{port}", out, err, _announced(process, out, err))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def _announced(process: subprocess.Popen[bytes], out: Path, err: Path) -> int:
    """The front end's PID, once `scms up` announced it serves (after every process started)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, err.read_text()
        printed = out.read_text()
        if "Ctrl-C or SIGTERM stops the SCMS." in printed:
            (first,) = [line for line in printed.splitlines() if line.startswith("SCMS up: ")]
            match = ANNOUNCED.search(first)
            assert match is not None, first
            assert int(match[1]) == process.pid
            return int(match[2])
        time.sleep(0.1)
    raise TimeoutError(f"scms up did not announce itself: {err.read_text()}")


def _state(pid: int) -> tuple[str, int]:
    """A process's state letter and parent's PID (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@contextlib.contextmanager
def _stopped(pid: int, database: Path | None = None) -> Iterator[None]:
    """`pid` stopped (SIGSTOP) for the block, so that the other process takes every connection; with `database`,
    at a moment it holds no write lock on it (its runner writes the job table at each poll)."""
    try:
        for _ in range(100):
            os.kill(pid, signal.SIGSTOP)
            while _state(pid)[0] != "T":
                time.sleep(0.01)
            if database is None or _write_lock_free(database):
                break
            os.kill(pid, signal.SIGCONT)
            time.sleep(0.05)
        else:
            raise AssertionError(f"process {pid} always held the write lock of {database}")
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def _write_lock_free(database: Path) -> bool:
    """Neither SQLite's write lock of `database` nor the writers' queue in front of it (its `-writers` file,
    `scms.services.common.sqlite_writers`) is taken."""
    queue = os.open(f"{database}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        fcntl.flock(queue, fcntl.LOCK_EX | fcntl.LOCK_NB)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except (BlockingIOError, sqlite3.OperationalError):
        return False
    finally:
        connection.close()
        os.close(queue)


def _served_by(err: Path, request: str) -> set[int]:
    """The PIDs whose access log lines show `request` ("METHOD /path") answered 200."""
    line = rf"\[(\d+)\] uvicorn\.access: .* \"{re.escape(request)} HTTP/1\.1\" 200"
    return {int(match[1]) for match in re.finditer(line, err.read_text())}


def test_two_processes_serve_one_port_and_stop_together(tmp_path: Path) -> None:
    with _scms_up(tmp_path, "--download-delay", "1") as up:
        parent, front_end = up.process.pid, up.front_end
        assert _state(front_end)[1] == parent
        with _stopped(front_end):
            assert httpx.get(f"{up.url}/ra/readyz", timeout=10).status_code == 200
        os.kill(front_end, signal.SIGINT)                 # ignored: Ctrl-C goes through the first process
        deployment = load_deployment(up.directory)
        token = deployment.secret("ra", "operator-token").strip().decode()
        fresh = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))  # a connection per request
        with Device.create(tmp_path / "obu", "obu", driver=SyncDriver(fresh)) as device:
            with _stopped(parent, deployment.layout.database_file("ra")):
                assert httpx.get(f"{up.url}/eca/readyz", timeout=10).status_code == 200
                device.register(f"{up.url}/ra", token)
                device.bootstrap(deployment.ctls()[0])
                device.enroll()
                record = device.request("pseudonym", periods=1)
            device.download(record.request_hash, max_wait=60, retry_interval=1)
            certificates = device.certificates(record.request_hash)
        assert len(certificates) == deployment.global_policy.parameters.base_cert_number
        up.process.send_signal(signal.SIGTERM)
        assert up.process.wait(60) == 0, up.err.read_text()
        stdout, stderr = up.out.read_text(), up.err.read_text()
    assert "Traceback" not in stderr and stdout.splitlines()[-1] == "SCMS stopped (SIGTERM)"
    assert _group_gone(parent) and _gone(front_end), "a process of scms up outlived it"
    assert _served_by(up.err, "GET /ra/readyz") == {parent} and _served_by(up.err, "GET /eca/readyz") == {front_end}
    assert _served_by(up.err, "POST /eca/v3/enrollment-certificate") == {front_end}
    assert _served_by(up.err, "POST /ra/v3/authorization-certificate") == {front_end}
    assert "front-end process" not in stderr


def test_a_failed_front_end_stops_the_scms(tmp_path: Path) -> None:
    with _scms_up(tmp_path, "--log-level", "warning") as up:
        os.kill(up.front_end, signal.SIGKILL)
        assert up.process.wait(60) == 1
        stderr = up.err.read_text()
    assert f"error: front-end process {up.front_end} ended while serving (exit code -9); the SCMS stops" in stderr
    assert "Traceback" not in stderr and _group_gone(up.process.pid)


def test_workers_zero_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(scms_cli, ["up", "--dir", str(tmp_path / "scms-data"), "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output
    assert not (tmp_path / "scms-data").exists()
