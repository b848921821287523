"""Certificate generation: the jobs behind every accepted authorization request (1609.2.1 clauses 6.3.3, 9.3, 8.2;
docs/services.md "RA: certificate generation"), run by the component's job runner. Two jobs per request part
(payload: the request hash, and for a later part of a long request the first i-period of that part):

`ra.generate` (plan):
1. the request: nothing to do once it is not accepted any more; cancelled when its device was blocked or deleted;
2. the i-periods due now (their certificates start within ra-maxPreloadTime); later ones are a later part;
3. work items for the due periods not planned yet, with both LAs' encrypted pre-linkage values (one call per LA on
   the device's chains), committed together (unique (request, i, j): planning again adds nothing);
4. the dispatch job, due after the shuffle window, so that the work other devices' requests planned meanwhile
   goes to the ACA in the same shuffled batches.

`ra.dispatch`:
1. the request, as above;
2. rounds until this request's items are answered (`generation_rounds`): lease its open items and open items of
   other requests, SHUFFLE them all into batches; each batch (the batches at the same time, a pipeline): the
   unsigned ones signed with the round's one generationTime and stored before sending, sent to the ACA, the
   answers verified and stored;
3. each complete i-period becomes its batch zip (`x.info` then `<i>_<j>`), or the request's one file;
4. the next part's plan job, or the request complete and the device provisioned.

A worker that dies at any point leaves everything needed to finish: the items and their stored requests survive,
its leases expire, and the next attempt (this worker or another) re-sends exactly the stored requests, so the ACA
is never asked for one (request, i, j) with two different requests, and every (i, j) gets one answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from scms.crypto import HashedId8
from scms.protocol.la_messages import PlvChainRequest, PlvRequest
from scms.services.common import Job, JobContext, begin_write, enqueue
from scms.services.ra.authorization_store import DISPATCH_JOB, GENERATE_JOB, StoredRequest, generation_ref
from scms.services.ra.generation_files import assemble
from scms.services.ra.generation_rounds import rounds
from scms.services.ra.lifecycle import DeviceEvent, DeviceState, LifecycleError
from scms.services.ra.linkage_chains import device_chain, record_chain
from scms.services.ra.schedule import due_at, due_periods
from scms.services.ra.service import RaService

__all__ = ["Generator", "parse_generation_ref"]

_LOG = logging.getLogger("scms.services.ra.generation")


def parse_generation_ref(payload: str) -> tuple[HashedId8, int | None]:
    """The request hash and first i-period of a generation job's payload (`generation_ref`)."""
    name, _, part = payload.partition("@")
    return HashedId8(bytes.fromhex(name)), int(part) if part else None


