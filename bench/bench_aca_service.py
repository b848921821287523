"""One device-year of pseudonym certificates (52 i-periods x 20 = 1040, unified butterfly keys, implicit) through
the LA and ACA services, in-process (httpx ASGI transport, SQLite files), with the RA's own protocol steps timed
beside them. Goal (issue 4): from request to downloadable in < 2 s, end to end, on this 2-core machine.

* LA: each LA answers `POST /v1/pre-linkage-values` for a new chain, 52 i-periods x jMax 20 (1040 encrypted PLVs);
* RA: builds and signs the 1040 `RaAcaCertRequestSpdu`s (`butterfly_request`, `sign_ra_aca_request`; not a service
  yet, timed on one core);
* ACA: `POST /v1/certificate-requests` with the 1040 requests in one batch: recorded with a job, verified (the RA
  chain once) and issued in the runner's pool (`cpu_workers` processes, 64 requests a piece), answers stored,
  returned; timed for 2, 1 and 0 (threads) pool processes, after a warm-up batch (process start, keys loaded);
* RA: opens the 1040 answers as its pool step does (`generation_cpu.open_answers`: `open_aca_ra_response`, the
  ACA certificate's chain verified once; timed on one core), which are then downloadable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine, select

from scms.crypto import ButterflyVariant
from scms.deployment import Deployment, DeploymentConfig, load_deployment
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidSsp
from scms.dot2.time import IPeriods, LeapSeconds, Time32
from scms.manager import init_deployment
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.la_messages import PlvChainRequest, PlvRequest, PlvResponse
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_batch import AcaRaBatch, RaAcaBatch
from scms.protocol.ra_aca_request import LinkageInfo, sign_ra_aca_request
from scms.services.aca import WARM_UP_KIND, create_aca_app
from scms.services.common import RunnerSettings
from scms.services.common.task_tables import jobs
from scms.services.la import create_la_app
from scms.services.ra.generation_cpu import open_answers

I_PERIODS, J_MAX = 52, 20
CERTIFICATES = I_PERIODS * J_MAX


def _timed(function: object, *args: object) -> tuple[object, float]:
    start = time.perf_counter()
    result = function(*args)  # type: ignore[operator]
    return result, time.perf_counter() - start


async def _plvs(deployment: Deployment, folder: Path, i_first: int) -> tuple[dict[str, PlvResponse], float]:
    ask = PlvRequest((PlvChainRequest(None, i_first, I_PERIODS, J_MAX),))
    answers: dict[str, PlvResponse] = {}
    seconds = 0.0
    for which in ("la1", "la2"):
        apps = create_la_app(deployment, which, database_url=f"sqlite:///{folder / which}.db")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=apps.app), base_url="http://la") as la:
            start = time.perf_counter()
            response = await la.post("/v1/pre-linkage-values", content=ask.to_json())
            seconds += time.perf_counter() - start
        answers[which] = PlvResponse.from_json(response.content, ask)
        apps.engine.dispose()
    return answers, seconds


def _ra_requests(deployment: Deployment, plvs: dict[str, PlvResponse], i_first: int, now: Time32) -> list[bytes]:
    parameters = deployment.global_policy.parameters
    periods = IPeriods(Time32(parameters.i_period_epoch), parameters.i_period_length)
    params = ButterflyKeys.generate(ButterflyVariant.UNIFIED).params()
    key, certificate = deployment.signing_key("ra"), deployment.certificate("ra")
    spdus = []
    for i in range(i_first, i_first + I_PERIODS):
        template = CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod(periods.start(i), "hours", 169),
                                       app_permissions=(PsidSsp(32), PsidSsp(38)))
        for j in range(J_MAX):
            linkage = LinkageInfo(plvs["la1"].chains[0].plv(i, j), plvs["la2"].chains[0].plv(i, j))
            request = butterfly_request(params, i, j, template, linkage, CertificateType.IMPLICIT, now)
            spdus.append(sign_ra_aca_request(request, key, certificate))
    return spdus


async def _post(app: object, spdus: list[bytes]) -> tuple[AcaRaBatch, float]:
    batch = RaAcaBatch(tuple(spdus))
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://aca", timeout=600) as client:
        start = time.perf_counter()
        response = await client.post("/v1/certificate-requests", content=batch.to_json())
        seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"ACA answered {response.status_code}")
    return AcaRaBatch.from_json(response.content, batch), seconds


def _cpu_seconds() -> float:
    """CPU time of this process and of its living child processes (the pool), from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = time.process_time()
    for child in multiprocessing.active_children():
        try:
            fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks          # utime, stime
    return total


