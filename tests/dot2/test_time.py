"""Time32 / Time64 / i-period arithmetic against fixed points of the real US deployment."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scms.dot2.time import DEFAULT_LEAP_SECONDS, IPeriods, IValue, LeapSeconds, Time32, Time64


def test_us_iperiod_epoch_is_2015_01_06_0900_utc_with_three_leap_seconds() -> None:
    # standards-notes §1.2: 2015-01-06T09:00:00Z = Time32 347619603 needs L = 3.
    when = dt.datetime(2015, 1, 6, 9, 0, 0, tzinfo=dt.UTC)
    assert Time32.from_datetime(when) == 347619603
    assert Time32(347619603).to_datetime() == when


def test_leap_second_count_follows_the_iers_record() -> None:
    assert DEFAULT_LEAP_SECONDS.at_unix(dt.datetime(2005, 6, 1, tzinfo=dt.UTC).timestamp()) == 0
    assert DEFAULT_LEAP_SECONDS.at_unix(dt.datetime(2016, 6, 1, tzinfo=dt.UTC).timestamp()) == 4
    assert DEFAULT_LEAP_SECONDS.at_unix(dt.datetime(2026, 11, 22, tzinfo=dt.UTC).timestamp()) == 5


def test_fixed_leap_seconds_override() -> None:
    unix = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
    assert Time32.from_unix(unix, LeapSeconds.fixed(0)) + 5 == Time32.from_unix(unix)


def test_real_pseudonym_certificate_iperiod_142() -> None:
    # ghs-butterfly-pseudonym: validityPeriod.start = 347619603 + i * 604800 for i = 142.
    grid = IPeriods()
    start = grid.start(142)
    assert start == 347619603 + 142 * 604800
    assert grid.i_at(start) == 142
    assert grid.i_at(Time32(start + 604799)) == 142
    assert grid.i_at(Time32(start + 604800)) == 143


def test_before_epoch_and_out_of_range_values_raise() -> None:
    with pytest.raises(ValueError, match="before the i-period epoch"):
        IPeriods().i_at(Time32(0))
    with pytest.raises(ValueError):
        Time32(2**32)
    with pytest.raises(ValueError):
        IValue(70000)
    with pytest.raises(ValueError, match="naive"):
        Time32.from_datetime(dt.datetime(2020, 1, 1))


@given(st.integers(min_value=1072915200, max_value=1072915200 + 2**31))
def test_time32_unix_round_trip(unix: int) -> None:
    assert Time32.from_unix(unix).to_unix() == unix


@given(st.integers(min_value=0, max_value=2**31))
def test_time64_and_time32_agree(seconds: int) -> None:
    t32 = Time32(seconds)
    assert Time64.from_time32(t32).to_time32() == t32
