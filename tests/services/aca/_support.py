"""The ACA tests' stand-ins for the other parties, each built with the protocol layer's own side of the exchange:

* `Stack`: both LAs and the ACA of one deployment on databases of one kind, with the clock they share;
* `MiniRa`: what the RA does around the ACA (new chains at both LAs over HTTP, one `RaAcaCertRequestSpdu` per
  certificate signed with the deployment's RA key; reading the ACA's answers with `open_aca_ra_response`);
* `Device`: an EE's secrets per request and its reading of a downloaded answer (`read_authorization_response`),
  with the linkage value recomputed from both LAs' stored seeds (`tests/services/la/_support.expected_plv`).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
from sqlalchemy import func, select

from scms.crypto import ButterflyVariant, HashedId8, SoftwareKey, linkage_value
from scms.deployment import Deployment
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateId, CertificateType, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.chain import verify_chain
from scms.dot2.permissions import PsidSsp
from scms.dot2.time import IPeriods, Time32
from scms.protocol.aca_ee_response import AuthorizationCertificate, read_authorization_response
from scms.protocol.aca_ra_response import open_aca_ra_response
from scms.protocol.butterfly_params import ButterflyKeys, NonButterflyKeys
from scms.protocol.ee_ra_request import RequestKeys, RequestSecrets
from scms.protocol.la_messages import PlvChainRequest, PlvRequest, PlvResponse
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_batch import AcaRaBatch, RaAcaBatch
from scms.protocol.ra_aca_request import LinkageInfo, RaAcaCertRequest, sign_ra_aca_request
from scms.services.aca import AcaApps, create_aca_app
from scms.services.aca.tables import requests
from scms.services.common import RunnerSettings
from scms.services.common.task_tables import jobs
from scms.services.la import LaApps

from ..la._support import PLV_ROUTE, build_la, expected_plv, own_database
from ..ra._support import FakeClock, trust_report

BATCH = "/v1/certificate-requests"
THREADS = RunnerSettings(cpu_workers=0, concurrency=2, poll_interval_s=0.05, lease_s=60.0, retry_delay_s=0.0)
"""The runner of most tests: issuing in threads (no process start-up), prompt polling."""


@dataclass
class Stack:
    deployment: Deployment
    clock: FakeClock
    las: dict[str, LaApps]
    aca: AcaApps

    def close(self) -> None:
        for engine in (*(apps.engine for apps in self.las.values()), self.aca.engine):
            engine.dispose()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[httpx.AsyncClient]:
        """The ACA's client with its lifespan (the job runner) running."""
        async with self.aca.app.router.lifespan_context(self.aca.app), self.client() as client:
            yield client

    @contextlib.asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=self.aca.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://aca", timeout=60) as client:
            yield client

    def now(self) -> Time32:
        return self.aca.service.now()

    def counts(self) -> tuple[int, int]:
        """(rows of aca_requests, jobs) in the ACA's database."""
        with self.aca.engine.connect() as connection:
            return (connection.execute(select(func.count()).select_from(requests)).scalar_one(),
                    connection.execute(select(func.count()).select_from(jobs)).scalar_one())


def build_stack(deployment: Deployment, database_url: str, *, runner: RunnerSettings = THREADS,
                clock: FakeClock | None = None) -> Stack:
    clock = clock or FakeClock()
    las = {which: build_la(deployment, which, database_url, clock) for which in ("la1", "la2")}
    aca = create_aca_app(deployment, clock=clock, database_url=own_database(database_url, "aca"), runner=runner,
                         verified=trust_report(deployment))
    return Stack(deployment, clock, las, aca)


@dataclass
class Wanted:
    """One certificate the mini RA asked for: the signed request, and what the EE needs to read the answer."""

    spdu: bytes
    secrets: RequestSecrets
    i: int | None = None
    j: int | None = None
    chains: dict[str, bytes] = field(default_factory=dict)
    """The device's chain identifier at each LA (pseudonyms)."""


