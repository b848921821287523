"""What happens when an ACA worker dies: a batch is committed as a job before it is answered; a worker that claimed
the job and stored part of the answers, then died, leaves the rest to another once its lease expires, with no
certificate issued twice; a job that failed on every attempt is handed to a new one by the next call; and the
answers come from a real process pool (spawned processes that load the ACA's keys themselves)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from scms.crypto import ButterflyVariant, sha256
from scms.deployment import Deployment
from scms.dot2.certificate_fields import CertificateType
from scms.services.aca import JOB_KIND, WARM_UP_KIND, RequestState, answer_requests
from scms.services.common import JobState, RunnerSettings

from ._support import MiniRa, Stack, answers, build_stack, post_batch

pytestmark = pytest.mark.anyio

LEASE = dt.timedelta(seconds=60)


@pytest.fixture
def impatient(stack: Stack) -> Iterator[Stack]:
    """The stack, its ACA calls giving up after 0.2 s (503) so a test can act while a job is unfinished."""
    settings = dataclasses.replace(stack.aca.service.settings, answer_timeout_s=0.2, poll_s=0.05)
    stack.aca.service.settings = settings
    yield stack


async def test_a_worker_killed_mid_batch_is_finished_by_another(
    impatient: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    stack, service = impatient, impatient.aca.service
    ra = MiniRa(stack)
    batch = await ra.device_year(ButterflyVariant.UNIFIED, CertificateType.IMPLICIT, i_count=2, j_max=4)
    async with stack.client() as client:                                # no runner: nobody works on the job
        waiting = await post_batch(client, batch)
    assert waiting.status_code == 503 and waiting.headers["Retry-After"] == "5"
    assert stack.counts() == (len(batch), 1)                            # committed before any answer

    # Worker A claims the job, answers half of it, stores that, and dies before completing the job.
    lease = service.jobs.claim("worker-a", kinds=[JOB_KIND], now=stack.clock.now, lease=LEASE)
    assert lease is not None and lease.attempt == 1
    pending = service.store.pending(lease.job.id)
    half, rest = pending[: len(pending) // 2], pending[len(pending) // 2:]
    root = str(service.settings.deployment_root)
    caplog.set_level("INFO", logger="scms.audit")
    service.store.finish(lease.job.id, list(zip([d for d, _ in half],
                                                answer_requests(root, [s for _, s in half], int(stack.now())),
                                                strict=True)))
    late = answer_requests(root, [s for _, s in rest], int(stack.now()))   # A's unsaved work, lost when it died
    by_a = service.store.answers([d for d, _ in half])
    assert caplog.text.count("certificate.issue.end") == len(pending)
    caplog.clear()

    # Once A's lease has expired, worker B (the app's runner) takes the job over and answers the rest only.
    stack.clock.advance(LEASE.total_seconds() + 1)
    service.settings = dataclasses.replace(service.settings, answer_timeout_s=60)   # patient now: a busy machine
    async with stack.running() as client:
        finished = await post_batch(client, batch)
    got = answers(finished, batch).responses
    assert caplog.text.count("certificate.issue.end") == len(rest)      # nothing issued again for A's half
    for asked, answer in zip(batch, got, strict=True):
        assert isinstance(answer, bytes)
        ra.read(asked, answer)
        digest = sha256(asked.spdu)
        if digest in by_a:
            assert answer == by_a[digest]                               # A's stored answers are the answers
    job = service.jobs.get(lease.job.id)
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 2)
    assert stack.counts() == (len(batch), 1)

    # A comes back from the dead and stores its late answers: nothing changes.
    service.store.finish(lease.job.id, list(zip([d for d, _ in rest], late, strict=True)))
    assert service.store.answers([d for d, _ in rest]) == {
        sha256(a.spdu): answer for a, answer in zip(batch, got, strict=True) if sha256(a.spdu) not in by_a}


async def test_a_job_that_failed_on_every_attempt_is_given_to_a_new_one(impatient: Stack) -> None:
    stack, service = impatient, impatient.aca.service
    ra = MiniRa(stack)
    batch = [ra.identification(CertificateType.EXPLICIT, encrypted=True) for _ in range(3)]
    async with stack.client() as client:
        assert (await post_batch(client, batch)).status_code == 503
    job_ids = set()
    for attempt in range(3):                                            # three workers die in turn
        lease = service.jobs.claim(f"worker-{attempt}", kinds=[JOB_KIND], now=stack.clock.now, lease=LEASE)
        assert lease is not None
        job_ids.add(lease.job.id)
        stack.clock.advance(LEASE.total_seconds() + 1)
    assert service.jobs.claim("worker-x", kinds=[JOB_KIND], now=stack.clock.now, lease=LEASE) is None
    (job_id,) = job_ids
    assert service.jobs.get(job_id).state is JobState.FAILED
    async with stack.running() as client:
        got = answers(await post_batch(client, batch), batch).responses
    assert all(isinstance(answer, bytes) for answer in got)
    states = service.store.states([sha256(w.spdu) for w in batch])
    assert {row.state for row in states.values()} == {RequestState.ISSUED}
    assert stack.counts() == (3, 2)


async def test_a_process_pool_answers(deployment: Deployment, tmp_path: Path) -> None:
    pool = RunnerSettings(cpu_workers=2, concurrency=2, poll_interval_s=0.05)
    stack = build_stack(deployment, f"sqlite:///{tmp_path / 'pool.db'}", runner=pool)
    try:
        ra = MiniRa(stack)
        batch = await ra.device_year(ButterflyVariant.COMPACT_UNIFIED, CertificateType.EXPLICIT, i_count=1, j_max=3)
        async with stack.running() as client:
            got = answers(await post_batch(client, batch), batch).responses
            for _ in range(200):                                       # the warm-up job, enqueued at start
                warm_up = await asyncio.to_thread(stack.aca.service.jobs.get, 1)
                if warm_up.state is JobState.SUCCEEDED:
                    break
                await asyncio.sleep(0.05)
        assert (warm_up.kind, warm_up.result) == (WARM_UP_KIND, "2 processes ready")
        for asked, answer in zip(batch, got, strict=True):
            assert isinstance(answer, bytes)
            linkage = ra.read(asked, answer).certificate.id.linkage
            assert linkage is not None and linkage.linkage_value == ra.expected_linkage_value(asked)
    finally:
        stack.close()
