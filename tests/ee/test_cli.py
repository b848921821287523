"""`scms ee`: the commands as a user types them (typer's CliRunner), each over a device state directory, against the
test SCMS of this package (`_scms.MiniScms`: the protocol steps over a mock transport, on a clock that moves when
the device waits). The whole life of an OBU and of an RSU, a download before the batch is ready, messages refused
by `verify` with the reason, and each error as one line with its exit code."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from scms.cli import app, ee_support
from scms.ee.client import DriverSettings, SyncDriver
from scms.ee.state import DeviceState

from ._pki import Pki
from ._scms import TOKEN, FakeClock, MiniScms

runner = CliRunner()


def _use(monkeypatch: pytest.MonkeyPatch, scms: MiniScms, clock: FakeClock) -> None:
    def factory(leap: int | None, on_wait: object) -> SyncDriver:
        return SyncDriver(scms.transport(), clock=clock, sleep=clock.sleep, on_wait=on_wait,  # type: ignore[arg-type]
                          settings=DriverSettings(backoff_s=0))
    monkeypatch.setattr(ee_support, "driver_factory", factory)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, scms: MiniScms, clock: FakeClock) -> MiniScms:
    _use(monkeypatch, scms, clock)
    return scms


def ee(*args: str | Path, code: int = 0) -> Result:
    result = runner.invoke(app, ["ee", *map(str, args)])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def _files(tmp_path: Path, scms: MiniScms) -> tuple[Path, Path]:
    token, anchor = tmp_path / "token", tmp_path / "anchor-ctl.oer"
    token.write_text(TOKEN + "\n")
    anchor.write_bytes(scms.pki.new.ctl)
    return token, anchor


def _enrolled(tmp_path: Path, scms: MiniScms, name: str, device_type: str) -> Path:
    token, anchor = _files(tmp_path, scms)
    device = tmp_path / name
    ee("new", "--type", device_type, "--device", device)
    ee("register", "--device", device, "--ra", scms.base + "/ra", "--token-file", token)
    ee("bootstrap", "--device", device, "--anchor-ctl", anchor)
    ee("enroll", "--device", device)
    return device


def test_the_life_of_an_obu(tmp_path: Path, cli: MiniScms, clock: FakeClock) -> None:
    token, anchor = _files(tmp_path, cli)
    obu = tmp_path / "obu"
    assert "new OBU" in ee("new", "--type", "obu", "--device", obu).output
    registered = ee("register", "--device", obu, "--ra", cli.base + "/ra", "--token-file", token).output
    canonical_id = DeviceState.open(obu, read_only=True).index.canonical_id
    assert canonical_id in registered and canonical_id in cli.devices
    assert "1 root CA(s)" in ee("bootstrap", "--device", obu, "--anchor-ctl", anchor).output
    enrolled = ee("enroll", "--device", obu, "--explicit").output
    first = DeviceState.open(obu, read_only=True).index.enrollments[0].hashed_id8
    assert f"enrolled: {first}" in enrolled
    asked = ee("request", "--device", obu, "--butterfly", "compact", "--periods", "2").output
    (request,) = DeviceState.open(obu, read_only=True).index.requests
    assert f"request {request.request_hash} acknowledged" in asked and request.butterfly is not None
    assert request.butterfly.value == "compactUnified" and request.certificate_type == "implicit"
    assert "downloaded 2 batch(es), 4 certificate(s)" in ee("download", "--device", obu).output
    renewed = ee("successor", "--device", obu).output
    second = DeviceState.open(obu, read_only=True).index.enrollments[-1].hashed_id8
    assert second != first and f"new enrollment certificate: {second}" in renewed

    status = ee("status", "--device", obu).output
    for shown in (canonical_id, second, request.request_hash, "compactUnified", "complete"):
        assert shown in status

    payload = tmp_path / "bsm.bin"
    payload.write_bytes(b"lat=48.1 lon=11.6 speed=13.9")
    signed = ee("sign", payload, "--psid", "32", "--device", obu).output
    assert f"i={request.first_i} j=0" in signed and (tmp_path / "bsm.bin.spdu").exists()
    rsu = _enrolled(tmp_path, cli, "rsu", "rsu")
    out = tmp_path / "payload"
    accepted = ee("verify", tmp_path / "bsm.bin.spdu", "--device", rsu, "--psid", "32", "-o", out).output
    assert "accepted: psid 32" in accepted and "CRL checked" in accepted
    assert out.read_bytes() == payload.read_bytes()
    wrong = ee("verify", tmp_path / "bsm.bin.spdu", "--device", rsu, "--psid", "38", code=1).output
    assert "400-60" in wrong and "wrong psid" in wrong


def test_the_life_of_an_rsu(tmp_path: Path, cli: MiniScms) -> None:
    rsu = _enrolled(tmp_path, cli, "rsu", "rsu")
    ee("request", "--device", rsu, "--identification", "--encrypted")
    (request,) = DeviceState.open(rsu, read_only=True).index.requests
    assert request.profile == "identification" and request.encrypted_response
    assert "downloaded 1 batch(es), 1 certificate(s)" in ee("download", "--device", rsu).output
    assert "downloaded 0 batch(es)" in ee("download", "--device", rsu).output       # nothing more to fetch
    advert = tmp_path / "wsa.bin"
    advert.write_bytes(b"service advertisement")
    assert "(identification)" in ee("sign", advert, "--psid", "135", "--device", rsu, "-o", tmp_path / "m").output
    obu = _enrolled(tmp_path, cli, "obu", "obu")
    assert "accepted: psid 135" in ee("verify", tmp_path / "m", "--device", obu).output
    refused = ee("request", "--device", rsu, code=2).output                          # an RSU has no pseudonyms
    assert refused.startswith("error: ") and refused.count("\n") == 1


def test_a_download_before_the_batch_is_ready_waits(tmp_path: Path, cli: MiniScms, clock: FakeClock) -> None:
    obu = _enrolled(tmp_path, cli, "obu", "obu")
    cli.ready_delay, cli.late = 600, 300        # announced in 10 minutes, ready 5 minutes after that
    ee("request", "--device", obu, "--butterfly", "original", "--explicit")
    asked = clock()
    early = ee("download", "--device", obu, "--no-wait", code=4).output
    assert "not ready; try again at" in early and f"Time32 {asked + 600}" in early and clock() == asked
    done = ee("download", "--device", obu).output
    assert "downloaded 1 batch(es), 2 certificate(s)" in done
    assert clock() >= asked + 900                                        # it waited for the announced time, then
    assert "waiting until" in done                                       # for what "not yet" said
    (request,) = DeviceState.open(obu, read_only=True).index.requests
    assert request.complete


def test_verify_rejects_a_tampered_message_and_one_from_another_scms(
    tmp_path: Path, cli: MiniScms, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    obu = _enrolled(tmp_path, cli, "obu", "obu")
    ee("request", "--device", obu)
    ee("download", "--device", obu)
    payload = tmp_path / "bsm"
    payload.write_bytes(b"speed=13.9")
    ee("sign", payload, "--psid", "32", "--device", obu, "-o", tmp_path / "good")
    message = bytearray((tmp_path / "good").read_bytes())
    message[bytes(message).index(b"speed=13.9") + 6] ^= 0x01
    (tmp_path / "tampered").write_bytes(bytes(message))
    tampered = ee("verify", tmp_path / "tampered", "--device", obu, code=1).output
    assert "rejected: 400-43" in tampered and "bad signature" in tampered and tampered.count("\n") == 1

    elsewhere_clock = FakeClock(clock())
    elsewhere = MiniScms(Pki.build(), elsewhere_clock)
    _use(monkeypatch, elsewhere, elsewhere_clock)
    (tmp_path / "elsewhere").mkdir()
    stranger = _enrolled(tmp_path / "elsewhere", elsewhere, "stranger", "obu")
    ee("request", "--device", stranger)
    ee("download", "--device", stranger)
    ee("sign", payload, "--psid", "32", "--device", stranger, "-o", tmp_path / "foreign")
    assert "accepted" in ee("verify", tmp_path / "foreign", "--device", stranger).output
    _use(monkeypatch, cli, clock)
    foreign = ee("verify", tmp_path / "foreign", "--device", obu, code=1).output
    assert "rejected: 400-40" in foreign and "untrusted signer" in foreign
    assert "does not chain to a root CA of the device's CTL" in foreign


def test_verify_rejects_a_device_revoked_by_linkage(tmp_path: Path, cli: MiniScms, clock: FakeClock,
                                                   pki: Pki) -> None:
    obu = _enrolled(tmp_path, cli, "obu", "obu")
    rsu = _enrolled(tmp_path, cli, "rsu", "rsu")
    ee("request", "--device", obu)
    ee("download", "--device", obu)
    (tmp_path / "bsm").write_bytes(b"misbehaving")
    ee("sign", tmp_path / "bsm", "--psid", "32", "--device", obu)
    assert "accepted" in ee("verify", tmp_path / "bsm.spdu", "--device", rsu).output
    (request,) = DeviceState.open(obu, read_only=True).index.requests
    cli.composite_crl = pki.revoke(cli.chains[bytes.fromhex(request.request_hash)], int(request.first_i or 0),
                                   clock())
    ee("bootstrap", "--device", rsu)                                   # the stored anchor; the new composite CRL
    revoked = ee("verify", tmp_path / "bsm.spdu", "--device", rsu, code=1).output
    assert "rejected: 400-40" in revoked and "revoked by CRL series" in revoked


def test_errors_are_one_line_with_their_exit_code(tmp_path: Path, cli: MiniScms, monkeypatch: pytest.MonkeyPatch,
                                                  clock: FakeClock) -> None:
    token, _ = _files(tmp_path, cli)
    obu = tmp_path / "obu"
    missing = ee("status", "--device", obu, code=2).output
    assert missing.startswith("error: ") and missing.count("\n") == 1
    assert "obu or rsu" in ee("new", "--type", "car", "--device", obu, code=2).output
    ee("new", "--type", "obu", "--device", obu)
    ee("new", "--type", "obu", "--device", obu, code=2)                 # never over an existing device
    early = ee("enroll", "--device", obu, code=2).output
    assert early.startswith("error: ") and early.count("\n") == 1
    (tmp_path / "bad-token").write_text("guess")
    denied = ee("register", "--device", obu, "--ra", cli.base + "/ra", "--token-file", tmp_path / "bad-token",
                code=1).output
    assert "refused:" in denied and "HTTP 401" in denied
    ee("register", "--device", obu, "--ra", cli.base + "/ra", "--token-file", token)
    ee("bootstrap", "--device", obu, "--anchor-ctl", tmp_path / "nowhere", code=2)
    not_ctl = ee("bootstrap", "--device", obu, "--anchor-ctl", tmp_path / "token", code=1).output
    assert "rejected: 400-42 failed parsing" in not_ctl
    _, anchor = _files(tmp_path, cli)
    ee("bootstrap", "--device", obu, "--anchor-ctl", anchor)
    cli.devices.clear()                                                 # the operator forgot the device
    unregistered = ee("enroll", "--device", obu, code=1).output
    assert "refused:" in unregistered and "400-21 unregistered enrollment certificate" in unregistered
    assert unregistered.count("\n") == 1
    ee("request", "--device", obu, "--butterfly", "round", code=2)
    ee("sign", tmp_path / "token", "--psid", "32", "--device", obu, code=2)   # no certificate for it

    def nowhere(leap: int | None, on_wait: object) -> SyncDriver:
        return SyncDriver(settings=DriverSettings(backoff_s=0, connect_retries=0), clock=clock)
    monkeypatch.setattr(ee_support, "driver_factory", nowhere)
    ee("register", "--device", obu, "--ra", "http://127.0.0.1:9/ra", "--token-file", token, code=3)


def test_sign_says_when_the_first_certificate_becomes_valid(tmp_path: Path, cli: MiniScms, clock: FakeClock) -> None:
    obu = _enrolled(tmp_path, cli, "obu", "obu")
    cli.skip_first = True                          # the RA leaves out the current i-period (its ACA cannot cover it)
    ee("request", "--device", obu, "--periods", "2")
    assert "1/1" in ee("download", "--device", obu).output          # the progress bar counts the batches announced
    (request,) = DeviceState.open(obu, read_only=True).index.requests
    start = cli.pki.config.policy.i_periods().start(int(request.first_i or 0))
    (tmp_path / "bsm").write_bytes(b"too early")
    early = ee("sign", tmp_path / "bsm", "--psid", "32", "--device", obu, code=4).output
    assert "no certificate for psid 32 is valid yet" in early and early.count("\n") == 1
    clock.now = start
    assert f"i={request.first_i} j=0" in ee("sign", tmp_path / "bsm", "--psid", "32", "--device", obu).output
