"""The demo's fleet and its verdict (`scms demo`; the command starts the SCMS, this module says what the devices do
and whether each step passed):

1. 10 OBUs and 2 RSUs run their life cycle (`DEMO_SETTINGS`): registration with the operator token, bootstrap from
   the anchor CTL, implicit enrollment, a week (one i-period) of unified implicit pseudonym certificates for each
   OBU, an identification certificate for each RSU, a successor enrollment for every device;
2. an OBU signs a BSM-like payload (PSID 32) with its pseudonym certificate of now, and another device accepts it
   with its own trust material (`scms.ee.messages`: the chain to a CTL root, the signature, the PSID, the CRLs).

`demo_steps(report)` gives one row per step: devices that passed and failed out of those expected, certificates,
seconds (from the step's first start to its last end); the demo passes when every row does.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

from rich.table import Table

from scms.ee.fleet.lifecycle import DeviceOutcome
from scms.ee.fleet.metrics import error_kind
from scms.ee.fleet.plan import DOWNLOAD, REQUEST, STEPS, FleetSettings
from scms.ee.fleet.report import FleetReport

__all__ = ["BSM_PSID", "DEMO_SETTINGS", "DemoStep", "demo_steps", "demo_table", "message_step"]

BSM_PSID = 32
"""The PSID of a Basic Safety Message (SAE J2735)."""

DEMO_SETTINGS = FleetSettings(devices=12, rsus=2, concurrency=12, periods=1, implicit=True, successor=True,
                              max_wait_s=50, retry_interval_s=1, keep_devices=True)


@dataclass(frozen=True)
class DemoStep:
    name: str
    expected: int
    passed: int
    failed: int
    certificates: int
    seconds: float
    detail: str = ""
    """Why it failed (the errors counted), or what it did."""

    @property
    def ok(self) -> bool:
        return self.passed == self.expected and self.failed == 0


def _expected(step: str, settings: FleetSettings) -> int:
    if step in (REQUEST["OBU"], DOWNLOAD["OBU"]):
        return settings.devices - settings.rsus
    if step in (REQUEST["RSU"], DOWNLOAD["RSU"]):
        return settings.rsus
    return settings.devices


def message_step(devices: tuple[DeviceOutcome, ...], psid: int = BSM_PSID) -> DemoStep:
    """The first OBU that completed signs a BSM-like payload for `psid`; another device that completed verifies
    it with its own trust material."""
    name = f"BSM signed (psid {psid}), verified"
    done = [d for d in devices if d.completed and d.device is not None]
    signer = next((d for d in done if d.planned.kind == "OBU"), None)
    verifier = next((d for d in done if d is not signer), None)
    if signer is None or verifier is None or signer.device is None or verifier.device is None:
        return DemoStep(name, 1, 0, 1, 0, 0.0, "no OBU and other device completed their life cycle")
    start = perf_counter()
    payload = f"BSM from {signer.planned.name}: lat 38.8895 lon -77.0353 speed 13.4".encode()
    try:
        chosen = signer.device.certificate_for(psid)
        signed = signer.device.sign(payload, psid)
        verified = verifier.device.verify(signed, psid=psid)
        if verified.payload != payload:
            raise ValueError("the verified payload is not the one signed")
    except Exception as error:  # the step's verdict, by kind
        return DemoStep(name, 1, 0, 1, 0, perf_counter() - start, error_kind(error))
    where = "identification" if chosen.i is None else f"i={int(chosen.i)} j={chosen.j}"
    return DemoStep(name, 1, 1, 0, 0, perf_counter() - start,
                    f"{signer.planned.name} with {chosen.certificate.hashed_id8()} ({where}), "
                    f"accepted by {verifier.planned.name}")


def demo_steps(report: FleetReport) -> tuple[DemoStep, ...]:
    """One row per life-cycle step of the fleet (in order), then the message step."""
    rows = []
    for step in STEPS:
        if not report.settings.successor and step == "successor":
            continue
        stats = report.step(step)
        expected = _expected(step, report.settings)
        if expected == 0:
            continue
        errors = ", ".join(f"{kind} x{count}" for (where, kind), count in sorted(report.errors.items())
                           if where == step)
        if stats is None:
            rows.append(DemoStep(step, expected, 0, 0, 0, 0.0, "not reached"))
        else:
            rows.append(DemoStep(step, expected, stats.passed, stats.failed, stats.certificates, stats.span, errors))
    return (*rows, message_step(report.devices))


def demo_table(steps: tuple[DemoStep, ...]) -> Table:
    table = Table(title="scms demo")
    for column in ("step", "devices passed", "failed", "certificates", "time s", "result"):
        table.add_column(column, justify="left" if column in ("step", "result") else "right")
    for s in steps:
        result = ("passed" if s.ok else "FAILED") + (f": {s.detail}" if s.detail else "")
        table.add_row(s.name, f"{s.passed}/{s.expected}", str(s.failed), str(s.certificates), f"{s.seconds:.1f}",
                      result)
    return table
