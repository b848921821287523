"""The state directory survives crashes: every file is replaced whole, the index last, so an interrupted step
leaves the previous state, which the next run carries on from; damaged or foreign files are refused by name."""

from __future__ import annotations

import json
import os

import pytest

from scms.crypto import HashedId8
from scms.ee.client import Device, DriverSettings, SyncDriver
from scms.ee.errors import StateError
from scms.ee.state import INDEX_FILE, DeviceState
from scms.ee.state import files as state_files

from ._scms import TOKEN, FakeClock, MiniScms


def _device(tmp_path, scms: MiniScms, clock: FakeClock) -> Device:
    driver = SyncDriver(scms.transport(), clock=clock, sleep=clock.sleep, settings=DriverSettings(backoff_s=0))
    device = Device.create(tmp_path / "device", "obu", driver=driver)
    device.register(scms.base + "/ra", TOKEN)
    device.bootstrap(scms.pki.new.ctl)
    return device


class Crash(Exception):
    """The power went off."""


def test_an_interrupted_index_write_leaves_the_previous_index(tmp_path, scms: MiniScms, clock: FakeClock,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    device = _device(tmp_path, scms, clock)
    real_replace = os.replace
    index_writes: list[bytes] = []

    def replace(source, target):
        if str(target).endswith(INDEX_FILE):
            if index_writes:                  # the second one: the certificate is in its files, not yet indexed
                raise Crash
            index_writes.append(b"")
        real_replace(source, target)

    monkeypatch.setattr(state_files.os, "replace", replace)
    with pytest.raises(Crash):
        device.enroll()
    monkeypatch.undo()
    assert list((tmp_path / "device" / "enrollment").glob("*.oer"))       # written ...
    assert not list((tmp_path / "device").glob(f".{INDEX_FILE}*"))        # ... the index's temporary file removed
    device.close()                                                         # the process ends, its lock with it
    again = Device.open(tmp_path / "device", driver=device.driver)
    assert again.status().enrollments == 0 and again.status().pending_enrollment == "enrollment"
    again.enroll()
    assert again.status().enrollments == 1 and again.status().pending_enrollment is None


def test_a_half_written_temporary_file_is_ignored_and_removed(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    device = _device(tmp_path, scms, clock)
    root = tmp_path / "device"
    leftover = root / f".{INDEX_FILE}{state_files.TEMP_MARK}deadbeef"
    leftover.write_bytes(b'{"format": "scms-ee-dev')          # a crash in the middle of writing the index
    (root / "policy" / f".global.json{state_files.TEMP_MARK}0badf00d").write_bytes(b"{")
    device.close()
    opened = DeviceState.open(root)
    assert opened.index == device.state.index and not leftover.exists()
    assert not list(root.rglob(f".*{state_files.TEMP_MARK}*"))


def test_a_batch_interrupted_half_way_is_downloaded_again(tmp_path, scms: MiniScms, clock: FakeClock,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    device = _device(tmp_path, scms, clock)
    device.enroll()
    record = device.request(periods=2)
    real_write_key = DeviceState.write_key
    written: list[str] = []

    def write_key(state, relative, key):
        if len(written) == 3:                 # batch 1 (2 keys) stored, then one key of batch 2
            raise Crash
        written.append(relative)
        return real_write_key(state, relative, key)

    monkeypatch.setattr(DeviceState, "write_key", write_key)
    with pytest.raises(Crash):
        device.download()
    monkeypatch.undo()
    device.close()
    reopened = Device.open(tmp_path / "device", driver=device.driver)
    (status,) = reopened.status().requests
    assert (status.downloaded_periods, status.certificates) == (1, 2)     # the half batch is not in the index
    gets = len([s for s in scms.seen if s.startswith("GET /ra/v3/authorization")])
    assert reopened.download().batches == 1
    assert len([s for s in scms.seen if s.startswith("GET /ra/v3/authorization")]) == gets + 1   # only the missing one
    assert len(reopened.certificates(record.request_hash)) == 4
    for stored in reopened.certificates(record.request_hash):
        assert stored.private_key.public_point == stored.certificate.public_key(scms.pki.certificate("aca"))


def test_a_request_in_flight_is_sent_again_byte_for_byte(tmp_path, scms: MiniScms, clock: FakeClock,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    device = _device(tmp_path, scms, clock)

    def lost(_):
        raise Crash                           # the process dies while the request is on the wire

    monkeypatch.setattr(device.driver, "send", lost)
    with pytest.raises(Crash):
        device.enroll()
    monkeypatch.undo()
    pending = device.state.index.pending_enrollment
    assert pending is not None
    device.close()
    Device.open(tmp_path / "device", driver=device.driver).enroll()
    assert HashedId8.of(scms.bodies[-1]).hex() == pending.request_hash


def test_secret_files_open_to_others_are_refused(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    device = _device(tmp_path, scms, clock)
    device.enroll()
    record = device.request()
    secrets = tmp_path / "device" / record.secrets
    assert oct(secrets.stat().st_mode & 0o777) == "0o600"
    os.chmod(secrets, 0o644)
    with pytest.raises(StateError, match="mode 0644") as refused:
        device.download()
    assert "PRIVATE" not in str(refused.value)
    os.chmod(tmp_path / "device" / "canonical.key", 0o640)
    with pytest.raises(StateError, match=r"canonical\.key: mode 0640"):
        device.state.canonical_key()


@pytest.mark.parametrize(("change", "message"), [
    (lambda v: v.update(format_version=2), "format_version 2, this version reads 1"),
    (lambda v: v.update(format="other"), "not an scms-ee-device index"),
    (lambda v: v.update(device_type="CAR"), "device_type"),
    (lambda v: v.update(surprise=True), "surprise"),
])
def test_a_foreign_or_damaged_index_is_refused(tmp_path, scms: MiniScms, clock: FakeClock, change,
                                               message: str) -> None:
    _device(tmp_path, scms, clock).close()
    index = tmp_path / "device" / INDEX_FILE
    value = json.loads(index.read_text())
    change(value)
    index.write_text(json.dumps(value))
    with pytest.raises(StateError, match=message):
        DeviceState.open(tmp_path / "device")
    index.write_text("{not json")
    with pytest.raises(StateError, match="not JSON"):
        DeviceState.open(tmp_path / "device")


def test_new_trust_files_replace_the_old_ones(tmp_path, scms: MiniScms, clock: FakeClock, pki) -> None:
    device = _device(tmp_path, scms, clock)
    old = device.state.index.trust
    assert old is not None
    device.enroll()
    device.request()
    device.download()
    (stored,) = device.certificates()[:1]
    chains = next(iter(scms.chains.values()))
    scms.composite_crl = pki.revoke(chains, int(stored.i), clock())
    device.bootstrap()                                       # the stored anchor
    new = device.state.index.trust
    assert new is not None and new.composite_crl != old.composite_crl and new.ccf == old.ccf
    assert not (tmp_path / "device" / old.composite_crl).exists()
    device.close()
    assert Device.open(tmp_path / "device", driver=device.driver).trust().composite_crl == scms.composite_crl
