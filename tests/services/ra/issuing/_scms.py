"""A whole SCMS in-process for the RA's certificate tests: the real RA, ECA, both LAs and the ACA of one deployment,
each on its own database (SQLite, or PostgreSQL schemas), wired with httpx ASGI transports, sharing one test clock;
and an end entity that does what a device does, with the protocol layer's EE side (`build_enrollment_request`,
`build_authorization_request`, `build_download_request`, `read_*`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import httpx

from scms.crypto import ButterflyVariant, HashedId8, SoftwareKey, linkage_value
from scms.deployment import Deployment
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidSsp
from scms.dot2.time import Time32
from scms.protocol.aca_ee_response import AuthorizationCertificate, read_authorization_response
from scms.protocol.butterfly_params import ButterflyKeys, NonButterflyKeys
from scms.protocol.download_files import read_batch_zip
from scms.protocol.ee_eca import EnrollmentResult, build_enrollment_request, read_enrollment_response
from scms.protocol.ee_ra_download import AUTHORIZATION_HEADER, build_download_request
from scms.protocol.ee_ra_request import RequestKeys, RequestSecrets, build_authorization_request
from scms.services.aca import AcaApps, create_aca_app
from scms.services.common import JobContext, JobStore, RunnerSettings, mount_components
from scms.services.common.tasks import Handler
from scms.services.eca import EcaApps, create_eca_app
from scms.services.la import LaApps
from scms.services.ra import RaApps, create_ra_app
from scms.services.ra.authorization_store import DISPATCH_JOB, GENERATE_JOB, StoredRequest
from scms.services.ra.generation import Generator
from scms.services.ra.issuing_settings import GenerationSettings
from scms.services.ra.peers import DeferredAppTransport
from scms.services.ra.successor_flows import forward_successor
from scms.services.ra.successor_store import SUCCESSOR_JOB

from ...eca._support import fields
from ...la._support import build_la, expected_plv, own_database
from .._support import FakeClock, operator_token, registration_body

COER = {"Content-Type": "application/octet-stream"}
AUTHORIZATION = "/ra/v3/authorization-certificate"
SUCCESSOR = "/ra/v3/successor-enrollment-certificate"
THREADS = RunnerSettings(cpu_workers=0, concurrency=2, poll_interval_s=0.05, lease_s=60.0, retry_delay_s=0.0)
"""Runners of the tests: CPU steps in threads (no process start-up), prompt polling, no retry delay."""
GENERATION = GenerationSettings(aca_batch_size=64, claim_limit=512, item_lease_s=120.0, download_delay_s=2,
                                shuffle_window_s=0.0)


@dataclass
class Scms:
    deployment: Deployment
    clock: FakeClock
    ra: RaApps
    eca: EcaApps
    las: dict[str, LaApps]
    aca: AcaApps

    def close(self) -> None:
        for engine in (self.ra.engine, self.eca.engine, self.aca.engine, *(la.engine for la in self.las.values())):
            engine.dispose()

    @property
    def now(self) -> Time32:
        return self.ra.service.now()

    @property
    def jobs(self) -> JobStore:
        return self.ra.service.jobs

    @contextlib.contextmanager
    def policy(self, **parameters: object) -> Iterator[None]:
        """The RA working with these global-policy parameters changed (e.g. `ra_max_reqs=2`) until the end."""
        service = self.ra.service
        saved = service.settings
        changed = saved.parameters.model_copy(update=parameters)
        service.settings = replace(saved, parameters=changed)
        try:
            yield
        finally:
            service.settings = saved

    @contextlib.asynccontextmanager
    async def running(self, *, ra_runner: bool = True) -> AsyncIterator[httpx.AsyncClient]:
        """A client of the embedded app (`/ra`, `/eca`), with the ACA's job runner and (unless told not to) the
        RA's running."""
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(self.aca.app.router.lifespan_context(self.aca.app))
            if ra_runner:
                await stack.enter_async_context(self.ra.public.router.lifespan_context(self.ra.public))
            app = mount_components({"/ra": self.ra.public, "/eca": self.eca.public})
            headers = {"Authorization": f"Bearer {operator_token(self.deployment)}"}
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://scms",
                                       headers=headers, timeout=120)
            yield await stack.enter_async_context(client)


def build_scms(deployment: Deployment, database_url: str, clock: FakeClock, *,
               generation: GenerationSettings = GENERATION, ra_runner: RunnerSettings = THREADS,
               transports: Mapping[str, httpx.AsyncBaseTransport] | None = None) -> Scms:
    """`transports` replace the RA's way to some peers (la1, la2, aca; e.g. to watch or break it); a replacement
    with an `app` attribute still None gets the peer's app."""
    las = {which: build_la(deployment, which, database_url, clock) for which in ("la1", "la2")}
    aca = create_aca_app(deployment, clock=clock, database_url=own_database(database_url, "aca"), runner=THREADS)
    to_eca = DeferredAppTransport()
    apps = {"la1": las["la1"].app, "la2": las["la2"].app, "aca": aca.app}
    peers: dict[str, httpx.AsyncBaseTransport] = {name: httpx.ASGITransport(app=app) for name, app in apps.items()}
    for name, transport in (transports or {}).items():
        if getattr(transport, "app", False) is None:
            transport.app = apps[name]  # type: ignore[attr-defined]
        peers[name] = transport
    peers["eca"] = to_eca
    ra = create_ra_app(deployment, clock=clock, database_url=database_url, runner=ra_runner, generation=generation,
                       transports=peers)
    eca = create_eca_app(deployment, transport_to_ra=httpx.ASGITransport(app=ra.internal), clock=clock,
                         database_url=own_database(database_url, "eca"))
    to_eca.connect(eca.internal)
    return Scms(deployment, clock, ra, eca, las, aca)


