"""When the RA generates each i-period of a request and when the EE may download it (1609.2.1 clause 4.3
`ra-maxPreloadTime`; clauses 6.3.5.2, 8.2 `nextDlTime`). Pure functions of the policy parameters and times.

An i-period is generated once its certificates start within ra-maxPreloadTime of now: at once for the periods
already that close when the request is accepted, later (a job due at `start(i) - ra-maxPreloadTime`) for the
others. The EE is told to come back (`nextDlTime`) when a batch should be ready: the moment it is due plus the
configured generation delay. A request's last batch names the start of the i-period after it: by then the EE
needs a new request.
"""

from __future__ import annotations

from scms.deployment import PolicyParameters
from scms.dot2.time import Time32

__all__ = ["due_at", "due_periods", "ready_time"]


def due_at(parameters: PolicyParameters, i: int) -> Time32:
    """When i-period i comes within ra-maxPreloadTime (0 floor)."""
    return Time32(max(0, parameters.i_periods().start(i) - parameters.ra_max_preload_time))


def due_periods(parameters: PolicyParameters, periods: range, now: Time32) -> tuple[range, int | None]:
    """The periods of `periods` to generate at `now`, and the first one to generate later (None: none left)."""
    later = next((i for i in periods if due_at(parameters, i) > now), None)
    if later is None:
        return periods, None
    return range(periods.start, later), later


def ready_time(parameters: PolicyParameters, delay: int, accepted_at: Time32, i: int | None) -> Time32:
    """nextDlTime for i-period i of a request accepted at `accepted_at` (i None: a non-butterfly request)."""
    if i is None:
        return Time32(accepted_at + delay)
    return Time32(max(int(accepted_at), int(due_at(parameters, i))) + delay)
