"""Durability and privacy of certificate generation (docs/architecture.md "Durability", "privacy by separation"):

* a worker that dies mid-batch (it hangs for good: its leases are never given back) at the LAs, after storing its
  signed requests but before sending them, or after the ACA answered but before storing the answers, leaves the
  request to the next worker, which finishes it: the ACA receives each (request, i, j)'s one stored request (never
  a second one), issues once per request, and every (i, j) ends up in its batch exactly once;
* a round's batches go on without one that hangs: their answers are stored, and the next worker sends only the
  hung batch's stored requests again;
* the requests of several devices go to the ACA shuffled together, with one generationTime.
Both on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import func, select

from scms.crypto import HashedId8, sha256
from scms.deployment import Deployment
from scms.protocol.download_files import batch_filename
from scms.protocol.ee_ra_request import RequestSecrets
from scms.protocol.ra_aca_batch import RaAcaBatch
from scms.protocol.ra_aca_request import verify_ra_aca_request
from scms.services.aca.tables import requests as aca_requests
from scms.services.ra.authorization_tables import authorization_items

from .._support import FakeClock
from ._scms import (
    AUTHORIZATION,
    COER,
    GENERATION,
    Ee,
    Scms,
    build_scms,
    enrolled_device,
    pseudonym_fields,
    run_due_jobs,
)

pytestmark = pytest.mark.anyio


class Watched(httpx.AsyncBaseTransport):
    """The RA's way to a peer app, recording each call; armed, it hangs one call for good (`hang_before`: before
    the peer sees it; else after the peer answered): the worker making the call is dead from then on."""

    def __init__(self) -> None:
        self.app: object = None
        self.bodies: list[bytes] = []
        self.armed: str | None = None
        self.hung = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.bodies.append(body)
        armed, self.armed = self.armed, None
        if armed == "before":
            await self._die()
        response = await httpx.ASGITransport(app=self.app).handle_async_request(request)  # type: ignore[arg-type]
        if armed == "after":
            await response.aread()
            await self._die()
        return response

    async def _die(self) -> None:
        self.hung.set()
        await asyncio.Event().wait()


@pytest.fixture
def watched() -> Watched:
    return Watched()


@pytest.fixture
def scms(deployment: Deployment, database_url: str, clock: FakeClock, watched: Watched) -> Iterator[Scms]:
    built = build_scms(deployment, database_url, clock, transports={"aca": watched})
    yield built
    built.close()


async def requested(scms: Scms, http: httpx.AsyncClient, ee: Ee, weeks: int) -> tuple[RequestSecrets, int]:
    """A pseudonym request of `ee` for `weeks` i-periods from the next one, accepted: its secrets and first i."""
    periods = scms.deployment.global_policy.parameters.i_periods()
    first = periods.i_at(scms.now) + 1
    data, secrets = ee.authorization_request(pseudonym_fields(periods.start(first), hours=weeks * 168 - 1))
    assert (await http.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
    return secrets, first


def ra_items(scms: Scms) -> list[tuple[bytes, int, int, bytes | None, bytes | None]]:
    table = authorization_items
    with scms.ra.engine.connect() as connection:
        return [(bytes(r.request_hash), r.i, r.j, None if r.aca_request is None else bytes(r.aca_request),
                 None if r.response is None else bytes(r.response))
                for r in connection.execute(select(table)).all()]


def aca_rows(scms: Scms) -> tuple[int, set[bytes]]:
    with scms.aca.engine.connect() as connection:
        rows = connection.execute(select(aca_requests.c.request_digest, aca_requests.c.state)).all()
        assert connection.execute(select(func.count()).where(aca_requests.c.state != "issued")).scalar_one() == 0
    return len(rows), {bytes(r.request_digest) for r in rows}


async def die_in_a_job(scms: Scms, transport: Watched) -> asyncio.Task[list[str]]:
    """Worker 1 runs the due jobs until the armed call hangs it: it never comes back, never gives its leases back."""
    task = asyncio.create_task(run_due_jobs(scms, owner="worker-1"))
    await asyncio.wait_for(transport.hung.wait(), 60)
    return task


@pytest.mark.parametrize("moment", ["before", "after"])
async def test_a_worker_dying_mid_batch_leaves_the_request_to_another(
        scms: Scms, watched: Watched, clock: FakeClock, moment: str) -> None:
    async with scms.running(ra_runner=False) as http:
        ee, other = await enrolled_device(scms, http), await enrolled_device(scms, http)
        secrets, first = await requested(scms, http, ee, weeks=2)
        other_secrets, _ = await requested(scms, http, other, weeks=1)
        watched.armed = moment
        dead = await die_in_a_job(scms, watched)
        signed_by_the_dead = dict(((r[0], r[1], r[2]), r[3]) for r in ra_items(scms))
        assert len(signed_by_the_dead) == 60 and all(signed_by_the_dead.values())   # stored before sending
        assert not any(r[4] for r in ra_items(scms))                                   # no answer stored
        sent = RaAcaBatch.from_json(watched.bodies[0]).requests
        assert aca_rows(scms)[0] == (len(sent) if moment == "after" else 0)
        # its leases (job 60 s, work items 120 s) expire; worker 2 takes over
        clock.advance(121)
        results = await run_due_jobs(scms, owner="worker-2")
        assert sorted(results)[:2] == ["complete: 1 file(s)", "complete: 2 file(s)"]
        items = ra_items(scms)
        assert {(r[0], r[1], r[2]): r[3] for r in items} == signed_by_the_dead        # the same requests re-sent
        count, digests = aca_rows(scms)
        assert count == 60 and digests == {sha256(r[3]) for r in items if r[3]}      # each issued once
        assert all(r[4] for r in items)
        for i in (first, first + 1):
            got = await http.get(AUTHORIZATION, headers=ee.download_header(batch_filename(secrets.request_hash, i)))
            certificates = ee.read_batch(got.content, secrets)
            assert len({c.certificate.hashed_id8() for c in certificates}) == 20
        got = await http.get(AUTHORIZATION, headers=other.download_header(batch_filename(other_secrets.request_hash,
                                                                                           first)))
        assert len(other.read_batch(got.content, other_secrets)) == 20
        dead.cancel()
        await asyncio.gather(dead, return_exceptions=True)


async def test_a_hung_batch_does_not_hold_up_the_round_s_other_batches(
        deployment: Deployment, database_url: str, clock: FakeClock) -> None:
    watched = Watched()
    built = build_scms(deployment, database_url, clock, generation=replace(GENERATION, aca_batch_size=16),
                       transports={"aca": watched})
    try:
        async with built.running(ra_runner=False) as http:
            ee, other = await enrolled_device(built, http), await enrolled_device(built, http)
            secrets, first = await requested(built, http, ee, weeks=2)
            await requested(built, http, other, weeks=1)            # 60 items: batches of 16, 16, 16 and 12
            watched.armed = "before"                                  # the first batch sent hangs for good
            dead = await die_in_a_job(built, watched)
            hung = RaAcaBatch.from_json(watched.bodies[0]).requests
            for _ in range(600):                                      # the other three batches go on meanwhile
                if sum(1 for r in ra_items(built) if r[4]) == 60 - len(hung):
                    break
                await asyncio.sleep(0.05)
            items = ra_items(built)
            assert {r[3] for r in items if not r[4]} == set(hung) and aca_rows(built)[0] == 60 - len(hung)
            clock.advance(121)
            await run_due_jobs(built, owner="worker-2")
            resent = [spdu for body in watched.bodies[4:] for spdu in RaAcaBatch.from_json(body).requests]
            assert sorted(resent) == sorted(hung)                     # only the hung batch, its stored requests
            assert {(r[0], r[1], r[2]): r[3] for r in ra_items(built)} == {(r[0], r[1], r[2]): r[3] for r in items}
            assert aca_rows(built)[0] == 60 and all(r[4] for r in ra_items(built))     # each issued once
            for i in (first, first + 1):
                got = await http.get(AUTHORIZATION, headers=ee.download_header(batch_filename(secrets.request_hash, i)))
                assert len(ee.read_batch(got.content, secrets)) == 20
            dead.cancel()
            await asyncio.gather(dead, return_exceptions=True)
    finally:
        built.close()


async def test_a_worker_dying_at_the_linkage_authorities(deployment: Deployment, tmp_path: object,
                                                         clock: FakeClock) -> None:
    la2 = Watched()
    built = build_scms(deployment, f"sqlite:///{tmp_path}/ra.db", clock, transports={"la2": la2})
    try:
        async with built.running(ra_runner=False) as http:
            ee = await enrolled_device(built, http)
            secrets, first = await requested(built, http, ee, weeks=1)
            la2.armed = "after"
            dead = await die_in_a_job(built, la2)
            assert ra_items(built) == []                     # nothing planned without both LAs' values
            clock.advance(61)
            assert (await run_due_jobs(built, owner="worker-2"))[-1] == "complete: 1 file(s)"
            got = await http.get(AUTHORIZATION, headers=ee.download_header(batch_filename(secrets.request_hash,
                                                                                          first)))
            assert len(ee.read_batch(got.content, secrets)) == 20
            dead.cancel()
            await asyncio.gather(dead, return_exceptions=True)
    finally:
        built.close()


async def test_the_aca_gets_the_devices_requests_shuffled_with_one_generation_time(
        scms: Scms, watched: Watched) -> None:
    async with scms.running(ra_runner=False) as http:
        devices = [await enrolled_device(scms, http) for _ in range(3)]
        hashes = [(await requested(scms, http, ee, weeks=1))[0].request_hash for ee in devices]
        results = await run_due_jobs(scms)
        assert results[3:] == ["complete: 1 file(s)"] * 3        # three plans, then three dispatches
        assert len(watched.bodies) == 1                                   # one round took every device's work
        owner = {HashedId8.of(r[3]): HashedId8(r[0]) for r in ra_items(scms) if r[3]}
        sent = RaAcaBatch.from_json(watched.bodies[0]).requests
        order = [owner[HashedId8.of(spdu)] for spdu in sent]
        assert sorted(order, key=hashes.index) != order and set(order) == set(hashes)   # mixed, not in turn
        runs = sum(1 for a, b in itertools.pairwise(order) if a != b)
        assert runs > 10                                                  # 60 items of 3 devices, interleaved
        times = {verify_ra_aca_request(spdu, scms.now, check_ra=lambda *_: None).request.generation_time
                 for spdu in sent}
        assert len(times) == 1
