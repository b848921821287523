"""V2X messages: a BSM-like payload (PSID 32) signed with a pseudonym certificate verifies at another device of the
same SCMS; a tampered message, one from another SCMS, one from a revoked device (linkage-based CRL), one for
another PSID or from the future are each rejected with the reason and code that say so."""

from __future__ import annotations

import pytest

from scms.crypto import ButterflyVariant
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.time import Time32
from scms.ee.client import Device, DriverSettings, SyncDriver
from scms.ee.messages import MessageRejected, Rejection, sign_message, verify_message

from ._pki import Pki
from ._scms import TOKEN, FakeClock, MiniScms

BSM = 32


def _device(path, scms: MiniScms, clock: FakeClock, device_type: str = "obu", **request) -> Device:
    driver = SyncDriver(scms.transport(), clock=clock, sleep=clock.sleep, settings=DriverSettings(backoff_s=0))
    device = Device.create(path, device_type, driver=driver)
    device.register(scms.base + "/ra", TOKEN)
    device.bootstrap(scms.pki.new.ctl)
    device.enroll()
    device.request(**request)
    device.download()
    return device


@pytest.fixture
def receiver(tmp_path, scms: MiniScms, clock: FakeClock) -> Device:
    return _device(tmp_path / "receiver", scms, clock, "rsu", profile="identification", butterfly=None)


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
def test_a_bsm_verifies_at_another_device(tmp_path, scms: MiniScms, clock: FakeClock, receiver: Device,
                                          kind: CertificateType) -> None:
    sender = _device(tmp_path / "sender", scms, clock, certificate_type=kind,
                     butterfly=ButterflyVariant.ORIGINAL)
    message = sender.sign(b"lat=48.1 lon=11.6 speed=13.9", BSM)
    verified = receiver.verify(message, psid=BSM)
    assert verified.payload == b"lat=48.1 lon=11.6 speed=13.9" and verified.psid == BSM
    assert verified.signer == sender.certificate_for(BSM).certificate and verified.signer.type is kind
    assert verified.chain.anchor == scms.pki.root and verified.revocation_checked
    assert int(verified.generation_time or 0) == clock() * 1_000_000


def test_an_rsu_signs_with_its_identification_certificate(scms: MiniScms, clock: FakeClock, receiver: Device,
                                                           tmp_path) -> None:
    listener = _device(tmp_path / "obu", scms, clock)
    verified = listener.verify(receiver.sign(b"service advertisement", 135))
    assert verified.psid == 135 and verified.signer.id.linkage is None and verified.revocation_checked


def test_a_tampered_message_is_a_bad_signature(tmp_path, scms: MiniScms, clock: FakeClock, receiver: Device) -> None:
    sender = _device(tmp_path / "sender", scms, clock)
    message = bytearray(sender.sign(b"speed=13.9", BSM))
    at = bytes(message).index(b"speed=13.9")
    message[at + 6] ^= 0x01                                  # speed=03.9
    with pytest.raises(MessageRejected) as rejected:
        receiver.verify(bytes(message))
    assert rejected.value.reason is Rejection.BAD_SIGNATURE and rejected.value.header_value == "400-43"
    with pytest.raises(MessageRejected) as garbage:
        receiver.verify(b"\x03\x81\x00")
    assert garbage.value.reason is Rejection.MALFORMED and garbage.value.header_value == "400-42"


def test_a_message_from_another_scms_is_untrusted(tmp_path, receiver: Device) -> None:
    elsewhere_clock = FakeClock(receiver.now())
    elsewhere = MiniScms(Pki.build(), elsewhere_clock)
    stranger = _device(tmp_path / "stranger", elsewhere, elsewhere_clock)
    message = stranger.sign(b"hello", BSM)
    assert stranger.verify(message).payload == b"hello"        # fine in its own SCMS
    with pytest.raises(MessageRejected) as rejected:
        receiver.verify(message)
    assert rejected.value.reason is Rejection.UNTRUSTED and rejected.value.header_value == "400-40"
    assert "does not chain to a root CA of the device's CTL" in str(rejected.value)


def test_a_revoked_pseudonym_certificate_is_rejected(tmp_path, scms: MiniScms, clock: FakeClock, pki: Pki,
                                                     receiver: Device) -> None:
    sender = _device(tmp_path / "sender", scms, clock, periods=2)
    bystander = _device(tmp_path / "bystander", scms, clock)
    message, other = sender.sign(b"misbehaving", BSM), bystander.sign(b"fine", BSM)
    assert receiver.verify(message).revocation_checked
    i = int(sender.certificate_for(BSM).i or 0)
    (request_hash,) = [h for h, files in scms.requests.items() if files.enrollment_id.hex() ==
                       sender.status().enrollment]
    scms.composite_crl = pki.revoke(scms.chains[request_hash], i, clock())   # the LAs' seeds, the MA's entry
    receiver.bootstrap()                                                       # fetches the new composite CRL
    with pytest.raises(MessageRejected) as rejected:
        receiver.verify(message)
    assert rejected.value.reason is Rejection.REVOKED and rejected.value.header_value == "400-40"
    assert f"revoked by CRL series {pki.config.manager.crl.pseudonym_series}" in str(rejected.value)
    assert receiver.verify(other).payload == b"fine"                          # only that device's chain
    clock.sleep(7 * 86_400)                                                    # its next i-period's certificates
    with pytest.raises(MessageRejected, match="revoked"):
        receiver.verify(sender.sign(b"still me", BSM))


def test_psid_time_and_permission_checks(tmp_path, scms: MiniScms, clock: FakeClock, receiver: Device) -> None:
    sender = _device(tmp_path / "sender", scms, clock)
    with pytest.raises(MessageRejected) as wrong:
        receiver.verify(sender.sign(b"x", 38), psid=BSM)
    assert wrong.value.reason is Rejection.WRONG_PSID and wrong.value.header_value == "400-60"
    chosen = sender.certificate_for(BSM)
    ahead = sign_message(b"x", BSM, chosen.certificate, chosen.private_key, Time32(clock() + 30))
    with pytest.raises(MessageRejected) as future:
        verify_message(ahead, receiver.trust(), clock())
    assert future.value.reason is Rejection.FUTURE and future.value.header_value == "400-50"
    assert verify_message(ahead, receiver.trust(), clock(), future_tolerance_s=30).payload == b"x"
    with pytest.raises(ValueError, match="does not permit psid 135"):
        sign_message(b"x", 135, chosen.certificate, chosen.private_key, clock())
