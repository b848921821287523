"""IEEE 1609.2 time: Time32 (TAI seconds) and Time64 (TAI microseconds) since 2004-01-01T00:00:00Z, and i-periods.

1609.2 counts leap seconds (TAI, not UTC): Time32 = Unix time - 1072915200 + L, where L is the number of leap
seconds inserted since 2004-01-01 (standards-notes §1.2). The table below is the IERS record; a deployment that
must follow a different one passes its own `LeapSeconds` (it is published in the policy).

Nothing here reads a clock: callers pass Unix time or a datetime (DESIGN: time is an argument).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

__all__ = [
    "DEFAULT_LEAP_SECONDS",
    "TAI_EPOCH_UNIX",
    "US_IPERIOD_EPOCH",
    "US_IPERIOD_LENGTH",
    "IPeriods",
    "IValue",
    "LeapSeconds",
    "Time32",
    "Time64",
]

TAI_EPOCH_UNIX = 1072915200
"""2004-01-01T00:00:00Z as Unix time: the 1609.2 epoch."""

US_IPERIOD_LENGTH = 604800
"""One week in seconds (`time-iPeriodLength`)."""


@dataclass(frozen=True)
class LeapSeconds:
    """Leap seconds inserted since 2004-01-01: a sorted tuple of (Unix time from which the count holds, count)."""

    steps: tuple[tuple[int, int], ...]

    def at_unix(self, unix_seconds: float) -> int:
        """L in force at a Unix (UTC) instant."""
        count = 0
        for since, value in self.steps:
            if unix_seconds >= since:
                count = value
        return count

    def at_tai(self, tai_seconds_since_2004: float) -> int:
        """L in force at a 1609.2 instant (seconds since 2004 including the leap seconds already inserted)."""
        count = 0
        for since, value in self.steps:
            if tai_seconds_since_2004 >= since - TAI_EPOCH_UNIX + value:
                count = value
        return count

    @classmethod
    def fixed(cls, count: int) -> LeapSeconds:
        """A constant L, for deployments that publish one number in their policy."""
        return cls(((0, count),))


DEFAULT_LEAP_SECONDS = LeapSeconds(
    (
        (1136073600, 1),  # 2006-01-01
        (1230768000, 2),  # 2009-01-01
        (1341100800, 3),  # 2012-07-01
        (1435708800, 4),  # 2015-07-01
        (1483228800, 5),  # 2017-01-01
    )
)


class Time32(int):
    """Uint32 TAI seconds since 2004-01-01 (1609.2 `Time32`)."""

    def __new__(cls, value: int) -> Time32:
        if not 0 <= value <= 0xFFFFFFFF:
            raise ValueError(f"Time32 out of range: {value}")
        return super().__new__(cls, value)

    @classmethod
    def from_unix(cls, unix_seconds: float, leap: LeapSeconds = DEFAULT_LEAP_SECONDS) -> Time32:
        return cls(int(unix_seconds) - TAI_EPOCH_UNIX + leap.at_unix(unix_seconds))

    @classmethod
    def from_datetime(cls, when: _dt.datetime, leap: LeapSeconds = DEFAULT_LEAP_SECONDS) -> Time32:
        if when.tzinfo is None:
            raise ValueError("a naive datetime is ambiguous; pass an aware (UTC) datetime")
        return cls.from_unix(when.timestamp(), leap)

    def to_unix(self, leap: LeapSeconds = DEFAULT_LEAP_SECONDS) -> int:
        return int(self) + TAI_EPOCH_UNIX - leap.at_tai(int(self))

    def to_datetime(self, leap: LeapSeconds = DEFAULT_LEAP_SECONDS) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(self.to_unix(leap), tz=_dt.UTC)

    def __repr__(self) -> str:
        return f"Time32({int(self)})"


class Time64(int):
    """Uint64 TAI microseconds since 2004-01-01 (1609.2 `Time64`, used for generationTime)."""

    def __new__(cls, value: int) -> Time64:
        if not 0 <= value <= 0xFFFFFFFFFFFFFFFF:
            raise ValueError(f"Time64 out of range: {value}")
        return super().__new__(cls, value)

    @classmethod
    def from_unix(cls, unix_seconds: float, leap: LeapSeconds = DEFAULT_LEAP_SECONDS) -> Time64:
        micros = round((unix_seconds - TAI_EPOCH_UNIX) * 1_000_000)
        return cls(micros + leap.at_unix(unix_seconds) * 1_000_000)

    @classmethod
    def from_time32(cls, t: Time32) -> Time64:
        return cls(int(t) * 1_000_000)

    def to_time32(self) -> Time32:
        return Time32(int(self) // 1_000_000)

    def to_unix(self, leap: LeapSeconds = DEFAULT_LEAP_SECONDS) -> float:
        seconds = int(self) / 1_000_000
        return seconds + TAI_EPOCH_UNIX - leap.at_tai(seconds)

    def __repr__(self) -> str:
        return f"Time64({int(self)})"


US_IPERIOD_EPOCH = Time32(347619603)
"""The US i-period epoch, 2015-01-06T09:00:00Z (`time-iPeriodEpoch`)."""


class IValue(int):
    """An i-period number (1609.2 `IValue`, Uint16)."""

    def __new__(cls, value: int) -> IValue:
        if not 0 <= value <= 0xFFFF:
            raise ValueError(f"IValue out of range: {value}")
        return super().__new__(cls, value)

    def __repr__(self) -> str:
        return f"IValue({int(self)})"


@dataclass(frozen=True)
class IPeriods:
    """The i-period grid of a deployment: `time-iPeriodEpoch` and `time-iPeriodLength` (1609.2.1 Table 1)."""

    epoch: Time32 = US_IPERIOD_EPOCH
    length: int = US_IPERIOD_LENGTH

    def i_at(self, now: Time32) -> IValue:
        """The i-period containing `now` (raises before the epoch)."""
        if now < self.epoch:
            raise ValueError(f"{now!r} is before the i-period epoch {self.epoch!r}")
        return IValue((now - self.epoch) // self.length)

    def start(self, i: int) -> Time32:
        """First second of i-period i: the `validityPeriod.start` of its pseudonym certificates."""
        return Time32(self.epoch + int(i) * self.length)
