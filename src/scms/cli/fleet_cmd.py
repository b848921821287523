"""`scms ee fleet`: the fleet simulator (`scms.ee.fleet`) against a running SCMS: many simulated devices, each
running its whole life cycle, with a live progress bar (stderr) and, at the end, the tables of steps, endpoints
(throughput, p50/p95/p99 latency) and errors by `Ieee-1609.2.1-Error` code (stdout).

Exit codes: 0 every device completed its life cycle; 1 some failed or were not started (the tables say which step
and why); 2 usage (a bad option, a deployment that does not load, a target that is not local).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scms.deployment import DeploymentError, load_deployment
from scms.ee.fleet import DeviceOutcome, FleetReport, FleetSettings, FleetTarget, PlannedDevice, run_fleet

__all__ = ["fleet", "print_report", "run_with_progress"]

EXIT_FAILED, EXIT_USAGE = 1, 2


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


def run_with_progress(settings: FleetSettings, target: FleetTarget, console: Console) -> FleetReport:
    """`run_fleet` with a live bar of life cycles ended, and the steps passed and failed so far."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as bar:
        task = bar.add_task("devices", total=settings.devices)
        counts = {"passed": 0, "failed": 0}

        def stepped(planned: PlannedDevice, step: str, ok: bool) -> None:
            counts["passed" if ok else "failed"] += 1
            bar.update(task, description=f"devices ({counts['passed']} steps passed, {counts['failed']} failed; "
                                         f"{planned.name}: {step})")

        def ended(outcome: DeviceOutcome) -> None:
            bar.update(task, advance=1)

        return run_fleet(settings, target, on_step=stepped, on_device=ended)


def print_report(report: FleetReport, console: Console) -> None:
    for table in report.tables():
        console.print(table)
    console.print(report.summary_line())


def fleet(
    devices: Annotated[int, typer.Option("--devices", min=1, help="Simulated devices, one life cycle each.")] = 10,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Life cycles running at once.")] = 4,
    rsus: Annotated[float, typer.Option(
        "--rsus", min=0, help="RSUs among the devices: a count, or a share below 1 (0.2: one in five).")] = 0.2,
    duration: Annotated[float | None, typer.Option(
        "--duration", min=0, help="Start no life cycle after this many seconds.")] = None,
    url: Annotated[str | None, typer.Option(
        "--url", help="The SCMS's base URL (local only; default: the deployment's base_url).")] = None,
    directory: Annotated[Path, typer.Option(
        "--dir", help="The deployment (operator token, anchor CTL).")] = Path("scms-data"),
    periods: Annotated[int, typer.Option("--periods", min=1, help="i-periods of pseudonyms per OBU.")] = 1,
    implicit: Annotated[bool, typer.Option("--implicit/--explicit", help="Implicit or explicit certificates.")] = True,
    successor: Annotated[bool, typer.Option(
        "--successor/--no-successor", help="End each life cycle with a successor enrollment.")] = True,
    max_wait: Annotated[int, typer.Option(
        "--max-wait", min=0, help="Longest wait in seconds for a device's downloads.")] = 120,
    unregistered: Annotated[int, typer.Option(
        "--unregistered", min=0, help="Devices (the last ones) never registered: the ECA refuses them (400-21).")] = 0,
) -> None:
    """A fleet of simulated OBUs and RSUs, each registered, bootstrapped, enrolled, given certificates and a
    successor enrollment certificate, against a running SCMS; throughput, latency percentiles and errors."""
    count = round(rsus * devices) if rsus < 1 else int(rsus)
    try:
        deployment = load_deployment(directory)
        target = FleetTarget.of_deployment(deployment, url)
        settings = FleetSettings(devices=devices, rsus=count, concurrency=concurrency, duration_s=duration,
                                 periods=periods, implicit=implicit, successor=successor, max_wait_s=max_wait,
                                 unregistered=unregistered)
    except (DeploymentError, ValueError) as error:
        raise _fail(str(error), EXIT_USAGE) from None
    report = run_with_progress(settings, target, Console(stderr=True))
    print_report(report, Console(width=160))
    if not report.ok:
        raise typer.Exit(code=EXIT_FAILED)
