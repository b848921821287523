"""`scms trust verify [DIR]`: verify everything a deployment holds (`scms.deployment.verification`).

Exit 0 and one line ("OK: N artifacts verified ...") when every check passes, with the warnings (an overdue CRL)
on stderr; `--verbose` lists every artifact and what was checked. On the first defect: one line naming the
artifact and the reason on stderr, exit 1. `--at` verifies at another time (default: now, read here at the edge);
`--keys` says whose key files to read ("all", "none", or components separated by commas: a host that holds only
some components' directories checks only those).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from scms.cli._clock import deployment_now
from scms.deployment.verification import TrustError, TrustReport, verify_deployment

app = typer.Typer(no_args_is_help=True, help="Verify the trust anchors and published artifacts of a deployment.")

__all__ = ["app"]


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


def _owners(keys: str) -> tuple[str, ...] | None:
    if keys == "all":
        return None
    return () if keys == "none" else tuple(part.strip() for part in keys.split(",") if part.strip())


def _table(report: TrustReport) -> Table:
    table = Table(title=f"{report.directory} at Time32 {int(report.at)}")
    for column in ("artifact", "what", "checked"):
        table.add_column(column)
    for item in report.checked:
        table.add_row(item.artifact, item.kind, item.detail)
    return table


@app.command("verify")
def verify_cmd(
    directory: Annotated[Path, typer.Argument(help="Deployment directory.")] = Path("scms-data"),
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601 time to verify at (default: now).")] = None,
    keys: Annotated[
        str, typer.Option("--keys", help='Key files to check: "all", "none" or components, e.g. "ra,ma".')
    ] = "all",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every artifact checked.")] = False,
) -> None:
    """Verify every certificate, chain, CTL, CCF, CRL, policy and key file of DIR; exit 1 on the first defect."""
    try:
        now = deployment_now(directory, at)
    except ValueError as error:
        _fail(str(error), 2)
    try:
        report = verify_deployment(directory, now, key_owners=_owners(keys))
    except TrustError as error:
        _fail(f"{directory / error.artifact}: {error.reason}")
    if verbose:
        console = Console() if Console().is_terminal else Console(width=200)
        console.print(_table(report))
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    trust = report.trust
    summary = f"CTL {trust.sequence_number}: {len(trust.electors)} electors, {len(trust.root_cas)} root CAs"
    typer.echo(f"OK: {len(report.checked)} artifacts verified in {directory} ({summary}, quorum {trust.quorum})")
