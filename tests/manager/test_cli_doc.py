"""docs/cli.md describes every command of `scms` and every option each takes (a heading per command)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from scms.cli import app

PAGE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _commands(command: Any, path: list[str]) -> Iterator[tuple[str, Any]]:
    if not isinstance(command, TyperGroup):
        yield " ".join(path), command
        return
    context = typer.Context(command)
    for name in command.list_commands(context):  # `scms` loads its groups on demand (scms.cli._lazy)
        yield from _commands(command.get_command(context, name), [*path, name])


def _sections() -> dict[str, str]:
    parts = re.split(r"^### `(scms [^`]+)`\n", PAGE.read_text(), flags=re.MULTILINE)
    return {parts[i]: parts[i + 1].split("\n## ")[0] for i in range(1, len(parts), 2)}


def test_every_command_and_option_is_described() -> None:
    sections = _sections()
    commands = dict(_commands(typer.main.get_command(app), ["scms"]))
    assert set(commands) == set(sections)
    assert {"scms trust verify", "scms manager rotate", "scms manager crl issue", "scms init"} <= set(commands)
    for name, command in commands.items():
        for parameter in command.params:
            options = [o for o in getattr(parameter, "opts", ()) if o.startswith("-")]
            if options:
                assert any(option in sections[name] for option in options), (name, options)
