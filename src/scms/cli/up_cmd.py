"""`scms up [--dir DIR] [--host HOST] [--port PORT] [--workers N] [--log-level LEVEL] [--download-delay S]`: every
component of a deployment in this process, on one port (the embedded default, `scms.services.runtime`;
docs/operations.md).

1. DIR without a deployment (no `deployment.json`): create one as `scms init` does (DIR/scms.toml if present, else
   the defaults); given --host or --port, `[deployment] base_url` names that address, so that the policy files send
   devices where the components are served;
2. `open_embedded`: load and verify the deployment at the clock's time (the served components' keys); the first
   defect stops start-up with one line `error: <file>: <reason>`, exit 1 ("a missing trust anchor stops start-up");
   then every component is built on its own database and mounted under "/<component>";
3. with `--workers N` > 1: bind the listening socket here and start N-1 front-end processes on it
   (`scms.services.runtime.workers`: the public apps without job runners, on the same databases), waiting until
   each serves; one that ends first stops start-up (exit 1);
4. serve until Ctrl-C or SIGTERM (`_signals`): a graceful stop (the front ends stopped after this process), exit 0.
   Once listening it prints each component's URL, the number of processes, the operator token's file, the
   databases, and warnings (a policy URL that is not where its component is served, an overdue CRL, the MA not
   served). A front end that ends while serving stops the SCMS: exit 1, `error: front-end process ...`.

Host and port default to those of `[deployment] base_url` (`http://127.0.0.1:8080` unless configured). Logs go to
stderr. `--download-delay` sets the RA's generation delay (`GenerationSettings.download_delay_s`): how long after
accepting a request devices are told to come back (nextDlTime). The clock is read here and by the services' edges.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Literal, NoReturn
from urllib.parse import urlsplit

import typer

from scms.cli._clock import deployment_now
from scms.cli._signals import Interrupted, StopSignals
from scms.deployment import DeploymentConfig, DeploymentError, load_config
from scms.deployment.layout import CONFIG_FILE, MANIFEST_FILE
from scms.deployment.tokens import RELEASE_TOKEN
from scms.dot2.errors import Ieee1609Error
from scms.manager import init_deployment
from scms.services.common import serve
from scms.services.common.embedded import listening_socket
from scms.services.ra import GenerationSettings
from scms.services.runtime import (
    EMBEDDED_COMPONENTS,
    NOT_SERVED,
    EmbeddedScms,
    EmbeddedSettings,
    base_url_for,
    listen_address,
    open_embedded,
    policy_mismatches,
)
from scms.services.runtime.workers import LOG_FORMAT, FrontEnds, WorkerDied, shared_polling

__all__ = ["run_up", "up"]

Echo = Callable[..., None]
LogLevel = Literal["critical", "error", "warning", "info", "debug"]


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


def _create(directory: Path, host: str | None, port: int | None, echo: Echo) -> None:
    """A new deployment in `directory`, as `scms init` makes it; base_url names --host / --port when given."""
    path = directory / CONFIG_FILE
    config = load_config(path) if path.exists() else DeploymentConfig()
    configured = config.deployment.base_url
    default_host, default_port = listen_address(configured)
    if (host is not None or port is not None) and port != 0:
        base_url = base_url_for(host or default_host, port or default_port, configured)
        config = config.model_copy(update={"deployment": config.deployment.model_copy(update={"base_url": base_url})})
    manifest = init_deployment(directory, config, deployment_now(directory))
    echo(f"created a deployment in {directory} (scms init): {len(manifest.certificates)} certificates, CTL 1, "
         f"policy files for {config.deployment.base_url}")


def _announce(scms: EmbeddedScms, base_url: str, echo: Echo, front_ends: Sequence[int] = ()) -> None:
    deployment = scms.deployment
    parts = urlsplit(base_url)
    host, port = parts.hostname or "", parts.port or 80
    checked = 0 if scms.report is None else len(scms.report.checked)
    processes = f"1 process (PID {os.getpid()})" if not front_ends else (
        f"{1 + len(front_ends)} processes (PID {os.getpid()} with the job runners; "
        f"front ends {', '.join(map(str, front_ends))})")
    echo(f"SCMS up: deployment {deployment.layout.root} ({deployment.config.deployment.name}), "
         f"{checked} artifacts verified, {processes}")
    for component in EMBEDDED_COMPONENTS:
        url = f"{base_url}/{component}"
        echo(f"  {component:<4} {url:<32} OpenAPI: {url}/docs")
    for component, reason in NOT_SERVED.items():
        echo(f"  {component:<4} not served: {reason}")
    token = deployment.layout.resolve(deployment.config.ra.operator_token_file)
    echo(f"operator token: {token} (Authorization: Bearer <token> on {base_url}/ra/registration/v1/)")
    for la in ("la1", "la2"):
        release = deployment.manifest.secrets.get(la, {}).get(RELEASE_TOKEN)
        if release is not None:
            echo(f"{la} seed-release token: {deployment.layout.resolve(release)} (on {base_url}/{la}/v1/linkage-seeds)")
    for component, url in scms.database_urls().items():
        echo(f"database {component}: {url}")
    mismatches = policy_mismatches(deployment.global_policy.urls, host, port, EMBEDDED_COMPONENTS)
    if mismatches:
        listed = ", ".join(f"{m.component} {m.policy_url}" for m in mismatches)
        echo(f"warning: devices take the components' URLs from the policy, which does not lead here: {listed}; "
             "serve at the policy's address (scms up without --host/--port) or forward it here", err=True)
    for warning in () if scms.report is None else scms.report.warnings:
        echo(f"warning: {warning}", err=True)
    echo("Ctrl-C or SIGTERM stops the SCMS.")


def run_up(directory: Path, host: str | None = None, port: int | None = None, *, workers: int = 1,
           stop: threading.Event | None = None, before_serving: Callable[[], None] | None = None,
           on_started: Callable[[str], None] | None = None, echo: Echo = typer.echo,
           settings: EmbeddedSettings | None = None, log_level: LogLevel = "info") -> None:
    """Steps 1-4 of the module docstring, until `stop` is set (or a signal, in the main thread).

    Errors of the deployment (`DeploymentError` and its kinds, `Ieee1609Error`) go through to the caller, and
    `WorkerDied` when a front-end process ended by itself.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if not (directory / MANIFEST_FILE).exists():
        _create(directory, host, port, echo)
    if workers > 1:
        settings = shared_polling(settings)
    scms = open_embedded(directory, settings=settings)
    default_host, default_port = listen_address(scms.deployment.config.deployment.base_url)
    listen_host, listen_port = host or default_host, default_port if port is None else port
    stop = stop or threading.Event()
    front_ends: FrontEnds | None = None

    def started(base_url: str) -> None:
        _announce(scms, base_url, echo, () if front_ends is None else front_ends.pids)
        if on_started is not None:
            on_started(base_url)

    try:
        listener = None if workers == 1 else listening_socket(listen_host, listen_port)
        try:
            if listener is not None:
                front_ends = FrontEnds(directory, listener, workers - 1, host=listen_host, settings=settings,
                                       log_level=log_level)
                front_ends.start()
                front_ends.watch(stop)
            if before_serving is not None:
                before_serving()
            serve(scms.app, host=listen_host, port=listen_port, on_started=started, stop=stop, log_level=log_level,
                  listener=listener)
        finally:
            if front_ends is not None:
                front_ends.stop()
            if listener is not None:
                listener.close()
    finally:
        scms.close()
    if front_ends is not None and front_ends.died is not None:
        raise WorkerDied(front_ends.died)


