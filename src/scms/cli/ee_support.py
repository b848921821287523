"""What the `scms ee` commands share: opening the device with a driver on the system clock, one-line errors with
the exit codes of docs/cli.md, times printed for a reader, and the status table.

Exit codes: 0 done; 1 refused (an SCMS component's error, with its `Ieee-1609.2.1-Error` code and meaning, 1609.2.1
clause 6.2; an answer or a message that failed verification); 2 usage (a bad option, an unreadable file, a state
directory that is missing or not ready for the step); 3 unreachable (no answer after the driver's retries);
4 not ready (a download or successor enrollment not ready within the wait allowed; the line says when to try).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.ee import BadAnswer, Device, NotReady, ServerError, StateError, SyncDriver, Unreachable
from scms.ee.client.status import DeviceStatus
from scms.ee.client.transport import system_clock
from scms.ee.exchange import Wait
from scms.ee.state import DeviceState

__all__ = [
    "EXIT_NOT_READY",
    "EXIT_REFUSED",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "DriverFactory",
    "fail",
    "open_device",
    "print_status",
    "reported",
    "requests_table",
    "status_table",
    "when",
]

EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_NOT_READY = 1, 2, 3, 4

DriverFactory = Callable[[int | None, Callable[[Wait, Time32], None] | None], SyncDriver]


def _system_driver(leap_seconds: int | None, on_wait: Callable[[Wait, Time32], None] | None) -> SyncDriver:
    return SyncDriver(clock=system_clock(leap_seconds), on_wait=on_wait)


driver_factory: DriverFactory = _system_driver
"""How a command makes its driver: (the policy's leap seconds, a callback for each wait). The network and the
system clock; the tests put an in-process SCMS and a clock of their own here."""


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Turn what a device step can raise into one line on stderr and the exit code of the module docstring."""
    try:
        yield
    except ServerError as error:
        fail(f"refused: {error}", EXIT_REFUSED)
    except Unreachable as error:
        fail(str(error), EXIT_UNREACHABLE)
    except NotReady as error:
        fail(f"not ready: {error.filename}; try again at {when(error.next_try)}", EXIT_NOT_READY)
    except StateError as error:
        fail(str(error), EXIT_USAGE)
    except (BadAnswer, Ieee1609Error) as error:
        fail(f"rejected: {error}", EXIT_REFUSED)
    except OSError as error:
        fail(f"{error.filename or 'I/O'}: {error.strerror or error}", EXIT_USAGE)
    except ValueError as error:
        fail(str(error), EXIT_USAGE)


@contextlib.contextmanager
def open_device(directory: Path, on_wait: Callable[[Wait, Time32], None] | None = None) -> Iterator[Device]:
    """The device in `directory` (its lock held: another process on it waits, then fails, `scms.ee.state.lock`),
    with a driver on the clock its policy says (leap seconds); both closed after."""
    with DeviceState.open(directory) as state:
        try:
            leap: int | None = state.policies().global_policy.parameters.leap_seconds
        except StateError:
            leap = None
        driver = driver_factory(leap, on_wait)
        try:
            yield Device(state, driver)
        finally:
            driver.close()


def when(moment: Time32 | int) -> str:
    """A Time32 as UTC for a reader, with its value."""
    value = Time32(int(moment))
    stamp = value.to_datetime().astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{stamp} (Time32 {int(value)})"


def status_table(directory: Path, status: DeviceStatus) -> Table:
    """`scms ee status`: the device at a glance, then one row per authorization request."""
    table = Table(title=f"device {directory}", show_header=False)
    table.add_column("what")
    table.add_column("value")
    table.add_row("type", status.device_type)
    table.add_row("canonical id", status.canonical_id or "(not registered)")
    table.add_row("registration", status.registration_state or "-")
    table.add_row("policy", "yes" if status.has_policy else "no")
    table.add_row("trust verified", when(status.trust_verified_at) if status.trust_verified_at else "no")
    current = status.enrollment or "(not enrolled)"
    until = f", valid until {when(status.enrollment_valid_until)}" if status.enrollment_valid_until else ""
    table.add_row("enrollment", f"{current}{until}")
    table.add_row("enrollment certificates", str(status.enrollments))
    table.add_row("in flight", status.pending_enrollment or "-")
    return table


def requests_table(status: DeviceStatus) -> Table:
    table = Table(title="authorization requests")
    for column in ("request", "set", "butterfly", "type", "i-periods", "first i", "downloaded", "certificates",
                   "state"):
        table.add_column(column)
    for r in status.requests:
        state = "complete" if r.complete else ("acknowledged" if r.acknowledged else "not acknowledged")
        table.add_row(r.request_hash, r.profile, r.butterfly or "-", r.certificate_type, str(r.periods),
                      "-" if r.first_i is None else str(r.first_i), str(r.downloaded_periods), str(r.certificates),
                      state)
    return table


def print_status(directory: Path, status: DeviceStatus) -> None:
    console = Console(width=160)
    console.print(status_table(directory, status))
    if status.requests:
        console.print(requests_table(status))
