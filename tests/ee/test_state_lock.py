"""One process at a time on a device state directory (scms.ee.state.lock): a second opener waits, then fails with
a message naming the holder; the lock goes with close() or with the holder's process; a read-only open needs none
and changes nothing; `scms ee` commands report a held directory in one line (exit 2), `scms ee status` still
works."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scms.cli import app
from scms.ee import StateError
from scms.ee.state import DeviceState
from scms.ee.state import files as state_files
from scms.ee.state import lock as state_lock

HOLD = """
import sys
from scms.ee.state import DeviceState
state = DeviceState.open(sys.argv[1])
print("held", flush=True)
sys.stdin.readline()                     # until the test says so (or closes the pipe)
state.close()
"""


@pytest.fixture
def device(tmp_path: Path) -> Path:
    with DeviceState.create(tmp_path / "obu", "OBU"):
        pass
    return tmp_path / "obu"


def test_a_second_opener_fails_naming_the_holder_until_the_first_closes(device: Path) -> None:
    first = DeviceState.open(device)
    with pytest.raises(StateError, match=rf"obu: in use by another process \(pid {os.getpid()}: "):
        DeviceState.open(device, wait=0.2)
    with pytest.raises(StateError, match="in use by another process"):
        DeviceState.create(device, "OBU", wait=0)
    first.close()
    with DeviceState.open(device, wait=0) as second:
        second.save_urls({"ra": "http://ra.example"})
    assert DeviceState.open(device, read_only=True).index.urls == {"ra": "http://ra.example"}


@contextlib.contextmanager
def _holder(device: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the device's lock until its stdin is closed (or it is killed)."""
    with subprocess.Popen([sys.executable, "-c", HOLD, str(device)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "held\n"
            yield holder
        finally:
            holder.kill()


def test_another_process_holds_it_until_it_lets_go_and_a_waiting_opener_then_gets_it(device: Path) -> None:
    with _holder(device) as holder:
        with pytest.raises(StateError, match=rf"in use by another process \(pid {holder.pid}: "):
            DeviceState.open(device, wait=0.1)
        assert holder.stdin is not None
        release = threading.Timer(0.3, holder.stdin.close)     # the holder finishes while we wait
        release.start()
        with DeviceState.open(device, wait=60) as opened:      # waits for it rather than failing
            assert opened.store.lock is not None and opened.store.lock.held
        release.join()


def test_a_killed_holder_leaves_no_stale_lock(device: Path) -> None:
    with _holder(device) as holder:
        holder.kill()
        holder.wait()
        with DeviceState.open(device, wait=0):
            pass


def test_read_only_needs_no_lock_and_changes_nothing(device: Path) -> None:
    leftover = device / f".device.json{state_files.TEMP_MARK}0badf00d"     # as if a writer were mid-write
    with DeviceState.open(device):
        leftover.write_bytes(b"{")
        looking = DeviceState.open(device, read_only=True, wait=0)
        assert looking.index.device_type == "OBU" and looking.store.lock is None
        with pytest.raises(StateError, match="opened read-only"):
            looking.save_urls({"ra": "http://ra.example"})
        assert leftover.exists()                                # not the reader's to remove
    assert DeviceState.open(device, read_only=True).index.urls == {}


def test_cli_commands_on_a_held_directory(device: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_lock, "LOCK_WAIT_S", 0.2)
    runner = CliRunner()
    with DeviceState.open(device):
        refused = runner.invoke(app, ["ee", "enroll", "--device", str(device)])
        assert refused.exit_code == 2, refused.output
        assert refused.output.startswith(f"error: {device}: in use by another process (pid {os.getpid()}: ")
        assert refused.output.count("\n") == 1
        status = runner.invoke(app, ["ee", "status", "--device", str(device)])
        assert status.exit_code == 0 and "OBU" in status.output
