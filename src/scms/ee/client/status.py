"""`DeviceStatus`: what a device holds, in a form a user (or `scms ee status`) reads at a glance; from the index
only, so it needs no key and no network."""

from __future__ import annotations

from dataclasses import dataclass

from scms.ee.state.index import DeviceIndex

__all__ = ["DeviceStatus", "RequestStatus", "device_status"]


@dataclass(frozen=True)
class RequestStatus:
    request_hash: str
    profile: str
    kind: str
    butterfly: str | None
    certificate_type: str
    periods: int
    acknowledged: bool
    first_i: int | None
    next_dl_time: int | None
    downloaded_periods: int
    certificates: int
    complete: bool


@dataclass(frozen=True)
class DeviceStatus:
    device_type: str
    canonical_id: str | None
    registration_state: str | None
    has_policy: bool
    trust_verified_at: int | None
    enrollment: str | None
    """HashedId8 of the current enrollment certificate."""
    enrollment_valid_until: int | None
    enrollments: int
    pending_enrollment: str | None
    """"enrollment" or "successor" while one is in flight."""
    requests: tuple[RequestStatus, ...]


def device_status(index: DeviceIndex) -> DeviceStatus:
    current = index.enrollments[-1] if index.enrollments else None
    requests = tuple(
        RequestStatus(
            request_hash=r.request_hash,
            profile=r.profile,
            kind=r.kind,
            butterfly=None if r.butterfly is None else r.butterfly.value,
            certificate_type=r.certificate_type,
            periods=r.periods,
            acknowledged=r.acknowledged,
            first_i=r.first_i,
            next_dl_time=r.next_dl_time,
            downloaded_periods=len(r.downloaded),
            certificates=sum(len(d.j) for d in r.downloaded.values()),
            complete=r.complete,
        )
        for r in index.requests
    )
    return DeviceStatus(
        device_type=index.device_type,
        canonical_id=index.canonical_id,
        registration_state=index.registration_state,
        has_policy=index.policy is not None,
        trust_verified_at=None if index.trust is None else index.trust.verified_at,
        enrollment=None if current is None else current.hashed_id8,
        enrollment_valid_until=None if current is None else current.valid_until,
        enrollments=len(index.enrollments),
        pending_enrollment=None if index.pending_enrollment is None else index.pending_enrollment.kind,
        requests=requests,
    )
