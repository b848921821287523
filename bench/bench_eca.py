"""Enrollments per second at the ECA: the embedded RA and ECA (SQLite files, the ECA asking the RA's registry directly,
`DirectRaRegistry`, as the embedded default does), each request a real `POST /eca/v3/enrollment-certificate` through the
whole ASGI stack: parse and verify, the RA's registration check, policy, rate limits, issue (lint + sign or ECQV), the
request committed with its signed response (one transaction), the RA's "enrolled" record. The devices are registered
and their requests built beforehand (the EE's work is not counted). Goal (issue 4): >= 500 enrollments/s.

The requests are handed to the app as an ASGI server hands them (scope, body, the answer collected), from the same
process: no HTTP client runs (the load generator's work is not the ECA's), and an HTTP server's parsing (uvicorn +
httptools, some tens of µs a request) is not counted. Each run reports wall clock and the process's CPU time per
enrollment (on a machine shared with other work the wall clock varies more). One row runs two such processes at once,
each with its own embedded RA + ECA on the same SQLite files (WAL; what two server worker processes would do), to show
what both cores give. One row has the ECA ask the RA over its internal API instead (`HttpRaRegistry` to the RA's
internal app in-process: what separate processes pay, less the network). Then the steps, in CPU time per call, to show
where it goes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from scms.crypto import SoftwareKey, sha256
from scms.deployment import DeploymentConfig, load_deployment
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidGroupPermissions, PsidSspRange
from scms.dot2.time import Time32
from scms.manager import init_deployment
from scms.protocol.ee_eca import build_enrollment_request, parse_enrollment_request
from scms.services.common import InProcessTransport, mount_components
from scms.services.common.tasks import utc_now
from scms.services.eca import EcaApps, EcaService, create_eca_app, enroll, plan_enrollment
from scms.services.eca.flows import _accepted
from scms.services.ra import EcaDesk, RaApps, create_ra_app
from scms.services.runtime.ra_registry import DirectRaRegistry

COUNT = 400
CONCURRENCY = 8
PROCESSES = 2


def _fields(now: Time32) -> CertificateTemplate:
    groups = (PsidGroupPermissions((PsidSspRange(32), PsidSspRange(38)), 1, 0, app=True),)
    return CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod.years(now, 3),
                               cert_request_permissions=groups)


def _embedded(directory: Path, *, over_http: bool = False) -> tuple[RaApps, EcaApps, Any]:
    """The RA and the ECA as the embedded default wires them; `over_http`: the ECA asks the RA's internal app."""
    deployment = load_deployment(directory)
    ra = create_ra_app(deployment)
    if over_http:
        eca = create_eca_app(deployment, transport_to_ra=httpx.ASGITransport(app=ra.internal))
    else:
        eca = create_eca_app(deployment, ra_registry=DirectRaRegistry(EcaDesk(ra.devices, utc_now)))
    return ra, eca, mount_components({"/ra": ra.public, "/eca": eca.public})


def _registered_requests(ra: RaApps, now: Time32, kind: CertificateType, count: int) -> list[bytes]:
    keys = [SoftwareKey.generate() for _ in range(count)]
    for key in keys:
        ra.devices.register("OBU", key.public_point, dt.datetime.now(dt.UTC))
    return [build_enrollment_request(_fields(now), key, now, certificate_type=kind) for key in keys]


