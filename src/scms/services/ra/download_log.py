"""download-maxReqs and download-minWait (1609.2.1 clause 4.3, the global policy's `download-*` parameters): the
download requests an enrollment certificate may make.

`DownloadLog.admit(enrollment_id, generation_time, limits)`, in one write transaction (serialised per enrollment
certificate, so two concurrent downloads cannot both take the last place):
1. count the admitted download requests of that enrollment certificate whose generationTime falls in the
   RATE_WINDOW (7 x 24 h) before this one's: `max_reqs` of them already -> 400-75 (outside download-maxReqs);
2. the latest of them less than `min_wait` seconds before this one -> 400-76 (within download-minWait);
3. record this one.
Like ra-maxReqs, they count by generationTime (the signed time the EE gives, checked against download-maxAge
before this runs), per enrollment certificate, never per IP address. A refused request is not recorded, so a
device that backs off gets in again. Every authenticated download request counts, "not yet" answers included:
an EE that polls faster than the nextDlTime it was given spends its own allowance (docs/conformance.md).

Rows older than two windows are deleted as the same enrollment certificate makes new requests: the table holds at
most `max_reqs` rows per certificate and window, without a purge job.
"""

from __future__ import annotations

from sqlalchemy import Engine, bindparam, delete, func, insert, select

from scms.crypto import HashedId8
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.services.common import begin_write
from scms.services.ra.authorization_store import RATE_WINDOW, RaLimits, lock_requester
from scms.services.ra.authorization_tables import download_requests

__all__ = ["DownloadLog"]

_TABLE = download_requests
_COUNT = (
    select(func.count(), func.max(_TABLE.c.generation_time))
    .where(_TABLE.c.enrollment_id == bindparam("enrollment_id"), _TABLE.c.generation_time > bindparam("since"))
)
_FORGET = delete(_TABLE).where(_TABLE.c.enrollment_id == bindparam("enrollment_id"),
                               _TABLE.c.generation_time <= bindparam("before"))
_RECORD = insert(_TABLE)


class DownloadLog:
    """The admitted download requests of the RA's database (`ra_download_requests`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def admit(self, enrollment_id: HashedId8, generation_time: Time32, limits: RaLimits) -> None:
        """Steps 1-3 of the module docstring; raises Ieee1609Error 400-75 / 400-76 and records nothing then."""
        generated, key = int(generation_time), bytes(enrollment_id)
        with begin_write(self.engine) as connection:
            lock_requester(connection, f"download:{enrollment_id.hex()}")
            connection.execute(_FORGET, {"enrollment_id": key, "before": generated - 2 * RATE_WINDOW})
            recent, last = connection.execute(_COUNT, {"enrollment_id": key,
                                                       "since": generated - RATE_WINDOW}).one()
            if recent >= limits.max_reqs:
                raise Ieee1609Error(ErrorCode.OUTSIDE_DOWNLOAD_MAX_REQS,
                                    f"{recent} download requests in {RATE_WINDOW} s")
            if limits.min_wait > 0 and last is not None and generated - last < limits.min_wait:
                raise Ieee1609Error(ErrorCode.WITHIN_DOWNLOAD_MIN_WAIT,
                                    f"{generated - last} s after the previous download request")
            connection.execute(_RECORD, {"enrollment_id": key, "generation_time": generated})
