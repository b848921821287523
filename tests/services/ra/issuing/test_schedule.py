"""The RA's preload schedule (which i-periods are due when; nextDlTime). The verified-chain memory is
`scms.services.common.VerifiedChains` (tests/services/common/test_verified_chains.py)."""

from __future__ import annotations

from scms.deployment import PolicyParameters
from scms.dot2.time import Time32
from scms.services.ra.schedule import due_at, due_periods, ready_time

WEEK = 604_800


def test_periods_come_due_within_ra_max_preload_time() -> None:
    parameters = PolicyParameters.model_validate({"ra-maxPreloadTime": 2 * WEEK})
    periods = parameters.i_periods()
    now = Time32(periods.start(600) + 10)
    assert due_at(parameters, 602) == periods.start(600)
    assert due_periods(parameters, range(600, 606), now) == (range(600, 603), 603)
    assert due_periods(parameters, range(600, 602), now) == (range(600, 602), None)
    assert ready_time(parameters, 2, now, 601) == now + 2                      # due already: at once
    assert ready_time(parameters, 2, now, 604) == periods.start(602) + 2       # due in two weeks
    assert ready_time(parameters, 2, now, None) == now + 2