def up(
    directory: Annotated[Path, typer.Option("--dir", help="Deployment directory (created by init if empty).")] = Path(
        "scms-data"),
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (default: base_url's).")] = None,
    port: Annotated[int | None, typer.Option("--port", min=0, max=65535,
                                             help="Port to listen on (default: base_url's).")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, help="Processes serving requests (the first also runs the job runners).")] = 1,
    log_level: Annotated[LogLevel, typer.Option("--log-level", help="Least severe log level on stderr.")] = "info",
    download_delay: Annotated[int | None, typer.Option(
        "--download-delay", min=0, max=86_400,
        help="Seconds from an accepted request to its nextDlTime (default: 2).")] = None,
) -> None:
    """Run every SCMS component of the deployment on one port, until Ctrl-C or SIGTERM.

    All in this process, or with --workers N the request handling in N processes (this one runs the jobs)."""
    logging.basicConfig(level=log_level.upper(), format=LOG_FORMAT)
    settings = None if download_delay is None else EmbeddedSettings(
        generation=GenerationSettings(download_delay_s=download_delay))
    with StopSignals() as signals:
        try:
            run_up(directory, host, port, workers=workers, stop=signals.stop, before_serving=signals.serving,
                   settings=settings, log_level=log_level)
        except Interrupted as interrupted:
            typer.echo(str(interrupted), err=True)
        except (DeploymentError, Ieee1609Error, WorkerDied) as error:
            _fail(str(error))
        except OSError as error:
            _fail(f"{error.filename or directory}: {error.strerror or error}")
    if signals.received is not None:
        typer.echo(f"SCMS stopped ({signals.received})")
