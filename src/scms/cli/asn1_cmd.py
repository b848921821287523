"""`scms asn1 ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="asn1 commands.")

__all__ = ["app"]
