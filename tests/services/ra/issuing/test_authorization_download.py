"""GET /v3/authorization-certificate (1609.2.1 clauses 6.3.5.3, 8.2): only the enrollment certificate that made a
request may download its files; every refusal with its `Ieee-1609.2.1-Error`; what is not found is a bare 404."""

from __future__ import annotations

import httpx
import pytest

from scms.dot2.time import Time32
from scms.protocol.download_files import batch_filename, certificate_filename, enrollment_filename
from scms.protocol.ee_ra_ack import read_cert_ack
from scms.protocol.ee_ra_download import AUTHORIZATION_HEADER

from .._support import FakeClock
from ._scms import (
    AUTHORIZATION,
    COER,
    Ee,
    Scms,
    enrolled_device,
    run_due_jobs,
)

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
async def made(shared: Scms, http: httpx.AsyncClient) -> tuple[Ee, str, str]:
    """A device with one generated butterfly request and one identification request: (device, zip name, file)."""
    ee = await enrolled_device(shared, http)
    data, secrets = ee.authorization_request()
    ack = read_cert_ack((await http.post(AUTHORIZATION, content=data, headers=COER)).content, secrets.request_hash,
                        ee.ra_certificate, shared.now)
    single, single_secrets = ee.identification_request(encrypted=True)
    assert (await http.post(AUTHORIZATION, content=single, headers=COER)).status_code == 200
    await run_due_jobs(shared)
    assert ack.first_i is not None
    return ee, batch_filename(secrets.request_hash, ack.first_i), certificate_filename(single_secrets.request_hash)


def assert_refused(response: httpx.Response, code: str) -> None:
    assert (response.status_code, response.headers.get("Ieee-1609.2.1-Error")) == (400, code), response.text


async def test_the_owner_downloads_with_or_without_the_query_name(http: httpx.AsyncClient,
                                                                  made: tuple[Ee, str, str]) -> None:
    ee, name, single = made
    for params in ({"filename": name}, {}):
        got = await http.get(AUTHORIZATION, params=params, headers=ee.download_header(name))
        assert got.status_code == 200 and got.headers["content-disposition"] == f"attachment; filename={name}"
    got = await http.get(AUTHORIZATION, headers=ee.download_header(single.upper()))   # names are read in any case
    assert got.status_code == 200 and got.headers["content-disposition"] == f"attachment; filename={single}"


async def test_another_enrollment_certificate_is_refused(shared: Scms, http: httpx.AsyncClient,
                                                         made: tuple[Ee, str, str]) -> None:
    _, name, single = made
    other = await enrolled_device(shared, http)
    for wanted in (name, single):
        assert_refused(await http.get(AUTHORIZATION, headers=other.download_header(wanted)), "400-62")


async def test_malformed_download_requests(shared: Scms, http: httpx.AsyncClient,
                                           made: tuple[Ee, str, str]) -> None:
    ee, name, single = made
    assert_refused(await http.get(AUTHORIZATION, params={"filename": name}), "400-42")            # no header
    assert_refused(await http.get(AUTHORIZATION, headers={AUTHORIZATION_HEADER: "%%%"}), "400-42")
    assert_refused(await http.get(AUTHORIZATION, params={"filename": single},
                                  headers=ee.download_header(name)), "400-42")                      # names differ
    enrollment_name = enrollment_filename(ee.enrollment.certificate.hashed_id8())
    assert_refused(await http.get(AUTHORIZATION, headers=ee.download_header(enrollment_name)), "400-42")
    assert_refused(await http.get(AUTHORIZATION, headers=ee.download_header("not-a-name.zip")), "400-42")
    assert_refused(await http.get(AUTHORIZATION, headers=ee.download_header(name, now=Time32(shared.now + 5))),
                   "400-50")
    assert_refused(await http.get(AUTHORIZATION, headers=ee.download_header(name, now=Time32(shared.now - 301))),
                   "400-74")                                                                          # download-maxAge


async def test_names_of_nothing_are_a_bare_404(http: httpx.AsyncClient, made: tuple[Ee, str, str]) -> None:
    ee, name, single = made
    request_hash, i = name.removesuffix(".zip").split("_")
    for missing in (f"{'0' * 16}_{i}.zip",                          # no such request
                    f"{request_hash}_{int(i, 16) + 9:x}.zip",       # an i-period outside the request
                    f"{single}_{i}.zip",                            # a batch of a non-butterfly request
                    request_hash):                                  # the single file of a butterfly request
        response = await http.get(AUTHORIZATION, headers=ee.download_header(missing))
        assert (response.status_code, response.content) == (404, b""), missing
        assert "Retry-After" not in response.headers and "Ieee-1609.2.1-Error" not in response.headers


async def test_download_max_reqs_and_min_wait_per_enrollment_certificate(
        shared: Scms, module_clock: FakeClock, http: httpx.AsyncClient) -> None:
    with shared.policy(download_max_reqs=3, download_min_wait=60):
        ee, other = await enrolled_device(shared, http), await enrolled_device(shared, http)
        data, secrets = ee.identification_request(encrypted=False)
        assert (await http.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
        await run_due_jobs(shared)
        name = certificate_filename(secrets.request_hash)
        assert (await http.get(AUTHORIZATION, headers=ee.download_header(name))).status_code == 200
        module_clock.advance(30)
        assert_refused(await http.get(AUTHORIZATION, headers=ee.download_header(name)), "400-76")
        assert_refused(await http.get(AUTHORIZATION, headers=other.download_header(name)), "400-62")  # own count
        module_clock.advance(31)
        assert (await http.get(AUTHORIZATION, headers=ee.download_header(name))).status_code == 200
        module_clock.advance(61)
        assert (await http.get(AUTHORIZATION, headers=ee.download_header(name))).status_code == 200
        module_clock.advance(61)
        assert_refused(await http.get(AUTHORIZATION, headers=ee.download_header(name)), "400-75")