def pseudonym_fields(start: Time32, hours: int = 24, psids: Sequence[int] = (32, 38), **changes: object
                     ) -> CertificateTemplate:
    """What a device asks for: pseudonym certificates for `psids`, from `start`, for `hours`."""
    template = CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod.hours(start, hours),
                                   app_permissions=tuple(PsidSsp(p) for p in psids))
    return replace(template, **changes)  # type: ignore[arg-type]


@dataclass
class Ee:
    """A registered and enrolled device, as it would behave."""

    scms: Scms
    canonical: SoftwareKey
    enrollment: EnrollmentResult
    device_type: str = "OBU"
    requests: list[RequestSecrets] = field(default_factory=list)

    @property
    def ra_certificate(self) -> Certificate:
        return self.scms.deployment.certificate("ra")

    def authorization_request(self, fields_: CertificateTemplate | None = None, *,
                              keys: RequestKeys | None = None, kind: CertificateType = CertificateType.IMPLICIT,
                              now: Time32 | None = None, enrollment: EnrollmentResult | None = None,
                              ) -> tuple[bytes, RequestSecrets]:
        now = self.scms.now if now is None else now
        enrolled = enrollment or self.enrollment
        data, secrets = build_authorization_request(
            fields_ or pseudonym_fields(now), keys or ButterflyKeys.generate(ButterflyVariant.UNIFIED),
            enrolled.private_key, enrolled.certificate, self.ra_certificate, now, certificate_type=kind)
        return data, secrets

    def identification_request(self, *, encrypted: bool, hours: int = 168, psid: int = 135,
                               kind: CertificateType = CertificateType.IMPLICIT) -> tuple[bytes, RequestSecrets]:
        keys = NonButterflyKeys(SoftwareKey.generate(), SoftwareKey.generate() if encrypted else None)
        template = CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod.hours(self.scms.now, hours),
                                       app_permissions=(PsidSsp(psid),))
        return self.authorization_request(template, keys=keys, kind=kind)

    def download_header(self, filename: str, *, now: Time32 | None = None,
                        enrollment: EnrollmentResult | None = None) -> dict[str, str]:
        enrolled = enrollment or self.enrollment
        value = build_download_request(filename, enrolled.private_key, enrolled.certificate, self.ra_certificate,
                                       self.scms.now if now is None else now)
        return {AUTHORIZATION_HEADER: value}

    def read_batch(self, data: bytes, secrets: RequestSecrets) -> list[AuthorizationCertificate]:
        """Every certificate of a batch zip with its private key, the chain checked to the deployment's root."""
        batch = read_batch_zip(data, secrets.request_hash)
        return [self.read_one(spdu, secrets, batch.info.current_i, j) for j, spdu in sorted(batch.responses.items())]

    def read_one(self, spdu: bytes, secrets: RequestSecrets, i: int | None = None,
                 j: int | None = None) -> AuthorizationCertificate:
        deployment = self.scms.deployment
        return read_authorization_response(
            spdu, secrets, self.scms.now, trust_anchors=[deployment.certificate("root")],
            intermediates=[deployment.certificate("aca"), deployment.certificate("ica")], i=i, j=j)


async def enrolled_device(scms: Scms, http: httpx.AsyncClient, device_type: str = "OBU", *,
                          kind: CertificateType = CertificateType.IMPLICIT) -> Ee:
    """Register a device with the operator token, enrol it at the ECA (signed by its canonical key)."""
    canonical = SoftwareKey.generate()
    registered = await http.post("/ra/registration/v1/devices", json=registration_body(canonical, device_type))
    assert registered.status_code == 201, registered.text
    now = scms.now
    psids = (32, 38, 135) if device_type == "OBU" else (135,)
    request = build_enrollment_request(fields(now, psids=psids), canonical, now, certificate_type=kind)
    response = await http.post("/eca/v3/enrollment-certificate", content=request, headers=COER)
    assert response.status_code == 200, response.headers
    result = read_enrollment_response(response.content, request, canonical, (scms.deployment.certificate("root"),),
                                      now)
    return Ee(scms, canonical, result, device_type)


def stored_request(scms: Scms, data: bytes) -> StoredRequest:
    found = scms.ra.service.requests.find(HashedId8.of(data))
    assert found is not None
    return found


def expected_linkage_value(scms: Scms, request: StoredRequest, i: int, j: int) -> bytes:
    """lv(i, j) recomputed from both LAs' stored seeds of the chains the RA recorded for the request."""
    assert request.chain_1 is not None and request.chain_2 is not None
    return linkage_value(expected_plv(scms.las["la1"], request.chain_1, i, j),
                         expected_plv(scms.las["la2"], request.chain_2, i, j))


def handlers(scms: Scms) -> dict[str, Handler]:
    service, generator = scms.ra.service, Generator(scms.ra.service)
    return {GENERATE_JOB: generator.plan, DISPATCH_JOB: generator.dispatch,
            SUCCESSOR_JOB: partial(forward_successor, service)}


async def run_due_jobs(scms: Scms, owner: str = "test-worker") -> list[str]:
    """Claim and run every due job of the RA as one worker would (the RA's runner is not running)."""
    results, jobs = [], handlers(scms)
    while True:
        lease = scms.jobs.claim(owner, kinds=tuple(jobs), now=scms.clock(), lease=dt.timedelta(seconds=60))
        if lease is None:
            return results
        result = await jobs[lease.job.kind](lease.job, JobContext(lease.job, None))
        assert scms.jobs.complete(lease, result, now=scms.clock())
        results.append(result or "")
