"""Turn pydantic's validation errors into one line that names each bad option by its dotted path."""

from __future__ import annotations

from pydantic import ValidationError

__all__ = ["describe_validation_error"]


def _option(loc: tuple[int | str, ...]) -> str:
    return ".".join(f"[{part}]" if isinstance(part, int) else part for part in loc).replace(".[", "[")


def describe_validation_error(error: ValidationError) -> tuple[str, tuple[str, ...]]:
    """("opt.a: reason; opt.b: unknown option", ("opt.a", "opt.b")); input values are never echoed (secrets)."""
    parts: list[str] = []
    options: list[str] = []
    for item in error.errors(include_url=False, include_input=False):
        option = _option(tuple(item["loc"])) or "(top level)"
        reason = "unknown option" if item["type"] == "extra_forbidden" else item["msg"]
        reason = reason.removeprefix("Value error, ")
        options.append(option)
        parts.append(f"{option}: {reason}")
    return "; ".join(parts), tuple(options)
