"""The ACA's flow (style rule 6): a batch of RA requests in, one answer per request out (1609.2.1 clause 6.3.3;
the batched transport of `scms.protocol.ra_aca_batch`), and the job that produces the answers.

`answer_batch` records what it has not seen, lets a job verify and issue, and waits for the stored answers;
`issue_job` is that job: it hands the requests to the CPU pool in pieces (`worker.answer_requests`) and stores
each piece's answers as they come. A waiting call reads its requests' rows when a job of its own process says it
is done, and otherwise only the rows of the jobs it waits for (cheap), every `poll_s`.

Issuing is exactly once per request (its SHA-256 is the key): the first stored answer is the one every retry of
the request gets, however often the RA sends it and whichever worker finishes a job whose worker died.
"""

from __future__ import annotations

import asyncio

from fastapi import HTTPException

from scms.crypto import sha256
from scms.dot2.errors import ErrorCode
from scms.protocol.ra_aca_batch import AcaRaBatch, RaAcaBatch
from scms.services.aca.service import AcaService
from scms.services.aca.store import RequestState, StoredRequest
from scms.services.aca.worker import answer_requests, warm_up
from scms.services.common import Job, JobContext, JobState, warm_every_process

__all__ = ["JobFailed", "answer_batch", "issue_job", "warm_up_job"]

class JobFailed(Exception):
    """The job answering some requests failed on every attempt: a fault of ours (a bare 500; the RA retries)."""


async def answer_batch(service: AcaService, batch: RaAcaBatch) -> AcaRaBatch:
    """The answer to one batch: for each request its `AcaRaCertResponseSpdu` or the code that refused it.

    Raises HTTPException 503 when the answers take longer than `answer_timeout_s` (the work goes on and a retry of
    the batch gets them), JobFailed when a job failed for good twice in one call.
    """
    # Step 1: the body is within [aca] max_body_size and parses as a batch (the handler: 400-42 otherwise).
    digests = [sha256(spdu) for spdu in batch.requests]
    wanted = dict(zip(digests, batch.requests, strict=True))
    deadline = asyncio.get_running_loop().time() + service.settings.answer_timeout_s
    adopted: set[int] = set()
    while True:
        # Step 2: where each request stands; done when every one is answered.
        stored = await asyncio.to_thread(service.store.states, wanted)
        if len(stored) == len(wanted) and all(row.answered for row in stored.values()):
            break
        # Step 3: requests not seen before (or whose refusal was answered already) recorded with a job, committed.
        unseen = {digest: spdu for digest, spdu in wanted.items() if digest not in stored}
        new_job = None if not unseen else await asyncio.to_thread(service.store.receive, unseen, service.clock())
        # Step 4: requests whose job failed on every attempt go to a new job, once per call.
        waiting = await _adopt_failed(service, stored, adopted)
        service.runner.wake()
        # Step 5: wait until a job this batch waits for ends (told by this process's jobs, else polled).
        await _until_one_ends(service, waiting | ({new_job} if new_job is not None else set()), deadline)
    # Step 6: the answers in request order; a refusal is answered once (a retry is verified again).
    answers = await asyncio.to_thread(service.store.answers, wanted)
    refused = [digest for digest, answer in answers.items() if isinstance(answer, ErrorCode)]
    await asyncio.to_thread(service.store.forget_refusals, refused)
    return AcaRaBatch(tuple(answers[digest] for digest in digests))


async def _adopt_failed(service: AcaService, stored: dict[bytes, StoredRequest], adopted: set[int]) -> set[int]:
    """Give the requests of a job that failed for good to a new one; the jobs the batch now waits for."""
    waiting: dict[int, list[bytes]] = {}
    for digest, row in stored.items():
        if row.state is RequestState.RECEIVED and row.job_id is not None:
            waiting.setdefault(row.job_id, []).append(digest)
    jobs = set()
    for job_id, digests in waiting.items():
        job = await asyncio.to_thread(service.jobs.get, job_id)
        if job.state is not JobState.FAILED:
            jobs.add(job_id)
            continue
        if job_id in adopted:
            raise JobFailed(f"job {job_id} failed on every attempt")
        new = await asyncio.to_thread(service.store.adopt, digests, job_id, service.clock())
        adopted.add(new)
        jobs.add(new)
    return jobs


async def _until_one_ends(service: AcaService, jobs: set[int], deadline: float) -> None:
    """Until a job of this process stored its answers, or one of `jobs` is finished (another process's); 503 at
    `deadline`."""
    loop = asyncio.get_running_loop()
    while not await service.progress.wait(service.settings.poll_s):
        for job_id in jobs:
            if (await asyncio.to_thread(service.jobs.get, job_id)).state in (JobState.SUCCEEDED, JobState.FAILED):
                return
        if loop.time() > deadline:
            raise HTTPException(503, "the answers are not ready yet; send the batch again",
                                headers={"Retry-After": "5"})


async def warm_up_job(service: AcaService, job: Job, context: JobContext) -> str:
    """The job of kind `aca.warm-up`, enqueued when the service starts: load the issuing side in every process of
    the pool (a cold process spends seconds importing, compiling the ASN.1 modules and loading the deployment), so
    that the first batch does not wait for it (`scms.services.common.warm_every_process`)."""
    return await warm_every_process(context, service.settings.runner.cpu_workers, warm_up,
                                    str(service.settings.deployment_root), int(service.now()))


async def issue_job(service: AcaService, job: Job, context: JobContext) -> str:
    """The job of kind `aca.issue`: verify and answer the requests it still has, a piece at a time in the pool."""
    pending = await context.run_io(service.store.pending, job.id)
    size = service.settings.chunk
    pieces = [pending[start:start + size] for start in range(0, len(pending), size)]
    await asyncio.gather(*(_issue_piece(service, job.id, piece, context) for piece in pieces))
    service.progress.notify()
    return f"{len(pending)} answered"


async def _issue_piece(service: AcaService, job_id: int, piece: list[tuple[bytes, bytes]], context: JobContext) -> None:
    root = str(service.settings.deployment_root)
    answers = await context.run_cpu(answer_requests, root, [spdu for _, spdu in piece], int(service.now()))
    await context.run_io(service.store.finish, job_id, list(zip((digest for digest, _ in piece), answers,
                                                                strict=True)))
