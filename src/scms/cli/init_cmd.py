"""`scms init [--dir DIR] [--config FILE]`: create a complete deployment (`scms.manager.init_deployment`).

The configuration is FILE, else DIR/scms.toml when it exists, else the defaults. The clock is read here, at the
edge (Time32 with the configured `time-leapSeconds`). On success a table lists what was created; on a bad
configuration or target the command prints one line naming the option or path and exits 2. `--print-config`
prints the commented configuration (the defaults, or FILE checked and written out in full) and creates nothing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from scms.deployment import ConfigError, DeploymentConfig, DeploymentError, load_config, render_config
from scms.deployment.layout import CONFIG_FILE
from scms.deployment.manifest import Manifest
from scms.dot2.time import LeapSeconds, Time32
from scms.manager import init_deployment

__all__ = ["init"]


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


def _config(directory: Path, config_file: Path | None) -> DeploymentConfig:
    path = config_file if config_file is not None else directory / CONFIG_FILE
    if config_file is None and not path.exists():
        return DeploymentConfig()
    try:
        return load_config(path)
    except ConfigError as error:
        _fail(str(error))


def _summary(directory: Path, manifest: Manifest, config: DeploymentConfig, seconds: float) -> Table:
    table = Table(title=f"SCMS deployment in {directory} ({seconds:.2f} s)")
    for column in ("artifact", "file", "details"):
        table.add_column(column)
    for name, entry in manifest.certificates.items():
        issuer = entry.issuer or "self-signed"
        table.add_row(f"certificate {name}", entry.file, f"{entry.role} · {issuer} · {entry.hashed_id8}")
    electors = config.manager.electors
    for ctl in manifest.ctls:
        detail = f"series {manifest.ctl_series_id}, quorum {electors.quorum} of {electors.count} electors"
        table.add_row(f"CTL {ctl.sequence_number}", ctl.file, detail)
    table.add_row("CCF", manifest.ccf.file, f"version {manifest.ccf.version}")
    for crl in manifest.crls:
        table.add_row(f"CRL series {crl.series}", crl.file, f"{crl.kind}, CRACA {crl.craca}, empty")
    table.add_row("composite CRL", manifest.composite_crl.file, f"{len(manifest.crls)} CRLs + home CTL")
    table.add_row("global policy", manifest.global_policy, "version 1")
    for kind, file in manifest.device_policies.items():
        table.add_row(f"{kind} policy", file, "version 1")
    keys = sum(len(purposes) for purposes in manifest.keys.values())
    table.add_row("private keys", "<component>/keys/", f"{keys} keys, mode 0600, each in its owner's directory")
    for component, named in manifest.secrets.items():
        for name, file in named.items():
            table.add_row(f"{component} {name}", file, "secret, mode 0600")
    table.add_row("configuration", CONFIG_FILE, "read by every component")
    return table


def init(
    directory: Annotated[Path, typer.Option("--dir", help="Deployment directory to create.")] = Path("scms-data"),
    config_file: Annotated[
        Path | None, typer.Option("--config", help="scms.toml to use (default: DIR/scms.toml, else the defaults).")
    ] = None,
    print_config: Annotated[
        bool, typer.Option("--print-config", help="Print the commented configuration and create nothing.")
    ] = False,
) -> None:
    """Create a complete SCMS deployment: electors, CAs, components, CTL, CCF, CRLs, policy files, keys."""
    config = _config(directory, config_file)
    if print_config:
        typer.echo(render_config(config), nl=False)
        return
    now = Time32.from_unix(time.time(), LeapSeconds.fixed(config.policy.leap_seconds))
    started = time.perf_counter()
    try:
        manifest = init_deployment(directory, config, now)
    except (ConfigError, DeploymentError) as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.filename or directory}: {error.strerror or error}", 1)
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # a log or a pipe: do not fold the file names
    console.print(_summary(directory, manifest, config, time.perf_counter() - started))
