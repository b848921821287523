"""The in-process runner on SQLite and PostgreSQL: competing runners, dead workers, retries, the process pool."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scms.services.common import (
    DatabaseSettings,
    Handler,
    Job,
    JobContext,
    JobState,
    JobStore,
    RunnerSettings,
    begin_write,
    create_database_engine,
    create_runner,
    enqueue,
    migrate_to_head,
)
from scms.services.common.tasks import utc_now

pytestmark = pytest.mark.anyio
DEMO = Path(__file__).parent / "demo_migrations"
LOG = logging.getLogger("scms.services.demo")
FAST = RunnerSettings(concurrency=2, poll_interval_s=0.05, lease_s=5, retry_delay_s=0, shutdown_grace_s=0.2)


@pytest.fixture
def store(engine: Engine) -> JobStore:
    migrate_to_head(engine, "demo", scripts=DEMO)
    return JobStore(engine)


def add(store: JobStore, refs: list[str], *, kind: str = "demo.work", max_attempts: int = 3) -> list[int]:
    with begin_write(store.engine) as connection:
        return [enqueue(connection, kind, ref, now=utc_now(), max_attempts=max_attempts) for ref in refs]


async def settled(store: JobStore, job_ids: list[int], timeout: float = 10) -> list[Job]:
    """Wait until every job is succeeded or failed; the jobs."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        jobs = [store.get(job_id) for job_id in job_ids]
        if all(job.state in (JobState.SUCCEEDED, JobState.FAILED) for job in jobs):
            return jobs
        assert asyncio.get_running_loop().time() < deadline, "jobs did not settle in time"
        await asyncio.sleep(0.02)


async def test_two_runners_share_the_jobs_and_run_each_once(store: JobStore) -> None:
    runs: Counter[int] = Counter()
    owners: set[str] = set()

    def handler_for(owner: str) -> Handler:
        async def handle(job: Job, _context: JobContext) -> str:
            runs[job.id] += 1
            owners.add(owner)
            await asyncio.sleep(0.01)
            return owner
        return handle

    runners = [create_runner(RunnerSettings(worker_id=owner, concurrency=2, poll_interval_s=0.05), store,
                             {"demo.work": handler_for(owner)}, logger=LOG)
               for owner in ("runner-a", "runner-b")]
    for runner in runners:
        await runner.start()
    job_ids = add(store, [f"r{n}" for n in range(30)])
    for runner in runners:
        runner.wake()
    jobs = await settled(store, job_ids)
    for runner in runners:
        await runner.stop()
    assert {job.state for job in jobs} == {JobState.SUCCEEDED}
    assert set(runs) == set(job_ids) and set(runs.values()) == {1}
    assert owners == {"runner-a", "runner-b"}
    assert {job.result for job in jobs} == owners  # the result recorded is the one of the runner that ran it


async def test_a_failing_job_is_retried_up_to_the_bound_then_failed(store: JobStore,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    attempts: list[int] = []

    async def broken(job: Job, _context: JobContext) -> None:
        attempts.append(job.attempts)
        raise ValueError("message with a secret 5eC2e7")

    runner = create_runner(FAST, store, {"demo.work": broken}, logger=LOG)
    await runner.start()
    [job_id] = add(store, ["r"], max_attempts=3)
    runner.wake()
    [job] = await settled(store, [job_id])
    await runner.stop()
    assert attempts == [1, 2, 3]
    assert (job.state, job.attempts, job.error) == (JobState.FAILED, 3, "ValueError")
    assert "5eC2e7" not in caplog.text and "builtins.ValueError" in caplog.text


async def test_a_job_held_by_a_dead_worker_is_finished_by_another(store: JobStore) -> None:
    [job_id] = add(store, ["r"])
    dead = store.claim("dead-worker", kinds=("demo.work",), now=utc_now(), lease=dt.timedelta(seconds=0.3))
    assert dead is not None

    async def work(job: Job, _context: JobContext) -> str:
        return f"done on attempt {job.attempts}"

    runner = create_runner(FAST, store, {"demo.work": work}, logger=LOG)
    await runner.start()
    [job] = await settled(store, [job_id])
    await runner.stop()
    assert (job.state, job.result) == (JobState.SUCCEEDED, "done on attempt 2")
    assert store.complete(dead, "late", now=utc_now()) is False


async def test_a_long_job_keeps_its_lease(store: JobStore) -> None:
    async def slow(_job: Job, _context: JobContext) -> str:
        await asyncio.sleep(0.7)
        return "done"

    runner = create_runner(RunnerSettings(lease_s=0.3, poll_interval_s=0.05), store, {"demo.work": slow}, logger=LOG)
    await runner.start()
    [job_id] = add(store, ["r"])
    runner.wake()
    await asyncio.sleep(0.45)  # past the first lease: renewed, so nobody else may claim it
    assert store.claim("other", kinds=("demo.work",), now=utc_now(), lease=dt.timedelta(seconds=1)) is None
    [job] = await settled(store, [job_id])
    await runner.stop()
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 1)


