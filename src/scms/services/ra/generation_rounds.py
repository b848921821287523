"""Step 4 of generation: rounds of signing, shuffling, sending and storing (1609.2.1 clause 6.3.3 RA <-> ACA;
docs/architecture.md "privacy by separation"; docs/conformance.md "shuffling").

One round:
a. lease this request's open items and up to `claim_limit` open items of other accepted requests (other devices);
b. shuffle every leased item (a cryptographic shuffle) and cut them into batches: a batch mixes the devices whose
   work is pending, in no device order, so the ACA cannot group a device's requests by position or time;
then each batch on its own, the batches at the same time (a pipeline: the ACA issues one batch while the RA
signs the next or verifies another, so the two sides' CPU work overlaps instead of taking turns; the batches are
signed one after the other, each on the whole pool, so that the first goes out as early as it can):
c. sign the batch's items that have no stored RaAcaCertRequestSpdu, all with the round's one generationTime (CPU
   pool); store them before the batch is sent (the first stored request of an item wins; a later round re-sends it);
d. send the batch to the ACA (`aca_calls_in_flight` batches at a time; a batch the ACA could not answer in time
   (503) is sent again), verify each answer (ACA signature and chain, CPU pool) and store it on the item it
   answers; a request the ACA refuses fails its whole request (its template is the refused one);
e. build the files of every (request, i) the batch completed (`generation_files.assemble`, one batch at a time).
A batch that fails does not stop the others: they store what they get, then the round fails with the first error.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from collections.abc import Sequence

from scms.crypto import HashedId8
from scms.dot2.errors import ErrorCode
from scms.dot2.time import Time32
from scms.protocol.ra_aca_batch import RaAcaBatch
from scms.services.common import JobContext, PeerError
from scms.services.ra.authorization_policy import period_validity
from scms.services.ra.authorization_store import StoredRequest
from scms.services.ra.generation_cpu import SigningWork, open_answers, sign_requests
from scms.services.ra.generation_files import assemble
from scms.services.ra.service import RaService
from scms.services.ra.work_items import WorkItem

__all__ = ["AcaAnswerRejected", "rounds"]

_LOG = logging.getLogger("scms.services.ra.generation")
_WAIT_S = (0.05, 1.0)
_BUSY_RETRIES, _BUSY_WAIT_S = 5, 1.0
_SHUFFLE = random.SystemRandom()


async def rounds(service: RaService, request_hash: HashedId8, owner: str, context: JobContext) -> None:
    """Rounds until `request_hash` has no open item (or is no longer accepted)."""
    wait = _WAIT_S[0]
    while True:
        request = await context.run_io(service.requests.find, request_hash)
        if request is None or request.state != "accepted":
            return
        if await context.run_io(service.items.open_count, request_hash) == 0:
            return
        token = f"{owner[:40]}-{secrets.token_hex(6)}"
        claimed = await context.run_io(_claim, service, token, request_hash)
        if not claimed:  # another worker holds them (or held them and died: its leases will expire)
            await asyncio.sleep(wait)
            wait = min(wait * 2, _WAIT_S[1])
            continue
        wait = _WAIT_S[0]
        try:
            await _round(service, token, claimed, context)
        finally:
            await context.run_io(service.items.release, token)


def _claim(service: RaService, token: str, request_hash: HashedId8) -> list[WorkItem]:
    generation = service.settings.generation
    return service.items.claim(token, request_hash, generation.claim_limit, now=service.now(),
                               lease_s=generation.item_lease_s)


async def _round(service: RaService, token: str, claimed: list[WorkItem], context: JobContext) -> None:
    now = service.now()
    requests = await context.run_io(_requests, service, {item.request_hash for item in claimed})
    # b. shuffle across devices, then batches
    live = [item for item in claimed if requests.get(item.request_hash)]
    _SHUFFLE.shuffle(live)
    size = service.settings.generation.aca_batch_size
    batches = [live[k:k + size] for k in range(0, len(live), size)]
    _LOG.info("round %s: %d requests of %d EE requests to the ACA in %d batches", token, len(live), len(requests),
              len(batches))
    # c-e for each batch, the batches at the same time
    pipeline = _Pipeline(service, token, requests, now, context)
    outcomes = await asyncio.gather(*(pipeline.batch(batch) for batch in batches), return_exceptions=True)
    failed = next((outcome for outcome in outcomes if isinstance(outcome, BaseException)), None)
    if failed is not None:
        raise failed
    rejected = [code for outcome in outcomes if not isinstance(outcome, BaseException) for code in outcome]
    if rejected:  # this attempt fails; the next re-sends the same requests (after the job's retry delay)
        raise AcaAnswerRejected(f"{len(rejected)} ACA answers failed verification ({', '.join(sorted(set(rejected)))})")


class _Pipeline:
    """Steps c-e of one round's batches (module docstring)."""

    def __init__(self, service: RaService, token: str, requests: dict[HashedId8, StoredRequest | None], now: Time32,
                 context: JobContext) -> None:
        self.service, self.token, self.requests, self.now, self.context = service, token, requests, now, context
        self.in_flight = asyncio.Semaphore(service.settings.generation.aca_calls_in_flight)
        self.signing = asyncio.Lock()  # one batch at a time on the whole pool: the first is sent while the next signs
        self.assembling = asyncio.Lock()  # one batch's files at a time: a period two batches complete is built once

    async def batch(self, batch: list[WorkItem]) -> list[str]:
        """Sign, store, send, verify and store one batch; the codes of answers that failed verification."""
        service, context = self.service, self.context
        # c. sign what has no stored request yet, with the round's generationTime; store before sending
        unsigned = [item for item in batch if item.aca_request is None]
        async with self.signing:
            signed = await _sign(service, self.requests, unsigned, self.now, context)
        held = await context.run_io(service.items.record_signed, self.token,
                                    [(item_id, spdu, HashedId8.of(spdu)) for item_id, spdu in signed],
                                    [item.id for item in batch])
        sendable = [item for item in held if item.aca_request is not None]
        _SHUFFLE.shuffle(sendable)  # read back in table order: shuffled again
        # d. send, verify, store
        async with self.in_flight:
            answers, refused = await _send(service, sendable)
        opened = await _open(service, answers, service.now(), context)   # the ACA signed them after `now`
        good = [(HashedId8(spdu_hash), ee_spdu) for spdu_hash, ee_spdu in (o for o in opened if isinstance(o, tuple))]
        touched = await context.run_io(service.items.record_answers, good)
        for request_hash, code in {item.request_hash: code for item, code in refused}.items():
            await context.run_io(_refused, service, request_hash, code, self.now)
        # e. the files of the periods this batch completed
        async with self.assembling:
            await context.run_io(assemble, service, touched)
        return [o for o in opened if isinstance(o, str)]


