"""`scms` imports a command's module only when that command runs (scms.cli._lazy): its help lists each command
by the line of `COMMANDS`, which must be what the command says of itself."""

from __future__ import annotations

import subprocess
import sys

import typer
from typer.core import TyperGroup

from scms.cli import COMMANDS, app
from scms.cli._lazy import load

HEAVY = ("scms.services", "scms.manager", "fastapi", "sqlalchemy", "uvicorn")


def test_each_listed_line_is_the_commands_own_first_line() -> None:
    for name, entry in COMMANDS.items():
        command = load(name, entry)
        assert command.name == name
        assert (command.help or "").strip().splitlines()[0] == entry.help, name


def _imported_after(*args: str) -> set[str]:
    """The heavy packages a fresh interpreter holds after running `scms ARGS` (help output discarded)."""
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from scms.cli import app\n"
        f"result = CliRunner().invoke(app, {list(args)!r})\n"
        "assert result.exit_code == 0, result.output\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_help_and_a_device_command_import_no_service() -> None:
    assert _imported_after("--help") == set()
    assert _imported_after("ee", "status", "--help") == set()
    assert _imported_after("manager", "--help") == {"scms.manager"}  # what it runs, nothing more


def test_the_commands_run_as_before() -> None:
    group = typer.main.get_command(app)
    context = typer.Context(group)
    assert group.list_commands(context) == list(COMMANDS)
    trust = group.get_command(context, "trust")
    assert isinstance(trust, TyperGroup) and trust.list_commands(typer.Context(trust)) == ["verify"]  # not collapsed