async def test_stopping_releases_unfinished_jobs(store: JobStore) -> None:
    started = asyncio.Event()

    async def forever(_job: Job, _context: JobContext) -> None:
        started.set()
        await asyncio.Event().wait()

    runner = create_runner(FAST, store, {"demo.work": forever}, logger=LOG)
    await runner.start()
    [job_id] = add(store, ["r"])
    runner.wake()
    await asyncio.wait_for(started.wait(), 5)
    await runner.stop()
    job = store.get(job_id)
    assert (job.state, job.attempts, job.lease_owner) == (JobState.PENDING, 1, None)


@pytest.mark.parametrize("cpu_workers", [0, 1], ids=["thread", "process-pool"])
async def test_cpu_steps_run_in_the_process_pool(store: JobStore, cpu_workers: int) -> None:
    async def compute(_job: Job, context: JobContext) -> str:
        io_pid = await context.run_io(os.getpid)
        return f"{await context.run_cpu(os.getpid)} {io_pid}"

    settings = RunnerSettings(cpu_workers=cpu_workers, poll_interval_s=0.05)
    runner = create_runner(settings, store, {"demo.work": compute}, logger=LOG)
    await runner.start()
    with pytest.raises(RuntimeError, match="already started"):
        await runner.start()
    [job_id] = add(store, ["r"])
    runner.wake()
    [job] = await settled(store, [job_id], timeout=30)
    await runner.stop()
    await runner.stop()  # stopping a stopped runner does nothing
    assert job.state is JobState.SUCCEEDED and job.result is not None
    cpu_pid, io_pid = map(int, job.result.split())
    assert io_pid == os.getpid()
    assert (cpu_pid != os.getpid()) is (cpu_workers > 0)


def _ignores_ctrl_c() -> bool:
    return signal.getsignal(signal.SIGINT) is signal.SIG_IGN


async def test_pool_processes_ignore_ctrl_c(store: JobStore) -> None:
    """Ctrl-C reaches the whole process group: the pool's processes leave the stop to the runner (no traceback)."""
    async def probe(_job: Job, context: JobContext) -> str:
        return str(await context.run_cpu(_ignores_ctrl_c))

    runner = create_runner(RunnerSettings(cpu_workers=1, poll_interval_s=0.05), store, {"demo.work": probe},
                           logger=LOG)
    await runner.start()
    [job_id] = add(store, ["r"])
    runner.wake()
    [job] = await settled(store, [job_id], timeout=30)
    await runner.stop()
    assert (job.state, job.result) == (JobState.SUCCEEDED, "True")
    assert not _ignores_ctrl_c()                                   # this process still takes it


async def test_a_result_is_dropped_when_the_lease_was_lost(store: JobStore, caplog: pytest.LogCaptureFixture) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    async def stalled(_job: Job, _context: JobContext) -> str:
        started.set()
        await release.wait()
        return "too late"

    runner = create_runner(FAST, store, {"demo.work": stalled}, logger=LOG)
    await runner.start()
    [job_id] = add(store, ["r"])
    runner.wake()
    await asyncio.wait_for(started.wait(), 5)
    thief = store.claim("thief", kinds=("demo.work",), now=utc_now() + dt.timedelta(seconds=10),
                        lease=dt.timedelta(seconds=60))
    assert thief is not None  # as if the runner had stalled past its lease
    release.set()
    await asyncio.sleep(0.2)
    await runner.stop()
    assert "lease lost" in caplog.text
    assert store.complete(thief, "the thief's", now=utc_now())
    assert store.get(job_id).result == "the thief's"


async def test_a_runner_outlives_an_unreachable_database(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    engine = create_database_engine(DatabaseSettings.sqlite_file(tmp_path / "missing" / "x.db"))
    async def never(_job: Job, _context: JobContext) -> None:
        raise AssertionError("no job can be claimed")

    runner = create_runner(FAST, JobStore(engine), {"demo.work": never}, logger=LOG)
    await runner.start()
    await asyncio.sleep(0.15)
    await runner.stop()
    assert "unexpected job claim: sqlalchemy.exc.OperationalError" in caplog.text


def test_unknown_backend_is_refused(store: JobStore) -> None:
    with pytest.raises(ValueError, match="rabbitmq"):
        create_runner(RunnerSettings(backend="rabbitmq"), store, {}, logger=LOG)
