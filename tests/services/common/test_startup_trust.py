"""Each component refuses to start on a deployment that does not verify (`require_verified`, called by every app
factory before it opens its database): the error names the artifact; a component checks its own keys and secrets
and not another's; a trust report handed in must be of this deployment and must have checked this component."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scms.deployment import Deployment, load_deployment
from scms.deployment.verification import TrustError, verify_deployment
from scms.services.aca import create_aca_app
from scms.services.eca import create_eca_app
from scms.services.la import create_la_app
from scms.services.ra import create_ra_app

from ..ra._support import FakeClock, make_deployment

FACTORIES: dict[str, Callable[..., Any]] = {
    "ra": create_ra_app,
    "eca": create_eca_app,
    "aca": create_aca_app,
    "la1": lambda deployment, **kwargs: create_la_app(deployment, "la1", **kwargs),
    "la2": lambda deployment, **kwargs: create_la_app(deployment, "la2", **kwargs),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_deployment(tmp_path_factory.mktemp("startup") / "scms-data").layout.root


def copy_of(pristine: Path, target: Path) -> Path:
    shutil.copytree(pristine, target, symlinks=True)  # modes kept: key files stay 0600
    return target


def start(component: str, directory: Path, **kwargs: Any) -> Any:
    """Build the component's app on `directory` (its database in the deployment, as configured)."""
    return FACTORIES[component](load_deployment(directory), clock=FakeClock(), **kwargs)


def databases(directory: Path) -> list[Path]:
    return sorted(directory.glob("*/data/*.sqlite"))


CTL = "public/ctl/ctl_53434d5300000001_1.oer"


@pytest.fixture(scope="module")
def tampered_ctl(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy whose CTL (the trust anchor of every chain) has one bit of its last signature flipped: it still loads
    (`load_deployment` does not verify CTLs), its quorum no longer verifies."""
    directory = copy_of(pristine, tmp_path_factory.mktemp("tampered") / "scms-data")
    path = directory / CTL
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    return directory


@pytest.mark.parametrize("component", list(FACTORIES))
def test_a_tampered_ctl_stops_every_component(component: str, tampered_ctl: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(TrustError) as refused:
        start(component, tampered_ctl)
    assert refused.value.artifact == CTL and str(refused.value).startswith(f"{CTL}: ")
    assert f"{component} does not start: the deployment does not verify: {CTL}" in caplog.text
    assert databases(tampered_ctl) == []                            # refused before any database was opened


@pytest.mark.parametrize("component", list(FACTORIES))
def test_a_component_s_own_key_open_to_others_stops_it(component: str, pristine: Path, tmp_path: Path) -> None:
    directory = copy_of(pristine, tmp_path / "scms-data")
    os.chmod(directory / component / "keys/signing.key", 0o644)
    with pytest.raises(TrustError) as refused:
        start(component, directory)
    assert refused.value.artifact == f"{component}/keys/signing.key" and "mode 0644" in refused.value.reason


def test_another_component_s_secrets_are_not_checked(pristine: Path, tmp_path: Path) -> None:
    """On a host of its own, a component holds only its own directory: the MA's key and the RA's token are not
    there to check, and their absence does not stop LA1."""
    directory = copy_of(pristine, tmp_path / "scms-data")
    shutil.rmtree(directory / "ma" / "keys")
    os.remove(directory / "ra/secrets/operator-token")
    apps = start("la1", directory)
    apps.engine.dispose()
    with pytest.raises(TrustError) as refused:
        start("ra", directory)
    assert refused.value.artifact == "ra/secrets/operator-token"


def test_a_lost_release_token_stops_its_la(pristine: Path, tmp_path: Path) -> None:
    directory = copy_of(pristine, tmp_path / "scms-data")
    os.remove(directory / "la2/secrets/release-token")
    with pytest.raises(TrustError) as refused:
        start("la2", directory)
    assert refused.value.artifact == "la2/secrets/release-token" and "cannot open" in refused.value.reason


def test_a_report_handed_in_must_be_of_this_deployment_and_have_checked_the_component(
    pristine: Path, tmp_path: Path
) -> None:
    deployment: Deployment = load_deployment(pristine)
    now = FakeClock().time32
    of_the_ra = verify_deployment(pristine, now, key_owners=("ra",))
    with pytest.raises(ValueError, match=r"la1: the trust report did not check la1/keys/plv-aca\.key, la1/keys/"):
        create_la_app(deployment, "la1", verified=of_the_ra)
    other = load_deployment(copy_of(pristine, tmp_path / "other"))
    with pytest.raises(ValueError, match="the trust report is of"):
        create_la_app(other, "la1", verified=verify_deployment(pristine, now))
    apps = create_la_app(deployment, "la1", clock=FakeClock(), verified=verify_deployment(pristine, now),
                         database_url=f"sqlite:///{tmp_path / 'la1.db'}")
    apps.engine.dispose()
