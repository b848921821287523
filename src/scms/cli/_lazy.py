"""Commands loaded when they run, so that each `scms` process imports only what it uses.

Importing every command module at start-up (FastAPI, SQLAlchemy, the services, the ASN.1 compiler...) cost each
`scms` process seconds, `scms --help` and `scms ee status` included. A `LazyGroup` lists its commands from a table
of `Lazy` entries (the module, the Typer app or command function in it, the one-line help) and imports a module
only when its command is looked up to run or to show its own help; the group's own help shows the table's lines
(tests/manager/test_cli_lazy.py checks that each line is what the command says of itself).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
import typer.main
from typer import _click as click  # typer vendors click (pinned typer==0.29.2): its groups take these types
from typer.core import TyperCommand, TyperGroup

__all__ = ["Lazy", "LazyGroup", "load"]


@dataclass(frozen=True)
class Lazy:
    """A command of a `LazyGroup`: `attribute` of `module` (a Typer app: a command group; a function: a command)."""

    module: str
    attribute: str
    help: str
    """The line the group's help shows: the group's `help=`, or the command function's docstring's first line."""


def load(name: str, entry: Lazy) -> click.Command:
    """Import `entry`'s module and make its click command, named `name`."""
    target: Any = getattr(importlib.import_module(entry.module), entry.attribute)
    command: click.Command
    if isinstance(target, typer.Typer):  # a group even with one command (`scms trust verify`), as add_typer makes
        command = typer.main.get_group(target)
    else:  # a command function: a one-command app gives the command itself
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """A Typer group whose commands (`lazy`, in the order listed) are imported on first use."""

    lazy: ClassVar[Mapping[str, Lazy]] = {}
    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        entry = self.lazy.get(cmd_name)
        if command is not None or entry is None:
            return command
        if self._listing:  # the group's help: the table's line, nothing imported
            return TyperCommand(cmd_name, help=entry.help, short_help=entry.help)
        command = load(cmd_name, entry)
        self.add_command(command)
        return command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
