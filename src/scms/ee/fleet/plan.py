"""What a fleet run does: how many devices of which type, how many at once, for how long, and the steps of each
device's life cycle (1609.2.1 clauses 6.3.4-6.3.5), in the order a device takes them.

    OBU: register, bootstrap, enroll, request pseudonyms, download pseudonyms, successor
    RSU: register, bootstrap, enroll, request identification, download identification, successor

`plan_devices(settings)` names the devices: the RSUs spread evenly through the fleet, so a run cut short by its
duration still holds both types. The last `unregistered` devices skip registration (they take the policy files as
a device given them out of band would): the ECA refuses to enroll them (400-21), a load on the refusal path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DOWNLOAD",
    "LIFE_CYCLE",
    "REQUEST",
    "STEPS",
    "DeviceKind",
    "FleetSettings",
    "PlannedDevice",
    "plan_devices",
    "steps_of",
]

DeviceKind = Literal["OBU", "RSU"]

REQUEST = {"OBU": "request pseudonyms", "RSU": "request identification"}
DOWNLOAD = {"OBU": "download pseudonyms", "RSU": "download identification"}
LIFE_CYCLE = ("register", "bootstrap", "enroll", "request", "download", "successor")
"""The steps of a life cycle; "request" and "download" are named after what the device type asks for."""
STEPS = ("register", "bootstrap", "enroll", REQUEST["OBU"], DOWNLOAD["OBU"], REQUEST["RSU"], DOWNLOAD["RSU"],
         "successor")
"""Every step name a report can hold, in order."""


def steps_of(kind: DeviceKind, *, successor: bool = True) -> tuple[str, ...]:
    """The step names of a device of `kind`'s life cycle."""
    names = {"request": REQUEST[kind], "download": DOWNLOAD[kind]}
    return tuple(names.get(step, step) for step in LIFE_CYCLE if successor or step != "successor")


@dataclass(frozen=True)
class FleetSettings:
    devices: int = 10
    """Simulated devices, each running one life cycle."""
    rsus: int = 0
    """How many of them are RSUs (identification certificates); the others are OBUs (pseudonyms)."""
    concurrency: int = 4
    """Life cycles running at once (one worker thread each)."""
    duration_s: float | None = None
    """No life cycle starts after this many seconds from the start (None: every device runs)."""
    periods: int = 1
    """i-periods of pseudonym certificates an OBU asks for (1: a week with the US policy)."""
    implicit: bool = True
    """Implicit certificates (enrollment, pseudonym, identification), else explicit."""
    successor: bool = True
    """End each life cycle with a successor enrollment."""
    max_wait_s: int = 120
    """Longest a device waits for its downloads (pseudonyms, identification, successor), as nextDlTime says."""
    retry_interval_s: int = 1
    """Wait before asking again for a file not ready, when the RA gives no Retry-After."""
    unregistered: int = 0
    """How many devices (the last ones) are never registered; their life cycle ends at enrollment (400-21)."""
    keep_devices: bool = False
    """Keep each simulated device (its state in memory) in the result, e.g. to sign messages afterwards."""

    def __post_init__(self) -> None:
        if self.devices < 1 or self.concurrency < 1 or self.periods < 1:
            raise ValueError("devices, concurrency and periods are at least 1")
        for name, count in (("rsus", self.rsus), ("unregistered", self.unregistered)):
            if not 0 <= count <= self.devices:
                raise ValueError(f"{name} {count}: between 0 and the {self.devices} devices")
        if self.duration_s is not None and self.duration_s <= 0:
            raise ValueError("duration: more than 0 seconds")
        if self.max_wait_s < 0 or self.retry_interval_s < 1:
            raise ValueError("max_wait_s is at least 0 and retry_interval_s at least 1")


@dataclass(frozen=True)
class PlannedDevice:
    name: str
    kind: DeviceKind
    registered: bool = True


def plan_devices(settings: FleetSettings) -> tuple[PlannedDevice, ...]:
    """The fleet's devices in the order they start: `obu-<n>` and `rsu-<n>`, the RSUs spread evenly."""
    planned, obus, rsus = [], 0, 0
    for position in range(settings.devices):
        registered = position < settings.devices - settings.unregistered
        # an RSU whenever the RSUs' share of the first position+1 devices grows past the RSUs placed so far
        if (position + 1) * settings.rsus // settings.devices > rsus:
            rsus += 1
            planned.append(PlannedDevice(f"rsu-{rsus}", "RSU", registered))
        else:
            obus += 1
            planned.append(PlannedDevice(f"obu-{obus}", "OBU", registered))
    return tuple(planned)