class Generator:
    """The `ra.generate` and `ra.dispatch` job handlers of one RA service."""

    def __init__(self, service: RaService) -> None:
        self.service = service

    async def plan(self, job: Job, context: JobContext) -> str:
        """The `ra.generate` job (module docstring)."""
        service = self.service
        # Step 1: the request, still accepted, of a device neither blocked nor deleted.
        request, part = await self._active(job, context)
        if isinstance(request, str):
            return request
        # Step 2: the i-periods due now (ra-maxPreloadTime); the rest is a later part.
        due, _ = self._due(request, part)
        # Step 3: work items of the due periods, with both LAs' pre-linkage values.
        await self._plan(request, due, context)
        # Step 4: the dispatch, after the shuffle window (other devices' work joins it).
        window = service.settings.generation.shuffle_window_s
        run_after = service.clock() + dt.timedelta(seconds=window)
        await context.run_io(self._enqueue, DISPATCH_JOB, job.payload_ref, run_after)
        asyncio.get_running_loop().call_later(window, service.wake)
        return f"planned i-periods {due.start}..{due.stop - 1}" if request.butterfly else "planned"

    async def dispatch(self, job: Job, context: JobContext) -> str:
        """The `ra.dispatch` job (module docstring)."""
        service = self.service
        # Step 1: the request, still accepted, of a device neither blocked nor deleted.
        request, part = await self._active(job, context)
        if isinstance(request, str):
            return request
        request_hash = request.request_hash
        # Step 2: rounds of signing, shuffling, sending and storing answers, until this request's items are answered.
        await rounds(service, request_hash, job.lease_owner or "worker", context)
        # Step 3: every complete i-period downloadable (again, in case a worker died between answers and files).
        planned = await context.run_io(service.items.planned_periods, request_hash)
        due, later = self._planned(request, part, planned)
        await context.run_io(assemble, service, {(request_hash, i) for i in due})
        # Step 4: the next part, or the request complete.
        return await context.run_io(self._finish, request_hash, due, later)

    async def _active(self, job: Job, context: JobContext) -> tuple[StoredRequest | str, int | None]:
        """The job's request and part, or why there is nothing to do."""
        request_hash, part = parse_generation_ref(job.payload_ref)
        request = await context.run_io(self.service.requests.find, request_hash)
        if request is None or request.state != "accepted":
            return "nothing to do" if request is None else request.state, part
        if not await context.run_io(self._device_active, request):
            return "cancelled: device blocked or deleted", part
        return request, part

    def _planned(self, request: StoredRequest, part: int | None, planned: set[int]) -> tuple[range, int | None]:
        """The periods of this part that were planned (from its first, in a row) and the first one left after."""
        if not request.butterfly:
            return range(0, 1), None
        periods = request.periods if part is None else range(part, request.periods.stop)
        later = next((i for i in periods if i not in planned), None)
        return (periods, None) if later is None else (range(periods.start, later), later)

    def _enqueue(self, kind: str, payload: str, run_after: dt.datetime) -> None:
        service = self.service
        with begin_write(service.requests.engine) as connection:
            enqueue(connection, kind, payload, now=service.clock(),
                    max_attempts=service.settings.generation.max_attempts, run_after=run_after)

    def _device_active(self, request: StoredRequest) -> bool:
        device = self.service.devices.get(request.canonical_id)
        if device is not None and device.state not in (DeviceState.BLOCKED, DeviceState.DELETED):
            return True
        self.service.requests.finish(request.request_hash, "cancelled", self.service.now())
        return False

    def _due(self, request: StoredRequest, part: int | None) -> tuple[range, int | None]:
        if not request.butterfly:
            return range(0, 1), None
        periods = request.periods if part is None else range(part, request.periods.stop)
        return due_periods(self.service.settings.parameters, periods, self.service.now())

    async def _plan(self, request: StoredRequest, due: range, context: JobContext) -> None:
        planned = await context.run_io(self.service.items.planned_periods, request.request_hash)
        missing = [i for i in due if i not in planned]
        if not missing:
            return
        if not request.butterfly:
            rows = [{"request_hash": bytes(request.request_hash), "i": 0, "j": 0}]
            await context.run_io(self._record_plan, request, rows, None)
            return
        chains = await context.run_io(self._chains, request, missing[0])
        asked = [PlvRequest((PlvChainRequest(chain, missing[0], missing[-1] - missing[0] + 1, request.j_count),))
                 for chain in chains]
        peers = self.service.peers
        answers = await asyncio.gather(*(peers.pre_linkage_values(la, plv_request)
                                         for la, plv_request in zip(("la1", "la2"), asked, strict=True)))
        first, second = (answer.chains[0] for answer in answers)
        rows = [{"request_hash": bytes(request.request_hash), "i": i, "j": j,
                 "enc_plv1": first.plv(i, j).data, "enc_plv2": second.plv(i, j).data}
                for i in missing for j in range(request.j_count)]
        await context.run_io(self._record_plan, request, rows, (first.chain_id, second.chain_id, missing[0]))

    def _chains(self, request: StoredRequest, i_first: int) -> tuple[bytes | None, bytes | None]:
        if request.chain_1 is not None and request.chain_2 is not None:
            return request.chain_1, request.chain_2
        engine = self.service.requests.engine
        la1, la2 = self.service.settings.la_ids
        return (device_chain(engine, request.canonical_id, la1, i_first),
                device_chain(engine, request.canonical_id, la2, i_first))

    def _record_plan(self, request: StoredRequest, rows: list[dict[str, Any]],
                     chains: tuple[bytes, bytes, int] | None) -> None:
        service = self.service
        with begin_write(service.requests.engine) as connection:
            if chains is not None and request.chain_1 is None:
                now = int(service.now())
                for la_id, chain_id in zip(service.settings.la_ids, chains[:2], strict=True):
                    record_chain(connection, request.canonical_id, la_id, chain_id, chains[2], now)
                service.requests.set_chains(connection, request.request_hash, (chains[0], chains[1]))
            service.items.add(connection, rows)

    def _finish(self, request_hash: HashedId8, due: range, later: int | None) -> str:
        service = self.service
        if later is not None:
            due_later = service.settings.datetime(due_at(service.settings.parameters, later))
            self._enqueue(GENERATE_JOB, generation_ref(request_hash, later), max(due_later, service.clock()))
            return f"i-periods {due.start}..{due.stop - 1}; the next part from {later}"
        request = service.requests.find(request_hash)
        if request is None or request.state != "accepted":
            return "stopped" if request is None else request.state
        wanted = set(request.periods) if request.butterfly else {0}
        if not wanted <= service.items.files(request_hash):
            raise RuntimeError(f"request {request_hash}: answered but not every file is built")
        service.requests.finish(request_hash, "complete", service.now())
        self._provisioned(request.canonical_id)
        return f"complete: {len(wanted)} file(s)"

    def _provisioned(self, canonical_id: str) -> None:
        service = self.service
        if service.requests.active(canonical_id) == 0:
            try:
                service.devices.apply(canonical_id, DeviceEvent.PROVISIONED, service.clock())
            except LifecycleError:
                _LOG.info("device %s: not provisioning any more (blocked meanwhile?)", canonical_id)

