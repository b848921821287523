"""The ACA's record of requests (table `aca_requests`; issue exactly once, style rule 10).

    states(digests)            where each request stands: received (with its job), issued, refused, or unknown
    answers(digests)           the stored answers (responses and refusal codes)
    receive(requests, now)     the unknown ones recorded with one job to answer them, in one transaction
    adopt(digests, job, now)   requests whose job failed for good, given to a new job
    pending(job_id)            what a job still has to answer
    finish(job_id, answers)    received -> issued / refused, by compare-and-set on (state, job)
    forget_refusals(digests)   a refusal once answered (a retry is verified afresh)

Every change is one statement whose WHERE names the state it expects, so a worker whose lease expired (its job
taken over) changes nothing, and the first stored answer is the one every retry gets. Time is an argument.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import Engine, and_, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from scms.dot2.errors import ErrorCode
from scms.services.aca.tables import requests
from scms.services.common import begin_write, enqueue

__all__ = ["JOB_KIND", "RequestState", "RequestStore", "StoredRequest"]

JOB_KIND = "aca.issue"
"""The kind of the jobs that verify and answer received requests."""
_ATTEMPTS = 3
_CODES = {code.header_value: code for code in ErrorCode}


class RequestState(Enum):
    RECEIVED = "received"
    ISSUED = "issued"
    REFUSED = "refused"


@dataclass(frozen=True)
class StoredRequest:
    state: RequestState
    job_id: int | None
    """The job answering it, while received."""

    @property
    def answered(self) -> bool:
        return self.state is not RequestState.RECEIVED


class RequestStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def states(self, digests: Collection[bytes]) -> dict[bytes, StoredRequest]:
        c = requests.c
        query = select(c.request_digest, c.state, c.job_id).where(c.request_digest.in_(digests))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return {bytes(digest): StoredRequest(RequestState(state), job_id) for digest, state, job_id in rows}

    def answers(self, digests: Collection[bytes]) -> dict[bytes, bytes | ErrorCode]:
        """The AcaRaCertResponseSpdu of each issued request and the code of each refused one among `digests`."""
        c = requests.c
        query = select(c.request_digest, c.response, c.error).where(
            c.request_digest.in_(digests), c.state != RequestState.RECEIVED.value)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return {bytes(digest): bytes(response) if response is not None else _CODES[error]
                for digest, response, error in rows}

    def receive(self, received: Mapping[bytes, bytes], now: dt.datetime) -> int | None:
        """Record the requests (digest -> SPDU) not stored yet, with a new job for them; the job's id, or None when
        every one was stored already (by another call)."""
        with begin_write(self.engine) as connection:
            known = set(connection.execute(select(requests.c.request_digest)
                                           .where(requests.c.request_digest.in_(received))).scalars())
            new = [(digest, spdu) for digest, spdu in received.items() if digest not in known]
            if not new:
                return None
            job_id = enqueue(connection, JOB_KIND, _job_reference(), now=now, max_attempts=_ATTEMPTS)
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            hour = now.replace(minute=0, second=0, microsecond=0)
            connection.execute(
                dialect.insert(requests).on_conflict_do_nothing(index_elements=[requests.c.request_digest]),
                [{"request_digest": d, "state": RequestState.RECEIVED.value, "job_id": job_id, "request": spdu,
                  "received_hour": hour} for d, spdu in new])
        return job_id

    def adopt(self, digests: Collection[bytes], failed_job: int, now: dt.datetime) -> int:
        """Give the requests still waiting on `failed_job` to a new job; its id."""
        with begin_write(self.engine) as connection:
            job_id = enqueue(connection, JOB_KIND, _job_reference(), now=now, max_attempts=_ATTEMPTS)
            connection.execute(update(requests).where(
                requests.c.request_digest.in_(digests), requests.c.job_id == failed_job,
                requests.c.state == RequestState.RECEIVED.value).values(job_id=job_id))
        return job_id

    def pending(self, job_id: int) -> list[tuple[bytes, bytes]]:
        """(digest, SPDU) of each request `job_id` has still to answer."""
        c = requests.c
        query = select(c.request_digest, c.request).where(c.job_id == job_id, c.state == RequestState.RECEIVED.value)
        with self.engine.connect() as connection:
            return [(bytes(digest), bytes(spdu)) for digest, spdu in connection.execute(query)]

    def finish(self, job_id: int, answers: Sequence[tuple[bytes, bytes | ErrorCode]]) -> None:
        """Store each answer of `job_id` (received -> issued or refused); an answer to a request already answered,
        or taken over by another job, is dropped."""
        if not answers:
            return
        c = requests.c
        statement = update(requests).where(
            and_(c.request_digest == bindparam("digest"), c.job_id == job_id, c.state == RequestState.RECEIVED.value)
        ).values(state=bindparam("new_state"), response=bindparam("new_response"), error=bindparam("new_error"),
                 request=None, job_id=None)
        rows = [_answer_row(digest, answer) for digest, answer in answers]
        with begin_write(self.engine) as connection:
            connection.execute(statement, rows)

    def forget_refusals(self, digests: Collection[bytes]) -> None:
        if digests:
            with begin_write(self.engine) as connection:
                connection.execute(delete(requests).where(requests.c.request_digest.in_(digests),
                                                          requests.c.state == RequestState.REFUSED.value))


def _job_reference() -> str:
    """An opaque, random name for a job's work: it says nothing about the requests or where they came from."""
    return f"requests {secrets.token_hex(8)}"


def _answer_row(digest: bytes, answer: bytes | ErrorCode) -> dict[str, object]:
    if isinstance(answer, ErrorCode):
        return {"digest": digest, "new_state": RequestState.REFUSED.value, "new_response": None,
                "new_error": answer.header_value}
    return {"digest": digest, "new_state": RequestState.ISSUED.value, "new_response": answer, "new_error": None}

