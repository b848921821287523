"""The in-process runner across event loops and process deaths: a runner stopped on one event loop starts again on
another (each `asyncio.run` is a new loop, as when an app's lifespan runs again), and a pool process that dies
(killed here with SIGKILL, as the OOM killer would) neither loses the step it ran nor breaks the later jobs."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from pathlib import Path

import pytest

from scms.services.common import (
    DatabaseSettings,
    Job,
    JobContext,
    JobState,
    JobStore,
    RunnerSettings,
    create_database_engine,
    create_runner,
    migrate_to_head,
    warm_every_process,
)
from scms.services.common.cpu_pool import ProcessPool

from .test_task_runner import DEMO, add, settled

LOG = logging.getLogger("scms.services.demo")


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    engine = create_database_engine(DatabaseSettings.sqlite_file(tmp_path / "jobs.db"))
    migrate_to_head(engine, "demo", scripts=DEMO)
    return JobStore(engine)


def _pid_once_killed(marker: str) -> int:
    """The first call (no `marker` yet) names its process in `marker` and waits to be killed; later calls answer
    their process id at once."""
    path = Path(marker)
    if not path.exists():
        Path(marker + ".tmp").write_text(str(os.getpid()))
        os.replace(marker + ".tmp", marker)
        time.sleep(60)
    return os.getpid()


def _die() -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


async def _pid(_job: Job, context: JobContext) -> str:
    return str(await context.run_cpu(os.getpid))


def test_a_runner_stopped_on_one_event_loop_starts_again_on_another(store: JobStore) -> None:
    runner = create_runner(RunnerSettings(poll_interval_s=0.05), store, {"demo.work": _pid}, logger=LOG)

    async def one_life(ref: str) -> Job:
        await runner.start()
        [job_id] = add(store, [ref])  # after start: only the runner's wake-up or its poll finds it
        runner.wake()
        [job] = await settled(store, [job_id])
        await runner.stop()
        return job

    first = asyncio.run(one_life("on the first loop"))
    second = asyncio.run(one_life("on the second loop"))
    assert (first.state, second.state) == (JobState.SUCCEEDED, JobState.SUCCEEDED)
    runner.wake()  # stopped, its loop closed: nothing to wake, and no error


@pytest.mark.anyio
async def test_a_killed_pool_process_loses_no_step_and_breaks_no_later_job(store: JobStore, tmp_path: Path,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    marker = str(tmp_path / "pid")

    async def step(_job: Job, context: JobContext) -> str:
        return str(await context.run_cpu(_pid_once_killed, marker))

    runner = create_runner(RunnerSettings(cpu_workers=2, poll_interval_s=0.05), store, {"demo.work": step},
                           logger=LOG)
    await runner.start()
    try:
        [first] = add(store, ["running when its process is killed"])
        runner.wake()
        deadline = time.monotonic() + 30
        while not Path(marker).exists():
            assert time.monotonic() < deadline, "the step did not start"
            await asyncio.sleep(0.02)
        killed = int(Path(marker).read_text())
        assert killed != os.getpid()
        os.kill(killed, signal.SIGKILL)
        [done] = await settled(store, [first], timeout=30)
        assert done.state is JobState.SUCCEEDED and done.attempts == 1     # the step ran again, the job once
        assert done.result is not None and int(done.result) != killed
        later = add(store, [f"later {n}" for n in range(4)])
        runner.wake()
        jobs = await settled(store, later, timeout=30)
        assert all(job.state is JobState.SUCCEEDED and job.attempts == 1 for job in jobs)
        assert killed not in {int(job.result or 0) for job in jobs}
    finally:
        await runner.stop()
    assert "process pool broken" in caplog.text


@pytest.mark.anyio
async def test_a_step_that_always_kills_its_process_fails_after_the_bound_and_the_pool_recovers() -> None:
    pool = ProcessPool(1, logger=LOG, attempts=2)
    try:
        with pytest.raises(Exception) as broken:
            await pool.run(_die)
        assert type(broken.value).__name__ == "BrokenProcessPool"
        assert pool.rebuilt == 1                                          # tried on 2 pools, then given up
        assert await pool.run(os.getpid) != os.getpid()                   # the next step gets a fresh pool
        assert pool.rebuilt == 2
    finally:
        await asyncio.to_thread(pool.shutdown)
    with pytest.raises(ValueError, match="1 worker or more"):
        ProcessPool(0, logger=LOG)


def _record_pid(path: str) -> None:
    """A loading function: its process id appended to `path`."""
    with open(path, "a") as file:
        file.write(f"{os.getpid()}\n")


@pytest.mark.anyio
async def test_the_warm_up_loads_every_process_even_when_one_is_busy(store: JobStore, tmp_path: Path) -> None:
    """One process is busy for a second when the warm-up starts: the free one must not take both loading tasks
    (it waits at the barrier until the busy one, free again, took the other)."""
    loaded = tmp_path / "loaded"

    async def warm(_job: Job, context: JobContext) -> str:
        busy = asyncio.ensure_future(context.run_cpu(time.sleep, 1.0))    # submitted first: a process takes it
        result = await warm_every_process(context, 2, _record_pid, str(loaded))
        await busy
        return result

    runner = create_runner(RunnerSettings(cpu_workers=2, poll_interval_s=0.05), store, {"demo.work": warm},
                           logger=LOG)
    await runner.start()
    try:
        [job_id] = add(store, ["warm up"])
        runner.wake()
        [job] = await settled(store, [job_id], timeout=60)
    finally:
        await runner.stop()
    assert (job.state, job.result) == (JobState.SUCCEEDED, "2 processes ready")
    pids = loaded.read_text().split()
    assert len(pids) == 2 and len(set(pids)) == 2 and str(os.getpid()) not in pids
