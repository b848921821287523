"""The `scms` command: one Typer app, each layer's commands in a module of its own."""

from __future__ import annotations

import typer

from scms.cli import asn1_cmd, cert_cmd, ee_cmd, init_cmd, manager_cmd, spdu_cmd, trust_cmd, up_cmd

app = typer.Typer(no_args_is_help=True, add_completion=False, help="IEEE 1609.2.1 SCMS tools.")
app.add_typer(asn1_cmd.app, name="asn1")
app.add_typer(cert_cmd.app, name="cert")
app.add_typer(spdu_cmd.app, name="spdu")
app.command("init")(init_cmd.init)
app.add_typer(trust_cmd.app, name="trust")
app.add_typer(manager_cmd.app, name="manager")
app.add_typer(ee_cmd.app, name="ee")
app.command("up")(up_cmd.up)

__all__ = ["app"]
