"""The fleet engine against `scms up` over real HTTP: every device's life cycle counted step by step (certificates
as the policy says), every exchange by endpoint and status, refusals by their `Ieee-1609.2.1-Error` code (devices
never registered: 400-21 at enrollment; a wrong operator token: HTTP 401 at registration), the duration bounding
which devices start; the devices kept in memory hold what they obtained and sign what another accepts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2e._up import Up
from scms.ee.fleet import FleetReport, FleetSettings, FleetTarget, run_fleet
from scms.ee.fleet.demo import demo_steps

SETTINGS = FleetSettings(devices=6, rsus=2, unregistered=2, concurrency=3, keep_devices=True, max_wait_s=60)
"""obu-1, obu-2, rsu-1, obu-3 complete; obu-4 and rsu-2 are never registered."""


@pytest.fixture(scope="module")
def report(scms: Up) -> FleetReport:
    steps: list[tuple[str, str, bool]] = []
    ended: list[str] = []
    report = run_fleet(SETTINGS, FleetTarget.of_deployment(scms.deployment, scms.url),
                       on_step=lambda d, step, ok: steps.append((d.name, step, ok)),
                       on_device=lambda outcome: ended.append(outcome.planned.name))
    assert sorted(ended) == sorted(d.planned.name for d in report.devices)
    assert len([s for s in steps if s[2]]) == 4 * 6 + 2 * 2 and len([s for s in steps if not s[2]]) == 2
    return report


def test_the_devices_and_their_steps(report: FleetReport, scms: Up) -> None:
    assert (report.started, report.completed, report.failed, report.ok) == (6, 4, 2, False)
    failed = {d.planned.name: (d.failed_step, d.error, d.steps_passed) for d in report.devices if not d.completed}
    assert failed == {"obu-4": ("enroll", "400-21", 2), "rsu-2": ("enroll", "400-21", 2)}
    per_period = scms.deployment.global_policy.parameters.base_cert_number
    counted = {s.step: (s.passed, s.failed, s.certificates) for s in report.steps}
    assert counted == {
        "register": (6, 0, 0), "bootstrap": (6, 0, 0), "enroll": (4, 2, 4),
        "request pseudonyms": (3, 0, 0), "download pseudonyms": (3, 0, 3 * per_period),
        "request identification": (1, 0, 0), "download identification": (1, 0, 1),
        "successor": (4, 0, 4),
    }
    assert report.certificates == 4 + 3 * per_period + 1 + 4
    assert report.errors == {("enroll", "400-21"): 2} and report.errors_by_kind() == {"400-21": 2}


def test_each_endpoint_is_counted_by_status_with_ordered_percentiles(report: FleetReport) -> None:
    endpoints = {e.endpoint: e for e in report.endpoints}
    assert endpoints["POST /ra/registration/v1/devices"].statuses == {201: 4}        # the unregistered did not
    assert endpoints["GET /ra/registration/v1/policy/global"].statuses == {200: 6}
    assert endpoints["POST /eca/v3/enrollment-certificate"].statuses == {200: 4, 400: 2}
    assert endpoints["POST /ra/v3/authorization-certificate"].statuses == {200: 4}
    assert endpoints["POST /ra/v3/successor-enrollment-certificate"].statuses == {200: 4}
    downloads = endpoints["GET /ra/v3/authorization-certificate"].statuses
    assert downloads[200] == 3 + 1 and set(downloads) <= {200, 404}                  # 404: "not yet"
    for stats in report.endpoints:
        latency = stats.latency
        assert latency.count == sum(stats.statuses.values())
        assert 0 < latency.p50 <= latency.p95 <= latency.p99 <= latency.max <= latency.total
    assert report.requests == sum(e.latency.count for e in report.endpoints)


def test_the_kept_devices_hold_their_certificates_and_sign(report: FleetReport, scms: Up) -> None:
    per_period = scms.deployment.global_policy.parameters.base_cert_number
    for outcome in report.devices:
        assert outcome.device is not None
        status = outcome.device.status()
        if not outcome.completed:
            assert status.enrollments == 0 and status.registration_state == "registered"  # as given out of band
            continue
        assert status.enrollments == 2 and status.pending_enrollment is None           # enrolled, then successor
        (request,) = status.requests
        assert request.complete
        assert request.certificates == (per_period if outcome.planned.kind == "OBU" else 1)
    rows = {row.name: row for row in demo_steps(report)}
    assert not rows["enroll"].ok and rows["enroll"].detail == "400-21 x2"
    assert rows["download pseudonyms"].ok is False                        # 3 of the 4 OBUs planned
    signed = rows["BSM signed (psid 32), verified"]
    assert signed.ok and "obu-1 with" in signed.detail and "accepted by obu-2" in signed.detail


def test_a_wrong_token_is_counted_and_the_duration_stops_new_life_cycles(scms: Up) -> None:
    ticks: Iterator[float] = iter(float(10 * n) for n in range(100))
    target = FleetTarget(scms.url, "not-the-operator-token", scms.deployment.ctls()[0])
    report = run_fleet(FleetSettings(devices=4, concurrency=1, duration_s=25), target, monotonic=lambda: next(ticks))
    assert [d.started for d in report.devices] == [True, True, False, False]     # started at 10 and 20, not at 30
    assert report.errors == {("register", "HTTP 401"): 2}
    assert {d.error for d in report.devices} == {"HTTP 401", None}
    assert (report.started, report.completed, report.failed) == (2, 0, 2)
    assert "2 failed, 2 not started" in report.summary_line()
