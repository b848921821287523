"""The fleet's arithmetic and bookkeeping, without a network: percentiles, summaries, how failures are counted,
metrics gathered from many threads, the plan of devices and steps, the settings and the target refused."""

from __future__ import annotations

import random
import statistics
import threading

import pytest

from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.ee.errors import NotReady, ServerError, StateError, Unreachable
from scms.ee.exchange import HttpRequest, HttpResponse
from scms.ee.fleet import FleetSettings, FleetTarget, error_kind, percentile, plan_devices, steps_of
from scms.ee.fleet.metrics import Metrics, summarize


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([4, 1, 3, 2], 0) == 1 and percentile([4, 1, 3, 2], 100) == 4
    assert percentile([10.0], 99) == 10.0
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)


def test_percentiles_agree_with_the_inclusive_quantiles_of_the_standard_library() -> None:
    values = [random.Random(seed).expovariate(10) for seed in range(257)]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    for p in (1, 25, 50, 90, 95, 99):
        assert percentile(values, p) == pytest.approx(cuts[p - 1])


def test_percentile_of_nothing_or_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)


def test_summaries() -> None:
    summary = summarize([0.3, 0.1, 0.2])
    assert (summary.count, summary.p50, summary.max) == (3, 0.2, 0.3)
    assert summary.total == pytest.approx(0.6) and summary.p95 == pytest.approx(0.29)
    assert summarize([]).count == 0


def test_failures_are_counted_by_code_then_status_then_kind() -> None:
    assert error_kind(ServerError("POST", "u", 400, "400-21")) == "400-21"
    assert error_kind(ServerError("POST", "u", 401, None)) == "HTTP 401"
    assert error_kind(Unreachable("GET", "u", "ConnectError")) == "unreachable"
    assert error_kind(NotReady("f", Time32(5))) == "not ready"
    assert error_kind(StateError("x")) == "state"
    assert error_kind(Ieee1609Error(ErrorCode.FAILED_SIGNATURE_VERIFICATION, "x")) == "rejected 400-43"
    assert error_kind(KeyError("x")) == "KeyError"


def test_metrics_from_many_threads() -> None:
    metrics = Metrics()
    request = HttpRequest("GET", "http://127.0.0.1:1/ra/v3/ctl", "ctl", {"ctlSequenceNumber": "1"}, {}, b"")

    def work(n: int) -> None:
        for k in range(100):
            metrics.observe(request, HttpResponse(200 if k % 10 else 404, {}, b""), n / 1000)
            metrics.passed("enroll", n, n + 0.5, certificates=1)
        metrics.failed("enroll", ServerError("POST", "u", 400, "400-21"), 10.0, 20.0)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (endpoint,) = metrics.endpoints()
    assert endpoint.endpoint == "GET /ra/v3/ctl" and endpoint.latency.count == 800
    assert endpoint.statuses == {200: 720, 404: 80} and endpoint.ok == 720
    assert endpoint.latency.max == 0.007
    (step,) = metrics.steps(["register", "enroll"])
    assert (step.passed, step.failed, step.certificates) == (800, 8, 800)
    assert step.duration.p50 == 0.5 and step.span == 20.0           # from the first start (0) to the last end
    assert metrics.errors == {("enroll", "400-21"): 8}


def test_the_plan_spreads_the_rsus_and_ends_with_the_unregistered() -> None:
    planned = plan_devices(FleetSettings(devices=10, rsus=2, unregistered=3))
    assert [d.name for d in planned] == ["obu-1", "obu-2", "obu-3", "obu-4", "rsu-1", "obu-5", "obu-6", "obu-7",
                                         "obu-8", "rsu-2"]
    assert [d.registered for d in planned] == [True] * 7 + [False] * 3
    assert [d.kind for d in plan_devices(FleetSettings(devices=3, rsus=3))] == ["RSU"] * 3
    assert steps_of("RSU", successor=False) == ("register", "bootstrap", "enroll", "request identification",
                                                "download identification")


@pytest.mark.parametrize("bad", [{"devices": 0}, {"concurrency": 0}, {"rsus": 11}, {"unregistered": -1},
                                 {"duration_s": 0}, {"retry_interval_s": 0}])
def test_settings_out_of_range_are_refused(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        FleetSettings(**{"devices": 10, **bad})


@pytest.mark.parametrize("url", ["http://example.com:8080", "http://10.0.0.1", "ftp://127.0.0.1"])
def test_only_a_local_scms_is_a_target(url: str) -> None:
    with pytest.raises(ValueError, match="only targets a local SCMS"):
        FleetTarget(url, "t" * 16, b"ctl")
    target = FleetTarget("http://localhost:8080/", "t" * 16, b"ctl")
    assert target.url == "http://localhost:8080" and target.urls()["eca"] == "http://localhost:8080/eca"
    assert "t" * 16 not in repr(target)
