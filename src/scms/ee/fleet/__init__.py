"""The fleet simulator: many simulated devices (OBUs and RSUs) running their whole life cycle against a running
SCMS over HTTP, as a load generator (`scms ee fleet`, `scms demo`; docs/api-ee.md "The fleet simulator").

* `plan`: `FleetSettings` and the devices and steps of a run;
* `target`: `FleetTarget`, where the devices go and what they get out of band (token, anchor CTL);
* `lifecycle`: one device's life cycle through `scms.ee.Device` on state kept in memory;
* `metrics`: latencies, percentiles and errors by kind, gathered from many threads;
* `runner`: `run_fleet`; `report`: `FleetReport` and its tables.
"""

from scms.ee.fleet.lifecycle import DeviceOutcome
from scms.ee.fleet.metrics import EndpointStats, StepStats, Summary, error_kind, percentile
from scms.ee.fleet.plan import FleetSettings, PlannedDevice, plan_devices, steps_of
from scms.ee.fleet.report import FleetReport
from scms.ee.fleet.runner import run_fleet
from scms.ee.fleet.target import FleetTarget

__all__ = [
    "DeviceOutcome",
    "EndpointStats",
    "FleetReport",
    "FleetSettings",
    "FleetTarget",
    "PlannedDevice",
    "StepStats",
    "Summary",
    "error_kind",
    "percentile",
    "plan_devices",
    "run_fleet",
    "steps_of",
]
