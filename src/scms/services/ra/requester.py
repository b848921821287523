"""Who sent an EE request: the RA's verdict on the enrollment certificate that signed it (1609.2.1 clause 6.3.5,
`RaReceiver.check_enrollment`).

1. its chain leads through a trusted ECA to a root CA of the home CTL (400-40; verified once, `VerifiedChains`);
2. the ECA reported it as issued to a registered device (400-21 otherwise, and for a deleted device);
3. that device is not blocked (400-20).

The device found is kept for the flow that asked (its type selects the policy; its id names the linkage chains).
"""

from __future__ import annotations

from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.services.common import VerifiedChains
from scms.services.ra.devices import Device, DeviceStore
from scms.services.ra.lifecycle import DeviceState

__all__ = ["Requester"]


class Requester:
    """`check_enrollment` for one request; `device` afterwards."""

    def __init__(self, chains: VerifiedChains, devices: DeviceStore) -> None:
        self._chains = chains
        self._devices = devices
        self._device: Device | None = None

    def __call__(self, certificate: Certificate, now: Time32) -> None:
        self._chains.check(certificate, now)
        device = self._devices.device_of_enrollment_certificate(certificate.hashed_id8())
        if device is None or device.state is DeviceState.DELETED:
            raise Ieee1609Error(ErrorCode.UNREGISTERED_ENROLLMENT_CERTIFICATE,
                                f"{certificate} belongs to no registered device")
        if device.state is DeviceState.BLOCKED:
            raise Ieee1609Error(ErrorCode.BLOCKED_ENROLLMENT_CERTIFICATE, f"device {device.canonical_id} is blocked")
        self._device = device

    @property
    def device(self) -> Device:
        if self._device is None:
            raise RuntimeError("the enrollment certificate was not checked")
        return self._device
