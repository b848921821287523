"""An RA and an ECA wired in-process for the ECA tests, and what a device sends (built with the protocol layer's
EE side: `build_enrollment_request`)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from scms.crypto import SoftwareKey
from scms.deployment import Deployment
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidGroupPermissions, PsidSspRange
from scms.dot2.time import Time32
from scms.protocol.ee_eca import (
    CanonicalIdentity,
    EnrollmentResult,
    build_enrollment_request,
    read_enrollment_response,
)
from scms.services.common import mount_components
from scms.services.eca import EcaApps, create_eca_app
from scms.services.ra import EcaDesk, RaApps, canonical_id, create_ra_app
from scms.services.runtime.ra_registry import DirectRaRegistry

from ..ra._support import FakeClock, operator_token, registration_body

ENROLL = "/v3/enrollment-certificate"
COER = {"Content-Type": "application/octet-stream"}


@dataclass
class Stack:
    deployment: Deployment
    clock: FakeClock
    ra: RaApps
    eca: EcaApps

    def close(self) -> None:
        self.ra.engine.dispose()
        self.eca.engine.dispose()

    @contextlib.asynccontextmanager
    async def clients(self) -> AsyncIterator[httpx.AsyncClient]:
        """A client of the embedded app (`/eca/...` the ECA, `/ra/...` the RA's public app), with the operator
        token."""
        app = mount_components({"/ra": self.ra.public, "/eca": self.eca.public})
        headers = {"Authorization": f"Bearer {operator_token(self.deployment)}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://scms", headers=headers) as client:
            yield client


def build_stack(deployment: Deployment, clock: FakeClock, directory: Path, *, database_url: str | None = None,
                direct: bool = False) -> Stack:
    """The RA and the ECA; the ECA asks the RA's internal app over HTTP (in-process), or, `direct`, the RA's
    registry itself (`DirectRaRegistry`, as the embedded default does)."""
    ra = create_ra_app(deployment, clock=clock, database_url=f"sqlite:///{directory / 'ra.sqlite'}")
    registry = DirectRaRegistry(EcaDesk(ra.devices, clock)) if direct else None
    eca = create_eca_app(deployment, transport_to_ra=httpx.ASGITransport(app=ra.internal), ra_registry=registry,
                         clock=clock, database_url=database_url or f"sqlite:///{directory / 'eca.sqlite'}")
    return Stack(deployment, clock, ra, eca)


@contextlib.contextmanager
def open_stack(deployment: Deployment, clock: FakeClock, directory: Path, *, direct: bool = False) -> Iterator[Stack]:
    """`build_stack`, closed afterwards."""
    built = build_stack(deployment, clock, directory, direct=direct)
    try:
        yield built
    finally:
        built.close()


OBU_PSIDS = (32, 38, 135)


def fields(now: Time32, *, psids: tuple[int, ...] = OBU_PSIDS, years: int = 3,
           **changes: object) -> CertificateTemplate:
    """What a device asks for: to request certificates for `psids`, valid `years` from `now`."""
    template = CertificateTemplate(
        id=CertificateId.named("obu.example"),
        validity=ValidityPeriod.years(now, years),
        cert_request_permissions=(PsidGroupPermissions(tuple(PsidSspRange(p) for p in psids), 1, 0, app=True),),
    )
    return replace(template, **changes)  # type: ignore[arg-type]


@dataclass
class Device:
    """A device: its canonical key, and (for canonical requests) the new key it asks to be certified."""

    canonical: SoftwareKey
    device_type: str = "OBU"

    @property
    def canonical_id(self) -> str:
        return canonical_id(self.canonical.public_point)

    def request(self, now: Time32, *, kind: CertificateType = CertificateType.EXPLICIT, canonical: bool = False,
                template: CertificateTemplate | None = None,
                key: SoftwareKey | None = None) -> tuple[bytes, SoftwareKey]:
        """An EeEcaCertRequestSpdu and the requested key: signed by the canonical key (canonical=True, a new key)
        or by the canonical key as the requested key."""
        requested = key or (SoftwareKey.generate() if canonical else self.canonical)
        identity = CanonicalIdentity(self.canonical_id, self.canonical) if canonical else None
        data = build_enrollment_request(template or fields(now), requested, now, certificate_type=kind,
                                        canonical=identity)
        return data, requested


async def register(http: httpx.AsyncClient, device_type: str = "OBU") -> Device:
    device = Device(SoftwareKey.generate(), device_type)
    response = await http.post("/ra/registration/v1/devices", json=registration_body(device.canonical, device_type))
    assert response.status_code == 201
    return device


def read_response(stack: Stack, response: bytes, request: bytes, key: SoftwareKey) -> EnrollmentResult:
    """The EE's reading of the response: chain to the deployment's root, key checked against the certificate."""
    root = stack.deployment.certificate("root")
    return read_enrollment_response(response, request, key, (root,), stack.clock.time32)
