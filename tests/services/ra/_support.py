"""What the RA and ECA service tests share: one deployment made by `init_deployment` at a fixed time, a clock the
tests move, and device keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scms.crypto import SoftwareKey
from scms.deployment import Deployment, DeploymentConfig, load_deployment
from scms.deployment.verification import TrustReport, verify_deployment
from scms.dot2.time import Time32
from scms.manager import init_deployment

INIT_TIME = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
INIT_TIME32 = Time32.from_datetime(INIT_TIME)


def make_deployment(directory: Path, config: DeploymentConfig | None = None) -> Deployment:
    init_deployment(directory, config or DeploymentConfig(), INIT_TIME32)
    return load_deployment(directory)


_REPORTS: dict[Path, TrustReport] = {}


def trust_report(deployment: Deployment) -> TrustReport:
    """The deployment verified once for every component (at an hour after init), for fixtures that build its
    components again and again (`verified=`); tests of start-up itself let the factory verify."""
    root = deployment.layout.root
    if root not in _REPORTS:
        _REPORTS[root] = verify_deployment(root, Time32(INIT_TIME32 + 3600))
    return _REPORTS[root]


def operator_token(deployment: Deployment) -> str:
    return deployment.secret("ra", "operator-token").strip().decode()


class FakeClock:
    """The services' clock in tests: starts an hour after init, moves only when told."""

    def __init__(self, start: dt.datetime = INIT_TIME + dt.timedelta(hours=1)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)

    @property
    def time32(self) -> Time32:
        return Time32.from_datetime(self.now)


def registration_body(key: SoftwareKey, device_type: str = "OBU", *, compressed: bool = True) -> dict[str, str]:
    return {"device_type": device_type, "curve": "P-256", "public_key": key.public_point.encode(compressed).hex()}
