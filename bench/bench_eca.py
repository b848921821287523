"""Enrollments per second at the ECA, in-process: the embedded RA and ECA (SQLite files, the ECA asking the RA's
internal app through an httpx ASGI transport), each request a real `POST /eca/v3/enrollment-certificate` through
the ASGI stack: parse and verify, the RA's registration check, policy, rate limits, the accepted request committed,
issue (lint + sign or ECQV), the signed response stored, the RA's "enrolled" record. The devices are registered
and their requests built beforehand (the EE's work is not counted). Goal (issue 4): >= 500 enrollments/s.

Each run also reports the process's CPU time per enrollment (on a machine shared with other work the wall clock
varies more), and times the flow without the outer HTTP request, one of its two in-process calls to the RA, and
its own steps, to show where the time goes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path

import httpx

from bench._timing import per_op_micros
from scms.crypto import SoftwareKey, sha256
from scms.deployment import DeploymentConfig, load_deployment
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidGroupPermissions, PsidSspRange
from scms.dot2.time import Time32
from scms.manager import init_deployment
from scms.protocol.ee_eca import build_enrollment_request, parse_enrollment_request
from scms.services.common import mount_components
from scms.services.eca import EcaService, create_eca_app, enroll, plan_enrollment
from scms.services.ra import DeviceStore, create_ra_app

COUNT = 400
CONCURRENCY = 8


def _fields(now: Time32) -> CertificateTemplate:
    groups = (PsidGroupPermissions((PsidSspRange(32), PsidSspRange(38)), 1, 0, app=True),)
    return CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod.years(now, 3),
                               cert_request_permissions=groups)


def _requests(keys: list[SoftwareKey], now: Time32, kind: CertificateType) -> list[bytes]:
    return [build_enrollment_request(_fields(now), key, now, certificate_type=kind) for key in keys]


async def _enrol_all(app: object, requests: list[bytes], concurrency: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds (this process) to enrol every request, `concurrency` at a time."""
    gate = asyncio.Semaphore(concurrency)
    headers = {"Content-Type": "application/octet-stream"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://scms") as http:  # type: ignore[arg-type]

        async def one(request: bytes) -> None:
            async with gate:
                response = await http.post("/eca/v3/enrollment-certificate", content=request, headers=headers)
                if response.status_code != 200:
                    raise RuntimeError(f"enrollment failed: {response.status_code} {response.text}")

        start, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one(request) for request in requests))
        return time.perf_counter() - start, time.process_time() - cpu


def run() -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        started = dt.datetime.now(dt.UTC)
        init_deployment(directory / "scms", DeploymentConfig(), Time32.from_datetime(started))
        deployment = load_deployment(directory / "scms")
        ra = create_ra_app(deployment)
        eca = create_eca_app(deployment, transport_to_ra=httpx.ASGITransport(app=ra.internal))
        app = mount_components({"/ra": ra.public, "/eca": eca.public})
        now = eca.service.now()
        for kind in (CertificateType.EXPLICIT, CertificateType.IMPLICIT):
            for concurrency in (1, CONCURRENCY):
                keys = [SoftwareKey.generate() for _ in range(COUNT)]
                for key in keys:
                    ra.devices.register("OBU", key.public_point, dt.datetime.now(dt.UTC))
                requests = _requests(keys, eca.service.now(), kind)
                seconds, cpu = asyncio.run(_enrol_all(app, requests, concurrency))
                rows.append((f"enrollment {kind.value}, {concurrency} in flight (HTTP, in-process)",
                             seconds / COUNT * 1e6))
                rows.append(("  CPU time of it (one core to itself: the op/s)", cpu / COUNT * 1e6))
        rows.extend(asyncio.run(_round_trips(eca.service, ra.devices)))
        rows.extend(_steps(eca.service, now))
        ra.engine.dispose()
        eca.engine.dispose()
    for (operation, micros), (_, cpu) in zip(rows[0:8:2], rows[1:8:2], strict=True):
        verdict = "meets" if 1e6 / micros >= 500 else "misses"
        print(f"{operation}: {1e6 / micros:.0f} enrollments/s ({verdict} the 500/s goal); "
              f"CPU {cpu:.0f} µs each")
    return rows


async def _round_trips(service: EcaService, devices: DeviceStore) -> list[tuple[str, float]]:
    """The flow without the outer HTTP request, and one registration check (the ECA asks the RA in-process)."""
    keys = [SoftwareKey.generate() for _ in range(COUNT)]
    for key in keys:
        devices.register("OBU", key.public_point, dt.datetime.now(dt.UTC))
    requests = _requests(keys, service.now(), CertificateType.EXPLICIT)
    start = time.perf_counter()
    for key in keys:
        await service.registry.by_key(key.public_point)
    checks = (time.perf_counter() - start) / COUNT * 1e6
    start = time.perf_counter()
    for request in requests:
        await enroll(service, request)
    flows = (time.perf_counter() - start) / COUNT * 1e6
    return [("the flow alone (enroll(), no outer HTTP), explicit", flows),
            ("step: RA registration check (in-process HTTP)", checks)]


def _steps(service: EcaService, now: Time32) -> list[tuple[str, float]]:
    key = SoftwareKey.generate()
    request = build_enrollment_request(_fields(now), key, now, certificate_type=CertificateType.IMPLICIT)
    parsed = parse_enrollment_request(request, now, 300)
    rules = service.settings.device_types["OBU"]
    plan = plan_enrollment(parsed, rules, service.settings.issuing, service.issuer.certificate, now)
    return [
        ("step: parse + verify the request", per_op_micros(lambda: parse_enrollment_request(request, now, 300))),
        ("step: plan (policy checks)", per_op_micros(lambda: plan_enrollment(
            parsed, rules, service.settings.issuing, service.issuer.certificate, now))),
        ("step: issue implicit + sign the response", per_op_micros(lambda: service.issuer.issue(
            plan, CertificateType.IMPLICIT, parsed.request_hash, now))),
        ("step: find a stored request (SQLite)", per_op_micros(lambda: service.store.find(sha256(request)))),
    ]
