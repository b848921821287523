"""The job rows and their state changes, each one compare-and-set statement (docs/services.md, "Job queue").

Every change of a running job names the lease it holds (owner and attempt number) in its WHERE clause; 0 rows
updated means the lease was lost (it expired and another worker claimed the job), and the change is not made.
Claiming is the same: read a few due jobs, then for each try `UPDATE ... WHERE id = ? AND attempts = <seen>` and
the job is ours only if one row changed. Time is an argument (`now`): the runner reads the clock, not this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Engine, and_, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from scms.services.common.database import begin_write
from scms.services.common.task_tables import JobState, jobs

__all__ = ["Job", "JobStore", "Lease", "enqueue"]

_MAX_DELAY = dt.timedelta(minutes=10)
_CANDIDATES = 8


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    payload_ref: str
    state: JobState
    attempts: int
    max_attempts: int
    lease_owner: str | None
    lease_expires: dt.datetime | None
    run_after: dt.datetime
    result: str | None
    error: str | None


@dataclass(frozen=True)
class Lease:
    """A claim on a job: valid while the row still says `running`, `owner` and `attempt`."""

    job: Job
    owner: str
    attempt: int
    expires: dt.datetime


# Built once (building an insert with its values costs more than running it): on a conflict nothing is inserted
# and nothing returned, so the existing job's id is read.
_ENQUEUE = {name: dialect.insert(jobs).on_conflict_do_nothing(index_elements=[jobs.c.kind, jobs.c.payload_ref])
            .returning(jobs.c.id) for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}
_JOB_ID = select(jobs.c.id).where(jobs.c.kind == bindparam("kind"), jobs.c.payload_ref == bindparam("payload_ref"))


def enqueue(connection: Connection, kind: str, payload_ref: str, *, now: dt.datetime, max_attempts: int,
            run_after: dt.datetime | None = None) -> int:
    """Add a job in the caller's transaction (commit it with the work it refers to); its id.

    Enqueuing an existing (kind, payload_ref) again changes nothing and gives the existing job's id.
    """
    values = {"kind": kind, "payload_ref": payload_ref, "state": JobState.PENDING.value, "attempts": 0,
              "max_attempts": max_attempts, "run_after": run_after or now, "created_at": now, "updated_at": now}
    statement = _ENQUEUE["postgresql" if connection.dialect.name == "postgresql" else "sqlite"]
    job_id: int | None = connection.execute(statement, values).scalar()
    if job_id is None:
        job_id = connection.execute(_JOB_ID, {"kind": kind, "payload_ref": payload_ref}).scalar_one()
    return job_id


class JobStore:
    """The state changes of jobs in one component's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, job_id: int) -> Job:
        with self.engine.connect() as connection:
            return _job(connection, job_id)

    def claim(self, owner: str, *, kinds: Collection[str], now: dt.datetime, lease: dt.timedelta,
              job_id: int | None = None) -> Lease | None:
        """Claim one due job of `kinds` (or job `job_id`, as a broker would deliver it); None if there is none.

        A job whose lease expired is due again, unless it has used its attempts: then it is marked failed.
        """
        self._fail_exhausted(now)
        query = select(jobs.c.id, jobs.c.attempts).where(jobs.c.kind.in_(kinds), _claimable(now))
        if job_id is not None:
            query = query.where(jobs.c.id == job_id)
        with self.engine.connect() as connection:
            candidates = connection.execute(query.order_by(jobs.c.run_after, jobs.c.id).limit(_CANDIDATES)).all()
        for candidate_id, seen_attempts in candidates:
            with begin_write(self.engine) as connection:
                changed = connection.execute(
                    update(jobs)
                    .where(jobs.c.id == candidate_id, jobs.c.attempts == seen_attempts, _claimable(now))
                    .values(state=JobState.RUNNING.value, attempts=seen_attempts + 1, lease_owner=owner,
                            lease_expires=now + lease, updated_at=now)).rowcount
                if changed == 1:
                    job = _job(connection, candidate_id)
                    return Lease(job=job, owner=owner, attempt=seen_attempts + 1, expires=now + lease)
        return None

    def renew(self, held: Lease, *, now: dt.datetime, lease: dt.timedelta) -> Lease | None:
        """Extend a lease still held; None if it was lost."""
        if not self._change(held, lease_expires=now + lease, updated_at=now):
            return None
        return Lease(job=held.job, owner=held.owner, attempt=held.attempt, expires=now + lease)

    def complete(self, held: Lease, result: str | None, *, now: dt.datetime) -> bool:
        """Record success; False (and nothing changed) if the lease was lost or the job is already finished."""
        return self._change(held, state=JobState.SUCCEEDED.value, result=result, error=None, lease_owner=None,
                            lease_expires=None, updated_at=now)

    def fail(self, held: Lease, error: str, *, now: dt.datetime, retry_delay: dt.timedelta) -> JobState | None:
        """Record a failed attempt: pending again after a doubling delay, or failed once attempts are used up.

        `error` is what the log may say (a class name), never a message. None if the lease was lost.
        """
        if held.attempt >= held.job.max_attempts:
            state, run_after = JobState.FAILED, now
        else:
            state, run_after = JobState.PENDING, now + min(retry_delay * 2 ** (held.attempt - 1), _MAX_DELAY)
        changed = self._change(held, state=state.value, error=error, run_after=run_after, lease_owner=None,
                               lease_expires=None, updated_at=now)
        return state if changed else None

    def release(self, held: Lease, *, now: dt.datetime) -> bool:
        """Give a job back unfinished (the runner is stopping); the attempt stays counted."""
        return self._change(held, state=JobState.PENDING.value, run_after=now, lease_owner=None,
                            lease_expires=None, updated_at=now)

    def _change(self, held: Lease, **values: object) -> bool:
        with begin_write(self.engine) as connection:
            return connection.execute(
                update(jobs)
                .where(jobs.c.id == held.job.id, jobs.c.state == JobState.RUNNING.value,
                       jobs.c.lease_owner == held.owner, jobs.c.attempts == held.attempt)
                .values(**values)).rowcount == 1

    def _fail_exhausted(self, now: dt.datetime) -> None:
        with begin_write(self.engine) as connection:
            connection.execute(
                update(jobs)
                .where(jobs.c.state == JobState.RUNNING.value, jobs.c.lease_expires <= now,
                       jobs.c.attempts >= jobs.c.max_attempts)
                .values(state=JobState.FAILED.value, error="lease expired on the last attempt", lease_owner=None,
                        lease_expires=None, updated_at=now))


def _claimable(now: dt.datetime) -> ColumnElement[bool]:
    return or_(
        and_(jobs.c.state == JobState.PENDING.value, jobs.c.run_after <= now),
        and_(jobs.c.state == JobState.RUNNING.value, jobs.c.lease_expires <= now,
             jobs.c.attempts < jobs.c.max_attempts),
    )


def _job(connection: Connection, job_id: int) -> Job:
    row = connection.execute(select(jobs).where(jobs.c.id == job_id)).one()
    return Job(id=row.id, kind=row.kind, payload_ref=row.payload_ref, state=JobState(row.state),
               attempts=row.attempts, max_attempts=row.max_attempts, lease_owner=row.lease_owner,
               lease_expires=row.lease_expires, run_after=row.run_after, result=row.result, error=row.error)
