"""`run_fleet`: the planned devices' life cycles, `concurrency` at a time (one worker thread each, each worker with
its own `SyncDriver` for the devices it runs), until every device ran or the duration is over (no life cycle starts
after it; those running finish, each bounded by the driver's timeouts and retries and the downloads' `max_wait_s`).

    report = run_fleet(FleetSettings(devices=50, rsus=5, concurrency=10), FleetTarget.of_deployment(deployment))

The devices' clock is `clock` (Time32; default the system clock with the target's leap seconds); the duration is
measured on `monotonic` (seconds).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from scms.ee.client import SyncDriver, system_clock
from scms.ee.client.transport import Clock, DriverSettings
from scms.ee.fleet.lifecycle import DeviceOutcome, StepCallback, run_life_cycle
from scms.ee.fleet.metrics import Metrics
from scms.ee.fleet.plan import STEPS, FleetSettings, PlannedDevice, plan_devices
from scms.ee.fleet.report import FleetReport
from scms.ee.fleet.target import FleetTarget

__all__ = ["DeviceCallback", "run_fleet"]

DeviceCallback = Callable[[DeviceOutcome], None]
"""Told when a device's life cycle ended (or was not started)."""


class _Drivers:
    """One driver per worker thread, all closed at the end."""

    def __init__(self, make: Callable[[], SyncDriver]) -> None:
        self._make = make
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[SyncDriver] = []

    def mine(self) -> SyncDriver:
        driver: SyncDriver | None = getattr(self._local, "driver", None)
        if driver is None:
            driver = self._local.driver = self._make()
            with self._lock:
                self._all.append(driver)
        return driver

    def close(self) -> None:
        for driver in self._all:
            driver.close()


def run_fleet(
    settings: FleetSettings,
    target: FleetTarget,
    *,
    transport: Callable[[], httpx.BaseTransport] | None = None,
    driver_settings: DriverSettings | None = None,
    clock: Clock | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    on_step: StepCallback | None = None,
    on_device: DeviceCallback | None = None,
) -> FleetReport:
    """Run the fleet (module docstring); `transport()` makes each worker's httpx transport (default: the network)."""
    metrics = Metrics()
    device_clock = clock or system_clock(target.leap_seconds)
    drivers = _Drivers(lambda: SyncDriver(None if transport is None else transport(), settings=driver_settings,
                                          clock=device_clock, observer=metrics.observe))
    begin = monotonic()
    deadline = None if settings.duration_s is None else begin + settings.duration_s

    def one(planned: PlannedDevice) -> DeviceOutcome:
        if deadline is not None and monotonic() >= deadline:
            outcome = DeviceOutcome(planned, 0, started=False)
        else:
            outcome = run_life_cycle(planned, target, settings, drivers.mine(), metrics, on_step)
        if on_device is not None:
            on_device(outcome)
        return outcome

    pool = ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="fleet")
    try:
        outcomes = tuple(pool.map(one, plan_devices(settings)))
    finally:  # interrupted (Ctrl-C): start no other life cycle, let those running end
        pool.shutdown(wait=True, cancel_futures=True)
        drivers.close()
    return FleetReport(settings, monotonic() - begin, outcomes, metrics.steps(STEPS), metrics.endpoints(),
                       dict(metrics.errors))
