"""The drivers: the same flows over the async driver (mock and ASGI transports), the sync driver reaching an ASGI
app in-process (`AsgiTransport`, lifespan run) and a real server on an ephemeral port; bounded retries only where
nothing was sent or the method is safe; answers capped; every exchange observed."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import httpx
import pytest
import uvicorn

from scms.crypto import SoftwareKey
from scms.dot2.time import Time32
from scms.ee.client import AsgiTransport, AsyncDriver, Device, DriverSettings, SyncDriver
from scms.ee.errors import BadAnswer, Unreachable
from scms.ee.exchange import HttpRequest, HttpResponse
from scms.ee.flows import (
    AuthorizationSpec,
    DownloadPlan,
    bootstrap,
    download,
    enroll,
    fetch_policies,
    prepare_authorization,
    prepare_enrollment,
    register,
    submit_authorization,
)
from scms.protocol.ee_eca import CanonicalIdentity

from ._asgi import AsgiScms
from ._scms import TOKEN, FakeClock, MiniScms


async def _life(driver: AsyncDriver, scms: MiniScms, clock: FakeClock) -> int:
    ra = scms.base + "/ra"
    canonical = SoftwareKey.generate()
    registration = await driver.run(register(ra, TOKEN, "OBU", canonical.public_point))
    policies = await driver.run(fetch_policies(ra, TOKEN, "OBU"))
    trust = await driver.run(bootstrap(ra, scms.pki.new.ctl, clock()))
    prepared = prepare_enrollment(policies.device_policy, trust,
                                  CanonicalIdentity(registration.canonical_id, canonical), clock())
    enrolled = await driver.run(enroll(scms.base + "/eca", prepared, trust, clock()))
    wanted = prepare_authorization(AuthorizationSpec(), policies, enrolled, trust.ra_certificate, clock())
    ack = await driver.run(submit_authorization(ra, wanted, trust.ra_certificate, clock()))
    plan = DownloadPlan(wanted.secrets, ack.first_i, wanted.last_i, ack.next_dl_time)
    got: list = []
    await driver.run(download(ra, plan, enrolled, trust.ra_certificate, trust, clock(), on_batch=got.append,
                              deadline=Time32(clock() + 3600)))
    return sum(len(batch.certificates) for batch in got)


def test_the_async_driver_runs_the_same_flows(scms: MiniScms, clock: FakeClock) -> None:
    scms.ready_delay = 300
    seen: list[tuple[str, int | None]] = []

    async def sleep(seconds: float) -> None:
        clock.sleep(seconds)

    async def main() -> int:
        async with AsyncDriver(scms.transport(), clock=clock, sleep=sleep,
                               observer=lambda r, a, _: seen.append((r.endpoint, a and a.status))) as driver:
            return await _life(driver, scms, clock)

    start = clock()
    assert asyncio.run(main()) == 2 and clock() == start + 300     # waited for nextDlTime on the fake clock
    assert ("ra/authorization-certificate", 200) in seen and ("eca/enrollment-certificate", 200) in seen


def test_the_async_driver_over_asgi(scms: MiniScms, clock: FakeClock) -> None:
    async def main() -> int:
        async with AsyncDriver(httpx.ASGITransport(app=AsgiScms(scms)), clock=clock) as driver:
            return await _life(driver, scms, clock)

    assert asyncio.run(main()) == 2


def test_a_device_reaches_an_asgi_app_in_process(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    app = AsgiScms(scms)
    transport = AsgiTransport(app)
    assert app.lifespan == ["startup"]
    with SyncDriver(transport, clock=clock, sleep=clock.sleep) as driver:
        device = Device.create(tmp_path / "d", "obu", driver=driver)
        device.register(scms.base + "/ra", TOKEN)
        device.bootstrap(scms.pki.new.ctl)
        device.enroll()
        device.request(periods=2)
        assert device.download().certificates == 4
    transport.close()
    assert app.lifespan == ["startup", "shutdown"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_device_over_a_real_server(tmp_path, scms: MiniScms, clock: FakeClock) -> None:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(AsgiScms(scms), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        base = f"http://127.0.0.1:{port}"
        with SyncDriver(clock=clock, sleep=clock.sleep, settings=DriverSettings(timeout_s=10)) as driver:
            device = Device.create(tmp_path / "d", "obu", driver=driver)
            device.register(base + "/ra", TOKEN, urls={"ra": base + "/ra", "eca": base + "/eca"})
            device.bootstrap(scms.pki.new.ctl)
            device.enroll()
            device.request()
            assert device.download().certificates == 2
    finally:
        server.should_exit = True
        thread.join(10)


class _Flaky(httpx.BaseTransport):
    def __init__(self, failures: list[Exception], size: int = 3) -> None:
        self.failures = failures
        self.calls = 0
        self.size = size

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return httpx.Response(200, content=b"x" * self.size)


def _send(transport: httpx.BaseTransport, method: str = "GET", **settings) -> HttpResponse:
    slept: list[float] = []
    driver = SyncDriver(transport, sleep=slept.append, settings=DriverSettings(**settings))
    try:
        return driver.send(HttpRequest(method, "http://ra.test/v3/ra-certificate", "ra/ra-certificate"))
    finally:
        assert slept == [0.25 * 2 ** n for n in range(len(slept))]      # doubling waits
        driver.close()


def test_connection_failures_are_retried_then_reported() -> None:
    flaky = _Flaky([httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")])
    assert _send(flaky).body == b"xxx" and flaky.calls == 3
    down = _Flaky([httpx.ConnectError("refused")] * 10)
    with pytest.raises(Unreachable, match=r"GET http://ra.test/v3/ra-certificate: no answer \(ConnectError\)"):
        _send(down, connect_retries=2)
    assert down.calls == 3


def test_a_post_that_may_have_arrived_is_not_retried() -> None:
    sent = _Flaky([httpx.ReadTimeout("no answer in time")])
    with pytest.raises(Unreachable, match="ReadTimeout"):
        _send(sent, "POST")
    assert sent.calls == 1
    read = _Flaky([httpx.ReadTimeout("no answer in time")])
    assert _send(read, "GET").status == 200 and read.calls == 2          # a GET changes nothing: tried again


def test_answers_are_capped() -> None:
    with pytest.raises(BadAnswer, match="longer than 1000 bytes"):
        _send(_Flaky([], size=1001), max_response_bytes=1000)
