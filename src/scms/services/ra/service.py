"""What the RA's certificate flows work with: `RaService` (settings, certificate and keys, trust, stores, peers,
job runner, clock), built once at start by `create_ra_service` from the loaded deployment.

A missing or wrong key, or a home CTL that does not verify, stops start-up (style rule 13: never fail open).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import httpx
from sqlalchemy import Engine

from scms.crypto import SoftwareKey
from scms.deployment import Deployment
from scms.deployment.inventory import load_inventory
from scms.deployment.publication import home_trust
from scms.dot2.certificate import Certificate
from scms.dot2.time import Time32
from scms.protocol.ra_receiver import EnrollmentCheck, RaReceiver
from scms.protocol.security_mgmt_ssp import Role, certificate_role
from scms.services.common import JobRunner, JobStore, VerifiedChains
from scms.services.common.tasks import Clock
from scms.services.ra.authorization_store import AuthorizationStore, RaLimits
from scms.services.ra.devices import DeviceStore
from scms.services.ra.download_log import DownloadLog
from scms.services.ra.issuing_settings import PEERS, IssuingSettings
from scms.services.ra.peers import RaPeers
from scms.services.ra.successor_store import SuccessorStore
from scms.services.ra.work_items import WorkItemStore

__all__ = ["RaKeys", "RaService", "create_ra_service"]


@dataclass(frozen=True)
class RaKeys:
    """The RA certificate's signing key and the private key of its encryptionKey (reprs say `[secure]`)."""

    signing: SoftwareKey
    decryption: SoftwareKey


@dataclass
class RaService:
    settings: IssuingSettings
    certificate: Certificate
    """The RA certificate: EEs encrypt to its encryptionKey; it signs acknowledgements and ACA requests."""
    keys: RaKeys
    aca: Certificate
    """The current ACA certificate (the validity every planned certificate must fit in)."""
    eca_certificates: tuple[Certificate, ...]
    """The ECA certificates (current and past): they reconstruct implicit enrollment certificates' keys."""
    enrollment_chains: VerifiedChains
    devices: DeviceStore
    requests: AuthorizationStore
    items: WorkItemStore
    successors: SuccessorStore
    downloads: DownloadLog
    jobs: JobStore
    peers: RaPeers
    clock: Clock
    runner: JobRunner | None = field(default=None)

    def now(self) -> Time32:
        """The clock as Time32 (time-leapSeconds of the policy)."""
        return self.settings.time32(self.clock())

    @property
    def limits(self) -> RaLimits:
        parameters = self.settings.parameters
        return RaLimits(max_reqs=parameters.ra_max_reqs, min_wait=parameters.ra_min_wait)

    @property
    def download_limits(self) -> RaLimits:
        parameters = self.settings.parameters
        return RaLimits(max_reqs=parameters.download_max_reqs, min_wait=parameters.download_min_wait)

    def receiver(self, check_enrollment: EnrollmentCheck) -> RaReceiver:
        """What opens an EE request, with the verdict on its enrollment certificate."""
        return RaReceiver(self.certificate, self.keys.decryption, check_enrollment, self.eca_certificates)

    def wake(self) -> None:
        """Tell the job runner that a job was committed."""
        if self.runner is not None:
            self.runner.wake()


def _role(certificate: Certificate) -> Role | None:
    return certificate_role(certificate)


def create_ra_service(deployment: Deployment, engine: Engine, devices: DeviceStore, *, clock: Clock,
                      settings: IssuingSettings | None = None,
                      transports: Mapping[str, httpx.AsyncBaseTransport] | None = None) -> RaService:
    """The RA's certificate side on `engine`; `transports` (by peer name) replace the network, e.g.
    `httpx.ASGITransport(app=aca_app)` (the peer's app at its root) in the embedded default and the tests."""
    settings = settings or IssuingSettings.from_deployment(deployment)
    held = load_inventory(deployment)
    now = settings.time32(clock())
    anchors = home_trust(deployment, now).root_certificates
    ecas = tuple(h.certificate for h in held if _role(h.certificate) is Role.ECA)
    icas = tuple(h.certificate for h in held if _role(h.certificate) is Role.ICA)
    keys = RaKeys(deployment.signing_key("ra"), deployment.encryption_key("ra"))
    given = {name: transport for name, transport in (transports or {}).items() if name in PEERS}
    peers = {name: settings.peers[name] if name not in given else replace(settings.peers[name],
                                                                          base_url=f"http://{name}")
             for name in PEERS}
    return RaService(
        settings=settings,
        certificate=deployment.certificate("ra"),
        keys=keys,
        aca=deployment.certificate("aca"),
        eca_certificates=ecas,
        enrollment_chains=VerifiedChains((*ecas, *icas), anchors),
        devices=devices,
        requests=AuthorizationStore(engine),
        items=WorkItemStore(engine),
        successors=SuccessorStore(engine),
        downloads=DownloadLog(engine),
        jobs=JobStore(engine),
        peers=RaPeers(peers, given),
        clock=clock,
    )
