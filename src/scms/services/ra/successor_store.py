"""The RA's record of successor enrollment requests (1609.2.1 clauses 6.3.5.4, 6.3.5.5): accepted with its
forwarding job in one transaction (committed before it is acknowledged), then answered once by the ECA's response
or refusal (compare-and-set: accepted -> complete | refused). Times are Time32 arguments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row, bindparam, func, insert, select, update

from scms.crypto import HashedId8
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.services.common import begin_write, enqueue
from scms.services.ra.authorization_store import lock_requester
from scms.services.ra.authorization_tables import successor_requests

__all__ = ["SUCCESSOR_JOB", "StoredSuccessor", "SuccessorStore"]

SUCCESSOR_JOB = "ra.successor"
"""The kind of the job that forwards a successor request to the ECA."""


@dataclass(frozen=True, repr=False)
class StoredSuccessor:
    request_hash: HashedId8
    request_digest: bytes
    enrollment_id: HashedId8
    canonical_id: str
    eca_request: bytes
    """The inner EeEcaCertRequestSpdu, byte for byte as the EE signed it."""
    generation_time: Time32
    received_at: Time32
    next_dl_time: Time32
    ack: bytes
    response: bytes | None = None
    error: str | None = None
    """The `Ieee-1609.2.1-Error` value the ECA refused with."""
    state: str = "accepted"

    def __repr__(self) -> str:
        return f"StoredSuccessor({self.request_hash}, {self.state})"


def _stored(row: Row[Any]) -> StoredSuccessor:
    m = row._mapping
    return StoredSuccessor(
        HashedId8(bytes(m["request_hash"])), bytes(m["request_digest"]), HashedId8(bytes(m["enrollment_id"])),
        m["canonical_id"], bytes(m["eca_request"]), Time32(m["generation_time"]), Time32(m["received_at"]),
        Time32(m["next_dl_time"]), bytes(m["ack"]), None if m["response"] is None else bytes(m["response"]),
        m["error"], m["state"],
    )


_FIND = select(successor_requests).where(successor_requests.c.request_hash == bindparam("request_hash"))


class SuccessorStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, request_hash: HashedId8) -> StoredSuccessor | None:
        with self.engine.connect() as connection:
            row = connection.execute(_FIND, {"request_hash": bytes(request_hash)}).first()
        return None if row is None else _stored(row)

    def accept(self, request: StoredSuccessor, min_wait: int, *, now: dt.datetime, max_attempts: int
               ) -> StoredSuccessor:
        """Record `request` and its forwarding job, unless it comes within ra-minWait of the previous successor
        request of its enrollment certificate (400-711); the stored one when the same bytes came first."""
        table = successor_requests
        with begin_write(self.engine) as connection:
            lock_requester(connection, f"scms ra successor {request.enrollment_id}")
            row = connection.execute(_FIND, {"request_hash": bytes(request.request_hash)}).first()
            if row is not None:
                stored = _stored(row)
                if stored.request_digest != request.request_digest:
                    raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"another request has the hash {stored.request_hash}")
                return stored
            last = connection.execute(select(func.max(table.c.generation_time)).where(
                table.c.enrollment_id == bytes(request.enrollment_id))).scalar()
            if min_wait > 0 and last is not None and request.generation_time - last < min_wait:
                raise Ieee1609Error(ErrorCode.WITHIN_RA_MIN_WAIT, f"{request.generation_time - last} s after the "
                                    "previous successor request")
            connection.execute(insert(table).values(
                request_hash=bytes(request.request_hash), request_digest=request.request_digest,
                enrollment_id=bytes(request.enrollment_id), canonical_id=request.canonical_id,
                eca_request=request.eca_request, generation_time=int(request.generation_time),
                received_at=int(request.received_at), next_dl_time=int(request.next_dl_time), ack=request.ack,
                state="accepted",
            ))
            enqueue(connection, SUCCESSOR_JOB, request.request_hash.hex(), now=now, max_attempts=max_attempts)
        return request

    def answer(self, request_hash: HashedId8, response: bytes | None, error: ErrorCode | None, now: Time32) -> bool:
        """accepted -> complete (the ECA's response) or refused (its error); False if answered already."""
        state = "complete" if response is not None else "refused"
        with begin_write(self.engine) as connection:
            return connection.execute(
                update(successor_requests)
                .where(successor_requests.c.request_hash == bytes(request_hash),
                       successor_requests.c.state == "accepted")
                .values(state=state, response=response, error=None if error is None else error.header_value,
                        finished_at=int(now))).rowcount == 1
