"""`scms demo`: the whole SCMS at work in under a minute, on a deployment made for the occasion and thrown away.

1. `scms init` in a temporary directory (`scms.manager.init_deployment`, the default configuration);
2. `scms up` on it, in this process on an ephemeral port of 127.0.0.1 (`up_cmd.run_up`, real HTTP);
3. the demo fleet (`scms.ee.fleet.demo`: 10 OBUs and 2 RSUs through registration, bootstrap, enrollment, a week of
   unified implicit pseudonym certificates or an identification certificate, successor enrollment), with the
   fleet simulator's progress bar (`scms ee fleet`);
4. an OBU signs a BSM-like message (PSID 32) and another device verifies it;
5. a table of the steps (devices passed and failed, certificates, time); exit 0 only if every step passed, else 1
   naming the first step that failed.
"""

from __future__ import annotations

import contextlib
import queue
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from time import perf_counter

import typer
from rich.console import Console

from scms.cli._clock import deployment_now
from scms.cli.fleet_cmd import run_with_progress
from scms.cli.up_cmd import run_up
from scms.deployment import DeploymentConfig, load_deployment
from scms.ee.fleet import FleetTarget
from scms.ee.fleet.demo import DEMO_SETTINGS, demo_steps, demo_table
from scms.manager import init_deployment

__all__ = ["demo"]

_START_TIMEOUT_S = 120


@contextlib.contextmanager
def _scms_up(directory: Path) -> Iterator[str]:
    """`scms up --dir DIRECTORY --host 127.0.0.1 --port 0` in a thread until the block ends; its base URL."""
    started: queue.Queue[str] = queue.Queue()
    failed: queue.Queue[BaseException] = queue.Queue()
    stop = threading.Event()

    def serve() -> None:
        try:
            run_up(directory, "127.0.0.1", 0, stop=stop, on_started=started.put, echo=lambda *_, **__: None,
                   log_level="warning")
        except BaseException as error:  # handed to the demo's thread
            failed.put(error)
            started.put("")

    thread = threading.Thread(target=serve, name="scms-demo-up")
    thread.start()
    try:
        url = started.get(timeout=_START_TIMEOUT_S)
        if not url:
            raise failed.get()
        yield url
    finally:
        stop.set()
        thread.join()


def demo() -> None:
    """Run a demo SCMS: a fresh deployment, `scms up`, 10 OBUs and 2 RSUs through their life cycle, a signed BSM."""
    out, console = Console(width=160), Console(stderr=True)
    begin = perf_counter()
    with tempfile.TemporaryDirectory(prefix="scms-demo-") as temporary:
        directory = Path(temporary) / "scms-data"
        manifest = init_deployment(directory, DeploymentConfig(), deployment_now(directory))
        out.print(f"deployment: {len(manifest.certificates)} certificates in {directory} (scms init)")
        with _scms_up(directory) as url:
            out.print(f"SCMS up at {url} (/ra /eca /aca /la1 /la2), after {perf_counter() - begin:.1f} s")
            target = FleetTarget.of_deployment(load_deployment(directory), url)
            report = run_with_progress(DEMO_SETTINGS, target, console)
        steps = demo_steps(report)
    out.print(demo_table(steps))
    seconds = perf_counter() - begin
    failing = next((s for s in steps if not s.ok), None)
    if failing is not None:
        typer.echo(f"demo failed at step {failing.name!r} ({failing.passed}/{failing.expected} passed) "
                   f"after {seconds:.1f} s", err=True)
        raise typer.Exit(code=1)
    out.print(f"demo passed: every step, {report.certificates} certificates, {seconds:.1f} s")