async def _aca(deployment: Deployment, database: str, workers: int, warm: list[bytes],
               spdus: list[bytes]) -> tuple[AcaRaBatch, float, float]:
    """The answers, the wall time and the CPU time (every process) of one batch."""
    runner = RunnerSettings(cpu_workers=workers, concurrency=2, poll_interval_s=0.05)
    apps = create_aca_app(deployment, database_url=database, runner=runner)
    async with apps.app.router.lifespan_context(apps.app):
        await _post(apps.app, warm)
        await _warmed_up(apps.engine)                        # each pool process started, keys and trust loaded
        cpu = _cpu_seconds()
        answered, seconds = await _post(apps.app, spdus)
        cpu = _cpu_seconds() - cpu
    apps.engine.dispose()
    return answered, seconds, cpu


async def _warmed_up(engine: Engine) -> None:
    query = select(jobs.c.state).where(jobs.c.kind == WARM_UP_KIND)
    for _ in range(600):
        with engine.connect() as connection:
            states = set(connection.execute(query).scalars())
        if not states - {"succeeded"}:
            return
        await asyncio.sleep(0.05)
    raise RuntimeError("the ACA's pool did not warm up in 30 s")


def run() -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        init_deployment(folder / "scms", DeploymentConfig(), Time32.from_datetime(dt.datetime.now(dt.UTC)))
        deployment = load_deployment(folder / "scms")
        parameters = deployment.global_policy.parameters
        now = Time32(Time32.from_datetime(dt.datetime.now(dt.UTC), LeapSeconds.fixed(parameters.leap_seconds)) - 5)
        i_first = int(IPeriods(Time32(parameters.i_period_epoch), parameters.i_period_length).i_at(now)) + 1
        plvs, la_seconds = asyncio.run(_plvs(deployment, folder, i_first))
        spdus, build_seconds = _timed(_ra_requests, deployment, plvs, i_first, now)
        assert isinstance(spdus, list)
        rows.append(("LA (both): 1040 encrypted PLVs each, over HTTP, per certificate",
                     la_seconds / CERTIFICATES * 1e6))
        rows.append(("RA: build + sign one RaAcaCertRequestSpdu (one core)", build_seconds / CERTIFICATES * 1e6))
        aca_seconds: dict[int, float] = {}
        aca_cpu = 0.0
        for workers in (2, 1, 0):
            answered, seconds, cpu = asyncio.run(_aca(deployment, f"sqlite:///{folder}/aca-{workers}.db", workers,
                                                      spdus[:4], spdus[4:] + spdus[:4]))
            aca_cpu = cpu if workers == 2 else aca_cpu
            refused = {answer for answer in answered.responses if not isinstance(answer, bytes)}
            if refused:
                raise RuntimeError(f"the ACA refused requests: {refused}")
            aca_seconds[workers] = seconds
            label = f"{workers} pool processes" if workers else "threads, no pool"
            rows.append((f"ACA service: one 1040-request batch, {label}, per certificate",
                         seconds / CERTIFICATES * 1e6))
        rows.append(("ACA service, 2 processes: CPU time of all processes, per certificate",
                     aca_cpu / CERTIFICATES * 1e6))
        answers = [answer for answer in answered.responses if isinstance(answer, bytes)]
        open_answers(str(folder / "scms"), answers[:1], int(now) + 60)  # as a warm pool process: deployment loaded

        def open_all() -> None:  # the RA's pool step: the ACA chain verified once, each signature every time
            opened = open_answers(str(folder / "scms"), answers, int(now) + 60)
            assert all(isinstance(entry, tuple) for entry in opened)

        _, open_seconds = _timed(open_all)
        rows.append(("RA: open one AcaRaCertResponseSpdu (one core)", open_seconds / CERTIFICATES * 1e6))
    total = la_seconds + build_seconds + aca_seconds[2] + open_seconds
    print(f"ACA service, 2 pool processes: {CERTIFICATES / aca_seconds[2]:.0f} certificates/s "
          f"(1 process: {CERTIFICATES / aca_seconds[1]:.0f}/s, threads: {CERTIFICATES / aca_seconds[0]:.0f}/s)")
    cpu = la_seconds + build_seconds + aca_cpu + open_seconds
    print(f"ACA CPU time for the batch (main + pool processes): {aca_cpu:.2f} s, {aca_cpu / CERTIFICATES * 1e3:.2f} "
          f"ms a certificate; the whole device-year's CPU time {cpu:.2f} s: {cpu / 2:.2f} s on two idle cores at best")
    print(f"one device-year, steps one after the other: LAs {la_seconds:.2f} s + RA build {build_seconds:.2f} s + "
          f"ACA {aca_seconds[2]:.2f} s + RA open {open_seconds:.2f} s = {total:.2f} s (goal < 2 s)")
    return rows
