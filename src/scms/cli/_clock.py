"""The clock, read at the edge for the deployment commands: `--at` as given, or now with the deployment's
`time-leapSeconds` (Time32 is TAI, 1609.2 §6.4.12), as `scms init` does."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from scms.deployment import ConfigError, load_config
from scms.deployment.layout import CONFIG_FILE
from scms.dot2.time import DEFAULT_LEAP_SECONDS, LeapSeconds, Time32

__all__ = ["deployment_now", "parse_at"]


def parse_at(text: str) -> Time32:
    """An ISO 8601 time (UTC unless it says otherwise); ValueError naming the text otherwise."""
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return Time32.from_datetime(when if when.tzinfo else when.replace(tzinfo=dt.UTC))
    except ValueError as error:
        raise ValueError(f"--at {text!r} is not an ISO 8601 time such as 2026-05-01T12:00:00Z ({error})") from None


def deployment_now(directory: Path, at: str | None = None) -> Time32:
    """`at` if given, else now with the leap seconds of DIR/scms.toml (the default count if it does not load)."""
    if at is not None:
        return parse_at(at)
    try:
        leap = LeapSeconds.fixed(load_config(directory / CONFIG_FILE).policy.leap_seconds)
    except ConfigError:
        leap = DEFAULT_LEAP_SECONDS  # the commands themselves report the broken configuration
    return Time32.from_unix(time.time(), leap)
