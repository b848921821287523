"""Job rows on SQLite and PostgreSQL: compare-and-set claims, leases that expire, bounded retries, idempotence."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from scms.services.common import JobState, JobStore, Lease, begin_write, enqueue, migrate_to_head

DEMO = Path(__file__).parent / "demo_migrations"
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=30)
KINDS = ("demo.work",)


@pytest.fixture
def store(engine: Engine) -> JobStore:
    migrate_to_head(engine, "demo", scripts=DEMO)
    return JobStore(engine)


def add(store: JobStore, ref: str, *, max_attempts: int = 3, at: dt.datetime = T0) -> int:
    with begin_write(store.engine) as connection:
        return enqueue(connection, "demo.work", ref, now=at, max_attempts=max_attempts)


def test_enqueue_is_idempotent_per_kind_and_reference(store: JobStore) -> None:
    first = add(store, "request-1")
    assert add(store, "request-1") == first
    assert add(store, "request-2") != first
    job = store.get(first)
    assert (job.state, job.attempts, job.payload_ref, job.run_after) == (JobState.PENDING, 0, "request-1", T0)


def test_enqueue_joins_the_callers_transaction(store: JobStore) -> None:
    with pytest.raises(RuntimeError), begin_write(store.engine) as connection:
        enqueue(connection, "demo.work", "rolled-back", now=T0, max_attempts=3)
        raise RuntimeError("the request was not committed, so neither is its job")
    assert store.claim("w", kinds=KINDS, now=T0, lease=LEASE) is None


def test_a_claimed_job_is_not_claimed_again_while_its_lease_holds(store: JobStore) -> None:
    job_id = add(store, "r")
    lease = store.claim("worker-a", kinds=KINDS, now=T0, lease=LEASE)
    assert lease is not None and lease.job.id == job_id and lease.attempt == 1
    assert lease.job.state is JobState.RUNNING and lease.expires == T0 + LEASE
    assert store.claim("worker-b", kinds=KINDS, now=T0 + LEASE - dt.timedelta(seconds=1), lease=LEASE) is None
    assert store.claim("worker-a", kinds=("other.kind",), now=T0, lease=LEASE) is None


def test_competing_claimers_never_share_a_job(store: JobStore) -> None:
    """Four threads claim and complete as fast as they can; each job is claimed exactly once."""
    job_ids = {add(store, f"r{n}") for n in range(40)}
    claimed: Counter[int] = Counter()
    barrier = threading.Barrier(4)
    lock = threading.Lock()

    def work(owner: str) -> None:
        barrier.wait()
        while (lease := store.claim(owner, kinds=KINDS, now=T0, lease=LEASE)) is not None:
            with lock:
                claimed[lease.job.id] += 1
            assert store.complete(lease, owner, now=T0)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(claimed) == job_ids and set(claimed.values()) == {1}
    assert {store.get(job_id).state for job_id in job_ids} == {JobState.SUCCEEDED}


def test_two_claimers_that_saw_the_same_job_get_it_once(store: JobStore) -> None:
    """Both read the job as due before either writes; the compare-and-set lets exactly one of them have it."""
    job_id = add(store, "r")
    both_have_read = threading.Barrier(2, timeout=10)

    @event.listens_for(store.engine, "after_execute")
    def hold(_conn: object, clause: object, *_args: object) -> None:
        if str(clause).startswith("SELECT scms_jobs.id, scms_jobs.attempts"):
            both_have_read.wait()

    results: dict[str, Lease | None] = {}

    def claim(owner: str) -> None:
        results[owner] = store.claim(owner, kinds=KINDS, now=T0, lease=LEASE)

    threads = [threading.Thread(target=claim, args=(owner,)) for owner in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    event.remove(store.engine, "after_execute", hold)
    winners = [lease for lease in results.values() if lease is not None]
    assert len(results) == 2 and len(winners) == 1
    assert winners[0].job.id == job_id and store.get(job_id).lease_owner == winners[0].owner


def test_an_expired_lease_is_claimed_again_and_the_old_holder_loses_it(store: JobStore) -> None:
    job_id = add(store, "r")
    dead = store.claim("dead-worker", kinds=KINDS, now=T0, lease=LEASE)
    assert dead is not None
    later = T0 + LEASE + dt.timedelta(seconds=1)
    alive = store.claim("live-worker", kinds=KINDS, now=later, lease=LEASE)
    assert alive is not None and alive.job.id == job_id and alive.attempt == 2
    assert store.renew(dead, now=later, lease=LEASE) is None
    assert store.fail(dead, "Boom", now=later, retry_delay=dt.timedelta(0)) is None
    assert store.complete(dead, "from the dead", now=later) is False
    assert store.complete(alive, "from the living", now=later) is True
    job = store.get(job_id)
    assert (job.state, job.result, job.attempts, job.lease_owner) == (JobState.SUCCEEDED, "from the living", 2, None)


def test_renewing_keeps_the_lease(store: JobStore) -> None:
    add(store, "r")
    lease = store.claim("a", kinds=KINDS, now=T0, lease=LEASE)
    assert lease is not None
    renewed = store.renew(lease, now=T0 + dt.timedelta(seconds=25), lease=LEASE)
    assert renewed is not None and renewed.expires == T0 + dt.timedelta(seconds=55)
    assert store.claim("b", kinds=KINDS, now=T0 + dt.timedelta(seconds=40), lease=LEASE) is None


def test_completion_is_idempotent(store: JobStore) -> None:
    job_id = add(store, "r")
    lease = store.claim("a", kinds=KINDS, now=T0, lease=LEASE)
    assert lease is not None
    assert store.complete(lease, "first", now=T0) is True
    assert store.complete(lease, "second", now=T0) is False
    assert store.get(job_id).result == "first"
    assert store.claim("b", kinds=KINDS, now=T0 + 10 * LEASE, lease=LEASE) is None


def test_failures_are_retried_with_growing_delay_up_to_the_bound(store: JobStore) -> None:
    job_id = add(store, "r", max_attempts=3)
    delay = dt.timedelta(seconds=10)
    now = T0
    for attempt, expected, wait in ((1, JobState.PENDING, 10), (2, JobState.PENDING, 20), (3, JobState.FAILED, 0)):
        lease = store.claim("a", kinds=KINDS, now=now, lease=LEASE)
        assert lease is not None and lease.attempt == attempt
        assert store.fail(lease, "ValueError", now=now, retry_delay=delay) is expected
        if wait:
            assert store.claim("a", kinds=KINDS, now=now + dt.timedelta(seconds=wait - 1), lease=LEASE) is None
        now += dt.timedelta(seconds=wait)
    job = store.get(job_id)
    assert (job.state, job.attempts, job.error) == (JobState.FAILED, 3, "ValueError")
    assert store.claim("a", kinds=KINDS, now=now + dt.timedelta(days=1), lease=LEASE) is None


def test_a_lease_expiring_on_the_last_attempt_fails_the_job(store: JobStore) -> None:
    job_id = add(store, "r", max_attempts=1)
    assert store.claim("dead", kinds=KINDS, now=T0, lease=LEASE) is not None
    assert store.claim("b", kinds=KINDS, now=T0 + 2 * LEASE, lease=LEASE) is None
    job = store.get(job_id)
    assert (job.state, job.attempts, job.error) == (JobState.FAILED, 1, "lease expired on the last attempt")


def test_a_broker_delivered_id_claims_that_job_only(store: JobStore) -> None:
    first, second = add(store, "r1"), add(store, "r2")
    lease = store.claim("a", kinds=KINDS, now=T0, lease=LEASE, job_id=second)
    assert lease is not None and lease.job.id == second
    assert store.claim("b", kinds=KINDS, now=T0, lease=LEASE, job_id=second) is None
    assert store.get(first).state is JobState.PENDING


def test_released_jobs_are_due_at_once_and_future_jobs_wait(store: JobStore) -> None:
    with begin_write(store.engine) as connection:
        later = enqueue(connection, "demo.work", "later", now=T0, max_attempts=3, run_after=T0 + LEASE)
    add(store, "now")
    lease = store.claim("a", kinds=KINDS, now=T0, lease=LEASE)
    assert lease is not None and lease.job.payload_ref == "now"
    assert store.release(lease, now=T0) is True
    again = store.claim("b", kinds=KINDS, now=T0, lease=LEASE)
    assert again is not None and again.job.payload_ref == "now" and again.attempt == 2
    assert store.claim("b", kinds=KINDS, now=T0, lease=LEASE) is None
    assert store.complete(again, None, now=T0)
    delayed = store.claim("b", kinds=KINDS, now=T0 + LEASE, lease=LEASE)
    assert delayed is not None and delayed.job.id == later
