"""One simulated device's life cycle (`scms.ee.fleet.plan`), through the `Device` facade on state kept in memory:
each step timed and counted in `Metrics`; the first step that fails ends the life cycle (the later ones need it).
A download that is not complete within `max_wait_s` fails as "not ready". An unregistered device's "register" step
fetches the policy files with the operator token and takes them as given out of band, without registering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter

from scms.crypto import ButterflyVariant
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.time import Time32
from scms.ee.client import Device, SyncDriver
from scms.ee.errors import NotReady
from scms.ee.fleet.metrics import Metrics, error_kind
from scms.ee.fleet.plan import LIFE_CYCLE, FleetSettings, PlannedDevice, steps_of
from scms.ee.fleet.target import FleetTarget
from scms.ee.flows import fetch_policies
from scms.ee.flows.registration import canonical_id_of

__all__ = ["DeviceOutcome", "StepCallback", "run_life_cycle"]

StepCallback = Callable[[PlannedDevice, str, bool], None]
"""Told after each step: the device, the step, whether it passed."""


@dataclass(frozen=True)
class DeviceOutcome:
    planned: PlannedDevice
    steps_passed: int
    failed_step: str | None = None
    error: str | None = None
    """The failure's kind (`scms.ee.fleet.metrics.error_kind`)."""
    started: bool = True
    device: Device | None = None
    """The simulated device (`FleetSettings.keep_devices`)."""

    @property
    def completed(self) -> bool:
        return self.started and self.failed_step is None


def _actions(device: Device, planned: PlannedDevice, target: FleetTarget, settings: FleetSettings
             ) -> dict[str, Callable[[], int]]:
    """Each step of the life cycle as a call that returns the certificates it obtained."""
    certificate_type = CertificateType.IMPLICIT if settings.implicit else CertificateType.EXPLICIT
    kind, operator = planned.kind, f"{target.url}/ra"

    def register() -> int:
        if planned.registered:
            device.register(operator, target.token, urls=target.urls())
            return 0
        policies = device.driver.run(fetch_policies(operator, target.token, kind))
        device.use_policies(policies.global_file, policies.device_file,
                            canonical_id=canonical_id_of(device.state.canonical_key().public_point))
        device.state.save_urls(target.urls())
        return 0

    def bootstrap() -> int:
        device.bootstrap(target.anchor_ctl)
        return 0

    def enroll() -> int:
        device.enroll(certificate_type=certificate_type)
        return 1

    def request() -> int:
        if kind == "OBU":
            device.request("pseudonym", butterfly=ButterflyVariant.UNIFIED, certificate_type=certificate_type,
                           periods=settings.periods)
        else:
            device.request("identification", butterfly=None, certificate_type=certificate_type)
        return 0

    def download() -> int:
        report = device.download(max_wait=settings.max_wait_s, retry_interval=settings.retry_interval_s)
        if report.waiting:
            request_hash, next_try = min(report.waiting.items(), key=lambda item: item[1])
            raise NotReady(request_hash, Time32(next_try))
        return report.certificates

    def successor() -> int:
        device.successor(certificate_type=certificate_type, max_wait=settings.max_wait_s,
                         retry_interval=settings.retry_interval_s)
        return 1

    return {"register": register, "bootstrap": bootstrap, "enroll": enroll, "request": request,
            "download": download, "successor": successor}


def run_life_cycle(planned: PlannedDevice, target: FleetTarget, settings: FleetSettings, driver: SyncDriver,
                   metrics: Metrics, on_step: StepCallback | None = None) -> DeviceOutcome:
    """`planned`'s life cycle on `driver` (shared by the devices of one worker); what became of it."""
    device = Device.in_memory(planned.kind, driver=driver, name=planned.name)
    actions = _actions(device, planned, target, settings)
    done = 0
    for generic, step in zip(LIFE_CYCLE, steps_of(planned.kind, successor=settings.successor), strict=False):
        start = perf_counter()
        try:
            certificates = actions[generic]()
        except Exception as error:  # counted by kind; the life cycle stops here
            metrics.failed(step, error, start, perf_counter())
            if on_step is not None:
                on_step(planned, step, False)
            kept = device if settings.keep_devices else None
            return DeviceOutcome(planned, done, step, error_kind(error), device=kept)
        metrics.passed(step, start, perf_counter(), certificates)
        done += 1
        if on_step is not None:
            on_step(planned, step, True)
    return DeviceOutcome(planned, done, device=device if settings.keep_devices else None)