class MiniRa:
    """The RA's side of the ACA and LA interfaces, with the deployment's RA key."""

    def __init__(self, stack: Stack, *, key: SoftwareKey | None = None, certificate: Certificate | None = None):
        self.stack = stack
        self.key = key or stack.deployment.signing_key("ra")
        self.certificate = certificate or stack.deployment.certificate("ra")
        parameters = stack.deployment.global_policy.parameters
        self.periods = IPeriods(Time32(parameters.i_period_epoch), parameters.i_period_length)
        self.i = int(self.periods.i_at(stack.now())) + 1      # the next i-period: within the ACA's validity

    async def chains(self, i_count: int, j_max: int) -> dict[str, PlvResponse]:
        """A new chain at each LA from i-period `self.i` (what the RA asks for a new device)."""
        ask = PlvRequest((PlvChainRequest(None, self.i, i_count, j_max),))
        answers = {}
        for which, apps in self.stack.las.items():
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=apps.app), base_url="http://la") as la:
                response = await la.post(PLV_ROUTE, content=ask.to_json())
            answers[which] = PlvResponse.from_json(response.content, ask)
        return answers

    def pseudonym_template(self, i: int) -> CertificateTemplate:
        validity = ValidityPeriod(self.periods.start(i), "hours", 169)
        return CertificateTemplate(id=CertificateId.none(), validity=validity,
                                   app_permissions=(PsidSsp(32), PsidSsp(38)))

    async def device_year(self, variant: ButterflyVariant, kind: CertificateType, i_count: int,
                          j_max: int) -> list[Wanted]:
        """The requests for `i_count` i-periods x `j_max` certificates of one new butterfly device."""
        device = ButterflyKeys.generate(variant)
        plvs = await self.chains(i_count, j_max)
        secrets = RequestSecrets(HashedId8(bytes(8)), kind, device)
        wanted = []
        for i in range(self.i, self.i + i_count):
            for j in range(j_max):
                linkage = LinkageInfo(plvs["la1"].chains[0].plv(i, j), plvs["la2"].chains[0].plv(i, j))
                request = butterfly_request(device.params(), i, j, self.pseudonym_template(i), linkage, kind,
                                            self.stack.now())
                wanted.append(Wanted(sign_ra_aca_request(request, self.key, self.certificate), secrets, i, j,
                                     {w: plvs[w].chains[0].chain_id for w in plvs}))
        return wanted

    def identification(self, kind: CertificateType, *, encrypted: bool, psid: int = 135) -> Wanted:
        """An identification certificate request (no butterfly keys), its answer encrypted or plain."""
        keys: RequestKeys = NonButterflyKeys(SoftwareKey.generate(), SoftwareKey.generate() if encrypted else None)
        assert isinstance(keys, NonButterflyKeys)
        start = self.periods.start(self.i)
        template = CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod(start, "hours", 168),
                                       app_permissions=(PsidSsp(psid),))
        enc = None if keys.response_encryption is None else PublicEncryptionKey(keys.response_encryption.public_point)
        request = RaAcaCertRequest(self.stack.now(), kind, template, keys.request_key, cert_enc_key=enc)
        return Wanted(sign_ra_aca_request(request, self.key, self.certificate), RequestSecrets(HashedId8(bytes(8)),
                                                                                               kind, keys))

    def check_aca(self, certificate: Certificate, now: Time32) -> object:
        return verify_chain(certificate, [self.stack.deployment.certificate("ica")], self.roots, now)

    @property
    def roots(self) -> list[Certificate]:
        return [self.stack.deployment.certificate("root")]

    def read(self, wanted: Wanted, answer: bytes) -> AuthorizationCertificate:
        """RA: open the ACA's answer; EE: read the SPDU the RA stored for download, as a device does."""
        now = self.stack.now()
        opened = open_aca_ra_response(answer, now, check_aca=self.check_aca)
        assert opened.request_hash == HashedId8.of(wanted.spdu)
        if wanted.i is not None:
            assert opened.kind in ("private", "cubk")                    # a pseudonym the RA cannot read
        deployment = self.stack.deployment
        return read_authorization_response(
            opened.ee_spdu, wanted.secrets, now, trust_anchors=self.roots,
            intermediates=[deployment.certificate("aca"), deployment.certificate("ica")], i=wanted.i, j=wanted.j)

    def expected_linkage_value(self, wanted: Wanted) -> bytes:
        """lv(i, j) from both LAs' stored seeds (not from anything the ACA or the RA handled)."""
        assert wanted.i is not None and wanted.j is not None
        return linkage_value(*(expected_plv(self.stack.las[w], wanted.chains[w], wanted.i, wanted.j)
                               for w in ("la1", "la2")))


def shuffled(items: list[Wanted], seed: int = 7) -> list[Wanted]:
    """Mixed across devices, as the RA sends them."""
    mixed = list(items)
    random.Random(seed).shuffle(mixed)
    return mixed


async def post_batch(client: httpx.AsyncClient, wanted: list[Wanted] | list[bytes]) -> httpx.Response:
    spdus = tuple(w.spdu if isinstance(w, Wanted) else w for w in wanted)
    return await client.post(BATCH, content=RaAcaBatch(spdus).to_json(),
                             headers={"Content-Type": "application/json"})


def answers(response: httpx.Response, wanted: list[Wanted] | list[bytes]) -> AcaRaBatch:
    assert response.status_code == 200, response.text
    spdus = tuple(w.spdu if isinstance(w, Wanted) else w for w in wanted)
    return AcaRaBatch.from_json(response.content, RaAcaBatch(spdus))