async def _enrol_all(app: Any, requests: list[bytes], concurrency: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds (this process) to enrol every request, `concurrency` at a time."""
    gate = asyncio.Semaphore(concurrency)
    server = InProcessTransport(app=app)
    headers = [(b"content-type", b"application/octet-stream")]

    async def one(request: bytes) -> None:
        async with gate:
            status, _, answer = await server.call("POST", "/eca/v3/enrollment-certificate", b"", headers, request)
            if status != 200:
                raise RuntimeError(f"enrollment failed: {status} {answer[:200]!r}")

    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(request) for request in requests))
    return time.perf_counter() - start, time.process_time() - cpu


def run() -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder) / "scms"
        init_deployment(directory, DeploymentConfig(), Time32.from_datetime(dt.datetime.now(dt.UTC)))
        ra, eca, app = _embedded(directory)
        for kind in (CertificateType.EXPLICIT, CertificateType.IMPLICIT):
            for concurrency in (1, CONCURRENCY):
                requests = _registered_requests(ra, eca.service.now(), kind, COUNT)
                seconds, cpu = asyncio.run(_enrol_all(app, requests, concurrency))
                rows.append((f"enrollment {kind.value}, {concurrency} in flight (1 process)", seconds / COUNT * 1e6))
                rows.append(("  CPU time of it (one core to itself: the op/s)", cpu / COUNT * 1e6))
        http_ra, http_eca, http_app = _embedded(directory, over_http=True)
        requests = _registered_requests(ra, eca.service.now(), CertificateType.EXPLICIT, COUNT)
        seconds, cpu = asyncio.run(_enrol_all(http_app, requests, CONCURRENCY))
        rows.append((f"enrollment explicit, {CONCURRENCY} in flight, RA over HTTP (1 process)", seconds / COUNT * 1e6))
        rows.append(("  CPU time of it (one core to itself: the op/s)", cpu / COUNT * 1e6))
        http_ra.engine.dispose()
        http_eca.engine.dispose()
        requests = _registered_requests(ra, eca.service.now(), CertificateType.EXPLICIT, COUNT * PROCESSES)
        seconds, cpu = _in_processes(directory, requests)
        label = f"enrollment explicit, {PROCESSES} processes x {CONCURRENCY} in flight"
        rows.append((label, seconds / len(requests) * 1e6))
        rows.append(("  CPU time of it (all processes)", cpu / len(requests) * 1e6))
        rows.extend(asyncio.run(_steps(ra, eca.service)))
        ra.engine.dispose()
        eca.engine.dispose()
    for (operation, micros), (_, cpu) in zip(rows[0:12:2], rows[1:12:2], strict=True):
        verdict = "meets" if 1e6 / micros >= 500 else "misses"
        print(f"{operation}: {1e6 / micros:.0f} enrollments/s ({verdict} the 500/s goal); CPU {cpu:.0f} µs each")
    return rows


def _in_processes(directory: Path, requests: list[bytes]) -> tuple[float, float]:
    """Wall clock (first start to last end) and CPU seconds of `PROCESSES` processes sharing `requests`."""
    context = multiprocessing.get_context("spawn")
    results: Any = context.Queue()
    ready: Any = context.Barrier(PROCESSES + 1)
    shares = [requests[i::PROCESSES] for i in range(PROCESSES)]
    workers = [context.Process(target=_worker, args=(directory, share, ready, results)) for share in shares]
    for worker in workers:
        worker.start()
    ready.wait()
    done = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    if any(isinstance(result, str) for result in done):
        raise RuntimeError(f"a worker failed: {done}")
    return max(end for _, end, _ in done) - min(start for start, _, _ in done), sum(cpu for _, _, cpu in done)


def _worker(directory: Path, requests: list[bytes], ready: Any, results: Any) -> None:
    try:
        ra, eca, app = _embedded(directory)
        ready.wait()
        start = time.time()
        _, cpu = asyncio.run(_enrol_all(app, requests, CONCURRENCY))
        results.put((start, time.time(), cpu))
        ra.engine.dispose()
        eca.engine.dispose()
    except Exception as error:  # reported to the parent, which fails the run
        results.put(f"{os.getpid()}: {error!r}")


async def _cpu_micros(calls: list[Callable[[], Awaitable[object]]]) -> float:
    start = time.process_time()
    for call in calls:
        await call()
    return (time.process_time() - start) / len(calls) * 1e6


async def _steps(ra: RaApps, service: EcaService) -> list[tuple[str, float]]:
    """CPU µs per call of the flow without the outer request and of its steps (each on fresh devices)."""
    now = service.now()
    requests = _registered_requests(ra, now, CertificateType.EXPLICIT, COUNT)
    flows = await _cpu_micros([lambda r=r: enroll(service, r) for r in requests])  # type: ignore[misc]
    requests = _registered_requests(ra, now, CertificateType.IMPLICIT, COUNT)
    parsed = [parse_enrollment_request(r, now, 300) for r in requests]
    devices = [await service.registry.by_key(p.requested_key) for p in parsed]
    rules, issuing, eca = service.settings.device_types["OBU"], service.settings.issuing, service.issuer.certificate
    plans = [plan_enrollment(p, rules, issuing, eca, now) for p in parsed]
    accepted = [_accepted(p, d, plan) for p, d, plan in zip(parsed, devices, plans, strict=True)]
    issued = [service.issuer.issue(plan, CertificateType.IMPLICIT, p.request_hash, now) for p, plan in zip(
        parsed, plans, strict=True)]
    limits = service.settings.limits

    async def sync(value: object) -> object:
        return value

    def each(step: Callable[[int], object]) -> list[Callable[[], Awaitable[object]]]:
        return [lambda i=i: sync(step(i)) for i in range(len(requests))]  # type: ignore[misc]

    return [
        ("the flow alone (enroll(), no outer request), explicit, CPU", flows),
        ("step: RA registration check (in-process), CPU",
         await _cpu_micros([lambda p=p: service.registry.by_key(p.requested_key) for p in parsed])),  # type: ignore[misc]
        ("step: parse + verify the request, CPU", await _cpu_micros(each(
            lambda i: parse_enrollment_request(requests[i], now, 300)))),
        ("step: plan (policy checks), CPU", await _cpu_micros(each(
            lambda i: plan_enrollment(parsed[i], rules, issuing, eca, now)))),
        ("step: issue implicit + sign the response, CPU", await _cpu_micros(each(
            lambda i: service.issuer.issue(plans[i], CertificateType.IMPLICIT, parsed[i].request_hash, now)))),
        ("step: store request + response (one SQLite commit), CPU", await _cpu_micros(each(
            lambda i: service.store.enrol(accepted[i], limits, now, lambda _: (
                issued[i].certificate.hashed_id8(), issued[i].response))))),
        ("step: RA enrolled record (in-process), CPU", await _cpu_micros([
            lambda d=d, c=c: service.registry.enrolled(d.canonical_id, c.certificate.hashed_id8())  # type: ignore[misc]
            for d, c in zip(devices, issued, strict=True)])),
        ("step: find a stored request (SQLite), CPU", await _cpu_micros(each(
            lambda i: service.store.find(sha256(requests[i]))))),
    ]
