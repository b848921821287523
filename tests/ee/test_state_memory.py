"""A device whose state is kept in memory (`MemoryStore`, the fleet simulator's): the same index, files and flows
as a state directory, nothing written to disk, a missing file refused by name."""

from __future__ import annotations

import pytest

from scms.ee.client import Device, DriverSettings, SyncDriver
from scms.ee.errors import StateError
from scms.ee.state import INDEX_FILE, DeviceState, MemoryStore

from ._scms import TOKEN, FakeClock, MiniScms


def test_a_whole_life_in_memory(tmp_path, scms: MiniScms, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)                          # nothing may appear here
    driver = SyncDriver(scms.transport(), clock=clock, sleep=clock.sleep, settings=DriverSettings(backoff_s=0))
    device = Device.in_memory("obu", driver=driver, name="obu-7")
    device.register(scms.base + "/ra", TOKEN)
    device.bootstrap(scms.pki.new.ctl)
    enrollment = device.enroll()
    record = device.request(periods=2)
    report = device.download()
    assert (report.batches, report.certificates) == (2, 2 * scms.pki.config.policy.base_cert_number)
    successor = device.successor()
    status = device.status()
    assert status.enrollments == 2 and status.enrollment == successor.record.hashed_id8
    assert device.state.enrollments.get(enrollment.record.hashed_id8).private_key.public_point == (
        enrollment.private_key.public_point)
    assert len(device.certificates(record.request_hash)) == report.certificates
    assert list(tmp_path.iterdir()) == []
    store = device.state.store
    assert isinstance(store, MemoryStore) and store.where == "<memory obu-7>" and repr(device.state).startswith(
        "DeviceState('<memory obu-7>'")
    trust_files = store.files("trust")
    device.bootstrap()                                   # the stored anchor; the same files again
    assert store.files("trust") == trust_files and len(trust_files) == 4     # anchor CTL, CCF, CRL, RA


def test_memory_store_files_and_refusals() -> None:
    store = MemoryStore("x")
    store.write("a/b.oer", b"1")
    store.write("a/c/d.key", b"2", secret=True)
    assert store.files("a") == ("a/b.oer",) and store.read_secret("a/c/d.key") == b"2"
    store.remove("a/b.oer")
    store.remove("a/b.oer")                              # nothing to remove: nothing happens
    with pytest.raises(StateError, match=r"<memory x>/a/b.oer: no such file"):
        store.read("a/b.oer")
    assert store.clean() == 0
    state = DeviceState.create_in(store, "RSU")
    assert store.exists(INDEX_FILE) and state.index.device_type == "RSU"
    with pytest.raises(StateError, match="already holds a device"):
        DeviceState.create_in(store, "OBU")
    with pytest.raises(StateError, match="not enrolled yet"):
        state.enrollments.current()
