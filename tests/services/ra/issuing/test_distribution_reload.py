"""The distribution centre serves a new publication without a restart (`PublishedSource`): a CRL issued by the
manager while the RA runs is served at the next look at the manifest; a publication that does not verify, or one
with another RA certificate, leaves the previous files served."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import httpx
import pytest

from scms.deployment import Deployment, load_deployment
from scms.dot2.time import Time32
from scms.manager import issue_crl, rotate
from scms.services.common import AppSettings, create_component_app
from scms.services.ra.distribution_routes import distribution_router
from scms.services.ra.distribution_source import PublishedSource

from .._support import FakeClock

pytestmark = pytest.mark.anyio


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.value = 0.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def copy(deployment: Deployment, tmp_path: Path) -> Deployment:
    shutil.copytree(deployment.layout.root, tmp_path / "scms-data")
    return load_deployment(tmp_path / "scms-data")


def source(deployment: Deployment, clock: FakeClock, ticks: Ticks) -> PublishedSource:
    return PublishedSource(deployment, deployment.signing_key("ra"), lambda: clock.time32, check_interval_s=5,
                           monotonic=ticks)


def crl_query(deployment: Deployment, series: int) -> dict[str, str | int]:
    entry = next(e for e in deployment.manifest.crls if e.series == series)
    return {"craca": entry.craca, "crlSeries": series}


async def test_a_crl_issued_while_running_is_served_after_the_next_look(copy: Deployment, clock: FakeClock) -> None:
    ticks = Ticks()
    published = source(copy, clock, ticks)
    app = create_component_app("ra", AppSettings(), distribution_router(published.current))
    series = copy.config.manager.crl.ca_series
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ra") as http:
        before = (await http.get("/v3/crl", params=crl_query(copy, series))).content
        clock.advance(60)
        issue_crl(copy.layout.root, series, Time32(clock.time32))
        again = (await http.get("/v3/crl", params=crl_query(copy, series))).content
        ticks.value = 5                                              # the next look at the manifest
        after = (await http.get("/v3/crl", params=crl_query(copy, series))).content
        status = await http.get("/v3/certificate-management-info-status")
    newest = load_deployment(copy.layout.root)
    assert again == before != after
    assert after == newest.latest_crls()[(crl_query(copy, series)["craca"], series)]
    assert published.current().composite_crl[1] == newest.composite_crl()
    assert status.content == published.current().info_status[1]     # the status describes the new files


async def test_a_broken_publication_leaves_the_previous_files_served(copy: Deployment, clock: FakeClock,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    ticks = Ticks()
    published = source(copy, clock, ticks)
    served = published.current()
    series = copy.config.manager.crl.ca_series
    clock.advance(60)
    issue_crl(copy.layout.root, series, Time32(clock.time32))
    newest = load_deployment(copy.layout.root)
    entry = next(e for e in newest.manifest.crls if e.series == series and e.number == max(
        x.number for x in newest.manifest.crls if x.series == series))
    tampered = bytearray((copy.layout.root / entry.file).read_bytes())
    tampered[-1] ^= 1
    (copy.layout.root / entry.file).write_bytes(bytes(tampered))
    ticks.value = 5
    with caplog.at_level(logging.ERROR, logger="scms.services.ra.distribution"):
        assert published.current() is served
    assert "is not served, the previous one stays" in caplog.text


async def test_another_ra_certificate_needs_a_restart(copy: Deployment, clock: FakeClock,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    ticks = Ticks()
    published = source(copy, clock, ticks)
    served = published.current()
    clock.advance(60)
    rotate(copy.layout.root, "ra", Time32(clock.time32))
    ticks.value = 5
    with caplog.at_level(logging.WARNING, logger="scms.services.ra.distribution"):
        assert published.current() is served
    assert "restart the RA" in caplog.text
