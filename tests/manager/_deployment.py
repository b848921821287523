"""A deployment made once per test module with a fixed clock (init is the thing under test)."""

from __future__ import annotations

import datetime as dt

from scms.dot2.time import Time32

NOW = Time32.from_datetime(dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC))
LATER = Time32(NOW + 86_400)
LATER_ISO = LATER.to_datetime().strftime("%Y-%m-%dT%H:%M:%SZ")

COMPONENTS = ("root", "crl-signer", "ica", "eca", "ra", "aca", "la1", "la2", "ma")