def _requests(service: RaService, hashes: set[HashedId8]) -> dict[HashedId8, StoredRequest | None]:
    found = {request_hash: service.requests.find(request_hash) for request_hash in hashes}
    return {h: r if r is not None and r.state == "accepted" else None for h, r in found.items()}


def _works(service: RaService, requests: dict[HashedId8, StoredRequest | None], items: Sequence[WorkItem],
           pieces: int) -> list[list[SigningWork]]:
    parameters = service.settings.parameters
    size = max(1, -(-len(items) // pieces))
    chunks = []
    for k in range(0, len(items), size):
        by_request: dict[HashedId8, list[WorkItem]] = {}
        for item in items[k:k + size]:
            by_request.setdefault(item.request_hash, []).append(item)
        works = []
        for request_hash, own in by_request.items():
            request = requests[request_hash]
            assert request is not None
            validities = {i: period_validity(parameters, i) for i in {it.i for it in own}} if request.butterfly else {}
            works.append(SigningWork(request.parameters, request.template, request.certificate_type.value,
                                     validities, tuple((it.id, it.i, it.j, it.enc_plv1, it.enc_plv2) for it in own)))
        chunks.append(works)
    return chunks


async def _sign(service: RaService, requests: dict[HashedId8, StoredRequest | None], items: list[WorkItem],
                now: Time32, context: JobContext) -> list[tuple[int, bytes]]:
    if not items:
        return []
    directory = str(service.settings.deployment_dir)
    chunks = _works(service, requests, items, service.settings.generation.cpu_chunks)
    _LOG.info("signing %d RaAcaCertRequests by %s for requests %s", len(items), service.certificate,
              sorted(h.hex() for h in requests))
    results = await asyncio.gather(*(context.run_cpu(sign_requests, directory, works, int(now)) for works in chunks))
    _LOG.info("signed %d RaAcaCertRequests by %s", sum(len(r) for r in results), service.certificate)
    return [pair for result in results for pair in result]


async def _send(service: RaService, batch: list[WorkItem]) -> tuple[list[bytes], list[tuple[WorkItem, str]]]:
    """The ACA's answers to `batch` and the items it refused, with their codes."""
    if not batch:
        return [], []
    reply = await _call(service, RaAcaBatch(tuple(item.aca_request for item in batch if item.aca_request is not None)))
    answers: list[bytes] = []
    refused: list[tuple[WorkItem, str]] = []
    for item, entry in zip(batch, reply, strict=True):
        if isinstance(entry, ErrorCode):
            refused.append((item, entry.header_value))
        else:
            answers.append(entry)
    return answers, refused


async def _call(service: RaService, spdus: RaAcaBatch) -> tuple[bytes | ErrorCode, ...]:
    for attempt in range(_BUSY_RETRIES):
        try:
            return (await service.peers.certificate_requests(spdus)).responses
        except PeerError as error:  # 503: the ACA goes on working; the same batch again gets its answers
            if error.status != 503 or attempt == _BUSY_RETRIES - 1:
                raise
            await asyncio.sleep(_BUSY_WAIT_S)
    raise AssertionError("unreachable")


async def _open(service: RaService, answers: list[bytes], now: Time32, context: JobContext
                ) -> list[tuple[bytes, bytes] | str]:
    if not answers:
        return []
    directory = str(service.settings.deployment_dir)
    pieces = service.settings.generation.cpu_chunks
    size = max(1, -(-len(answers) // pieces))
    parts = await asyncio.gather(*(context.run_cpu(open_answers, directory, answers[k:k + size], int(now))
                                   for k in range(0, len(answers), size)))
    return [entry for part in parts for entry in part]


class AcaAnswerRejected(Exception):
    """An answer of the ACA did not verify (signature, chain, content): nothing of it was stored."""


def _refused(service: RaService, request_hash: HashedId8, code: str, now: Time32) -> None:
    _LOG.warning("the ACA refused requests of %s: %s; the request fails", request_hash, code)
    service.requests.finish(request_hash, "failed", now)
