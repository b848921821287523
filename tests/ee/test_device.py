"""The `Device` facade over the sync driver (httpx, the test SCMS behind a mock transport): a device's whole life,
every result in its state directory, and a device opened again carrying on where the first one stopped."""

from __future__ import annotations

import stat

import pytest

from scms.crypto import ButterflyVariant
from scms.dot2.certificate_fields import CertificateType
from scms.ee.client import Device, DriverSettings, SyncDriver
from scms.ee.errors import ServerError, StateError
from scms.ee.state import DeviceState

from ._pki import Pki
from ._scms import TOKEN, FakeClock, MiniScms


def _driver(scms: MiniScms, clock: FakeClock) -> SyncDriver:
    return SyncDriver(scms.transport(), clock=clock, sleep=clock.sleep, settings=DriverSettings(backoff_s=0))


def _ready(tmp_path, scms: MiniScms, clock: FakeClock, device_type: str = "obu") -> Device:
    device = Device.create(tmp_path / "device", device_type, driver=_driver(scms, clock))
    device.register(scms.base + "/ra", TOKEN)
    device.bootstrap(scms.pki.new.ctl)
    device.enroll()
    return device


def test_a_whole_life(tmp_path, scms: MiniScms, clock: FakeClock, pki: Pki) -> None:
    device = Device.create(tmp_path / "obu", "obu", driver=_driver(scms, clock))
    registration = device.register(scms.base + "/ra", TOKEN)
    assert device.status().canonical_id == registration.canonical_id and device.status().has_policy
    device.bootstrap(pki.new.ctl)
    enrollment = device.enroll()
    assert device.status().enrollment == enrollment.record.hashed_id8
    scms.ready_delay = 120
    record = device.request("pseudonym", butterfly=ButterflyVariant.COMPACT_UNIFIED, periods=2)
    assert record.acknowledged and record.next_dl_time == clock() + 120
    report = device.download()
    assert (report.batches, report.certificates, report.waiting) == (2, 4, {})
    status = device.status()
    assert status.requests[0].complete and status.requests[0].certificates == 4
    renewed = device.successor()
    assert device.status().enrollment == renewed.record.hashed_id8 and device.status().enrollments == 2
    assert device.status().pending_enrollment is None

    device.close()                                                         # the process ends, its lock with it
    again = Device.open(tmp_path / "obu", driver=_driver(scms, clock))     # a new process, same directory
    assert again.status() == device.status()
    assert [c.certificate for c in again.certificates()] == [c.certificate for c in device.certificates()]
    again.request("pseudonym", butterfly=ButterflyVariant.ORIGINAL, certificate_type=CertificateType.EXPLICIT)
    assert again.download().certificates == 2     # signed by the successor certificate now


def test_an_rsu_gets_identification_certificates(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    device = _ready(tmp_path, scms, clock, "rsu")
    record = device.request("identification", butterfly=None, encrypted_response=True)
    assert record.kind == "identification" and record.first_i is None
    assert device.download().certificates == 1
    (stored,) = device.certificates()
    assert stored.certificate.permits(135) and stored.i is None
    with pytest.raises(ValueError, match="has no set 'pseudonym'"):
        device.request("pseudonym")


def test_downloads_resume_after_an_interruption(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    device = _ready(tmp_path, scms, clock)
    scms.ready_delay = 600
    record = device.request(periods=3)
    report = device.download(max_wait=60)                   # not due within a minute: nothing yet
    assert report.batches == 0 and report.waiting == {record.request_hash: clock() + 600}   # no pointless wait
    seen: list[tuple[str, int | None]] = []
    device.download(max_wait=3600, progress=lambda request_hash, batch: seen.append((request_hash, batch.i)))
    assert device.status().requests[0].downloaded_periods == 3
    assert seen == [(record.request_hash, record.first_i + n) for n in range(3)]
    before = list(scms.seen)
    assert device.download().batches == 0 and scms.seen == before     # complete: nothing asked


def test_server_errors_carry_the_1609_2_1_code(tmp_path, scms: MiniScms, clock: FakeClock, pki: Pki) -> None:
    device = Device.create(tmp_path / "d", "obu", driver=_driver(scms, clock))
    device.register(scms.base + "/ra", TOKEN)
    device.bootstrap(pki.new.ctl)
    scms.devices.clear()                                    # the RA forgot the device
    with pytest.raises(ServerError) as refused:
        device.enroll()
    assert refused.value.code == "400-21" and refused.value.error is not None
    assert device.status().pending_enrollment == "enrollment"    # kept: it may be sent again
    device.register(scms.base + "/ra", TOKEN)
    device.enroll()                                         # the same request, sent again, now accepted
    assert device.status().pending_enrollment is None and device.status().enrollments == 1


def test_steps_out_of_order_say_what_is_missing(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    device = Device.create(tmp_path / "d", "obu", driver=_driver(scms, clock))
    with pytest.raises(StateError, match="anchor CTL"):
        device.bootstrap()
    with pytest.raises(StateError, match="no policy files"):
        device.enroll()
    device.close()
    with pytest.raises(StateError, match="already holds a device"):
        Device.create(tmp_path / "d", "obu")
    with pytest.raises(ValueError, match="obu or rsu"):
        Device.create(tmp_path / "e", "car")


def test_the_directory_is_private_and_secrets_are_0600(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    device = _ready(tmp_path, scms, clock)
    device.request(periods=1)
    device.download()
    root = tmp_path / "device"
    modes = {p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*")}
    secrets = [name for name in modes if name.endswith((".key", "secrets.json"))]
    assert "canonical.key" in secrets and len(secrets) >= 4
    assert all(modes[name] == 0o600 for name in secrets)
    assert all(mode == 0o700 for name, mode in modes.items() if (root / name).is_dir())
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    index = (root / "device.json").read_text()
    assert "PRIVATE KEY" not in index and "expansion" not in index
    assert DeviceState.open(root, read_only=True).index == device.state.index


def test_an_ra_that_starts_later_than_asked(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    device = _ready(tmp_path, scms, clock)
    scms.skip_first = True
    record = device.request(periods=3)
    assert record.first_i == record.last_i - 1           # the RA leaves the first i-period out
    assert device.download().batches == 2 and device.status().requests[0].complete
    assert sorted({c.i for c in device.certificates()}) == [record.first_i, record.last_i]


def test_nothing_secret_in_reprs(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    device = _ready(tmp_path, scms, clock)
    device.request()
    device.download()
    state = device.state
    shown = [repr(device), repr(state), repr(state.enrollments.current()), *map(repr, device.certificates()),
             repr(state.requests.secrets(state.requests.all()[0])), repr(state.canonical_identity())]
    key = state.canonical_key()
    secret_hex = key.to_pkcs8_pem().decode()
    assert all("PRIVATE" not in text and secret_hex not in text for text in shown)
    assert all("[secure]" in text for text in shown[2:])
