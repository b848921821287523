"""The embedded default (DESIGN "Runtime"): every component of one deployment in one process, one ASGI app.

`open_embedded(directory)` checks the deployment once for all the served components (`verify_deployment`: a missing
trust anchor, a broken chain, a key file open to others stops start-up with a `TrustError` naming it; the report is
handed to each factory's `require_verified`) and builds each component from it, each with its own database (by
default `<component>/data/<component>.sqlite` under the directory; `[<component>] database_url` names another):

    la1, la2   create_la_app                 public app (seed release with its token, health, OpenAPI) at /la1, /la2
    aca        create_aca_app                public app (health, readiness, OpenAPI) at /aca; its job runner
                                             issues in a process pool
    ra         create_ra_app                 public app at /ra; its job runner plans and dispatches generation
    eca        create_eca_app                public app at /eca

The peers are wired in-process (httpx ASGI transports): the RA reaches both LAs' and the ACA's internal apps (all
their API is internal: 1609.2.1 has no EE-facing LA or ACA endpoint) and the ECA's internal app; the ECA asks the
RA's registry directly (`DirectRaRegistry`: the operations of the RA's internal routes, without HTTP). The internal
apps are never mounted. The RA and ECA need each other, so the RA gets a `DeferredAppTransport` that is connected
to the ECA's internal app once that exists. The MA has no service yet (its certificate and keys exist; nothing
serves `/ma`).

Lifespans run in mount order (LAs, ACA, ECA, RA) and stop in reverse: the RA's runner stops before the components
it calls. `serve` (scms.services.common) runs the app; `close()` disposes of every engine afterwards. With
`background=False` the public apps are mounted without their lifespans: no job runner, no process pool, only the
request handlers (the extra processes of `scms up --workers N`, `scms.services.runtime.workers`: the first process
runs the runners, which find the jobs the others commit in the shared job tables at their next poll).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine
from starlette.applications import Starlette

from scms.deployment import Deployment, load_deployment
from scms.deployment.verification import TrustReport, verify_deployment
from scms.dot2.time import LeapSeconds, Time32
from scms.services.aca import AcaApps, create_aca_app
from scms.services.common import RunnerSettings, mount_components
from scms.services.common.tasks import Clock, utc_now
from scms.services.eca import EcaApps, create_eca_app
from scms.services.la import LaApps, create_la_app
from scms.services.ra import DeferredAppTransport, EcaDesk, RaApps, create_ra_app
from scms.services.ra.issuing_settings import GenerationSettings
from scms.services.runtime.ra_registry import DirectRaRegistry

__all__ = ["EMBEDDED_COMPONENTS", "NOT_SERVED", "EmbeddedScms", "EmbeddedSettings", "build_embedded",
           "open_embedded"]

EMBEDDED_COMPONENTS = ("ra", "eca", "aca", "la1", "la2")
"""The components the embedded default serves, each at "/<component>"."""
NOT_SERVED = {"ma": "no misbehaviour authority service exists yet (its certificate and keys do)"}
"""Components of a deployment that the embedded default does not serve, and why."""


def _ra_runner() -> RunnerSettings:
    return RunnerSettings(cpu_workers=min(2, os.cpu_count() or 1), concurrency=4)


@dataclass(frozen=True)
class EmbeddedSettings:
    """How the embedded default runs its job runners (none of these is a 1609.2.1 parameter)."""

    ra_runner: RunnerSettings = field(default_factory=_ra_runner)
    """The RA's runner: generation rounds, CPU steps in a pool of up to 2 processes."""
    aca_runner: RunnerSettings | None = None
    """The ACA's runner; None: `scms.services.aca.default_runner` (a process per core)."""
    generation: GenerationSettings | None = None
    """How the RA cuts and paces generation; None: `GenerationSettings()`."""


@dataclass(frozen=True)
class EmbeddedScms:
    deployment: Deployment
    app: Starlette
    """Every public app under its prefix, with the components' lifespans (job runners, pools, engines)."""
    ra: RaApps
    eca: EcaApps
    aca: AcaApps
    las: dict[str, LaApps]
    report: TrustReport | None = None
    """What `verify_deployment` checked at start for every served component (None: each factory verified alone)."""

    @property
    def engines(self) -> dict[str, Engine]:
        """Each component's database engine."""
        return {"ra": self.ra.engine, "eca": self.eca.engine, "aca": self.aca.engine,
                **{name: la.engine for name, la in self.las.items()}}

    def database_urls(self) -> dict[str, str]:
        """Where each component's database is (passwords hidden)."""
        return {name: engine.url.render_as_string(hide_password=True) for name, engine in self.engines.items()}

    def close(self) -> None:
        """Close every database pool (the lifespans did when the app ran; again is harmless)."""
        for engine in self.engines.values():
            engine.dispose()


def build_embedded(deployment: Deployment, *, clock: Clock = utc_now, settings: EmbeddedSettings | None = None,
                   verified: TrustReport | None = None, background: bool = True) -> EmbeddedScms:
    """Every component of `deployment` (databases migrated, keys loaded), wired in-process and mounted.

    Each factory verifies the deployment first (`require_verified`); `verified`, a report that checked every served
    component's keys (`open_embedded` makes one), spares the five verifications. `background=False`: the app runs
    no lifespan (no job runner, no process pool; `close()` disposes of the engines)."""
    settings = settings or EmbeddedSettings()
    las = {which: create_la_app(deployment, which, clock=clock, verified=verified) for which in ("la1", "la2")}
    aca = create_aca_app(deployment, clock=clock, runner=settings.aca_runner, verified=verified)
    to_eca = DeferredAppTransport()
    peers: dict[str, httpx.AsyncBaseTransport] = {
        "la1": httpx.ASGITransport(app=las["la1"].app),
        "la2": httpx.ASGITransport(app=las["la2"].app),
        "aca": httpx.ASGITransport(app=aca.app),
        "eca": to_eca,
    }
    ra = create_ra_app(deployment, clock=clock, runner=settings.ra_runner, generation=settings.generation,
                       transports=peers, verified=verified)
    eca = create_eca_app(deployment, ra_registry=DirectRaRegistry(EcaDesk(ra.devices, clock)), clock=clock,
                         verified=verified)
    to_eca.connect(eca.internal)
    app = mount_components({"/la1": las["la1"].public, "/la2": las["la2"].public, "/aca": aca.public,
                            "/eca": eca.public, "/ra": ra.public}, lifespans=background)
    return EmbeddedScms(deployment, app, ra, eca, aca, las, verified)


def open_embedded(directory: Path, *, clock: Clock = utc_now, settings: EmbeddedSettings | None = None,
                  background: bool = True) -> EmbeddedScms:
    """Load and verify the deployment in `directory` at the clock's time, then `build_embedded` (`background`).

    Raises `ConfigError`, `PolicyError` or `DeploymentError` (`TrustError` from the verification), each naming
    the file and the defect. Only the served components' keys are read: the root's and electors' may be offline.
    """
    deployment = load_deployment(directory)
    leap = LeapSeconds.fixed(deployment.global_policy.parameters.leap_seconds)
    report = verify_deployment(directory, Time32.from_datetime(clock(), leap), key_owners=EMBEDDED_COMPONENTS)
    return build_embedded(deployment, clock=clock, settings=settings, verified=report, background=background)
