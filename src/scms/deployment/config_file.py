"""Read `scms.toml` (stdlib `tomllib`, validated by `scms.deployment.config`) and write it back, commented.

`load_config(path)` raises `ConfigError` naming the file and every bad option (unknown keys included);
`render_config(config)` gives the TOML text of a configuration with each option's description as a comment
(`render_config(DeploymentConfig())` is the default file `scms init` writes). Round trip: `parse_config(
render_config(c)) == c`.
"""

from __future__ import annotations

import json
import textwrap
import tomllib
from collections.abc import Sequence
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ValidationError

from scms.deployment._validation import describe_validation_error
from scms.deployment.config import DeploymentConfig
from scms.deployment.config_checks import consistency_problems
from scms.deployment.errors import ConfigError
from scms.deployment.policy import PermissionSpec
from scms.deployment.regions import CircleSpec, RegionSpec

__all__ = ["check_config", "load_config", "parse_config", "render_config"]

_INLINE = (RegionSpec, CircleSpec, PermissionSpec)
"""Models written as inline tables ({ a = 1 }); every other model is a [table] or [[array of tables]]."""

_HEADER = """\
# scms.toml: the configuration of an IEEE 1609.2.1 SCMS deployment, read by every component.
# Reference of every option: docs/configuration.md. Paths are relative to this file's directory.
# Secrets are never written here, only the paths of the files that hold them.
"""


def check_config(config: DeploymentConfig, source: str = "configuration") -> DeploymentConfig:
    """Apply the cross-option rules (`config_checks`); `ConfigError` names each option at fault."""
    problems = consistency_problems(config)
    if problems:
        message = "; ".join(f"{option}: {reason}" for option, reason in problems)
        raise ConfigError(f"{source}: {message}", tuple(option for option, _ in problems))
    return config


def parse_config(text: str, source: str = "scms.toml") -> DeploymentConfig:
    """Validate TOML text as a deployment configuration."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML ({error})") from None
    try:
        config = DeploymentConfig.model_validate(data)
    except ValidationError as error:
        message, options = describe_validation_error(error)
        raise ConfigError(f"{source}: {message}", options) from None
    return check_config(config, source)


def load_config(path: Path) -> DeploymentConfig:
    """Read and validate `scms.toml`; `ConfigError` names the file and each bad option."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ConfigError(f"{path}: cannot read ({reason})") from None
    return parse_config(text, str(path))


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return _value(value.value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, BaseModel):
        return _value(value.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True))
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _comment(text: str | None) -> list[str]:
    if not text:
        return []
    return [f"# {line}" for line in textwrap.wrap(" ".join(text.split()), 112)]


def _is_table(value: object) -> bool:
    return isinstance(value, BaseModel) and not isinstance(value, _INLINE)


def _is_table_array(value: object) -> bool:
    return isinstance(value, tuple | list) and bool(value) and all(_is_table(item) for item in value)


def _model(model: BaseModel, path: str, lines: list[str]) -> None:
    """Append the options of `model` (the table at `path`, whose header the caller wrote) and its sub-tables."""
    later: list[tuple[str, str | None, object]] = []
    for name, field in type(model).model_fields.items():
        key, value = field.alias or name, getattr(model, name)
        if _is_table(value) or _is_table_array(value):
            later.append((key, field.description, value))
            continue
        lines.extend(_comment(field.description))
        if value is None:
            examples = field.examples or []
            lines.append(f"# {key} = {_value(examples[0])}" if examples else f"# {key} is unset")
        else:
            lines.append(f"{key} = {_value(value)}")
    for key, description, value in later:
        dotted = f"{path}.{key}" if path else key
        items = value if isinstance(value, tuple | list) else (value,)
        for item in items:
            assert isinstance(item, BaseModel)
            body: list[str] = []
            _model(item, dotted, body)
            if body and body[0] == "" and item is value:
                lines.extend(body)  # a table of tables only: its header is implied by theirs (TOML super-table)
                continue
            lines.append("")
            lines.extend(_comment(description or type(item).__doc__))
            lines.append(f"[[{dotted}]]" if item is not value else f"[{dotted}]")
            lines.extend(body)


def render_config(config: DeploymentConfig) -> str:
    """TOML text of `config`, every option written out with its description as a comment."""
    lines: list[str] = [_HEADER]
    _model(config, "", lines)
    return "\n".join(lines) + "\n"
