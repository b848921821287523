"""The ECA's record of enrollment requests (issue exactly once; DESIGN "Habits", style rule 10).

    enrol(enrollment, limits, now, issue)  the stored enrollment of these request bytes, if any (issued; or accepted
                                 by an older version that did not finish: issued now); else the rate limits, `issue`
                                 (lint and sign) outside any transaction, and in one write transaction the limits
                                 again and the insert of the request with its plan, certificate and response
    find(digest)                 the stored enrollment of these request bytes, if any
    require_issued_to(cert, id)  400-62 unless we issued that enrollment certificate to that device

`enrol` serialises the writes of one device (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped advisory
lock on the canonical id) and checks eca-maxReqs and eca-minWait again under that lock, so they hold under
concurrent requests. It signs before that transaction, after a read without a lock: the write lock (on SQLite the
whole database's, which the other worker processes queue for) is held for two statements, not for the ~0.6 ms of
lint and signatures. A request stored by another writer between the read and the transaction is answered with what
that writer stored, and our signature is dropped: it never left the ECA, so each request still has one certificate
that was answered. The request and its response are committed together before the ECA answers (the answer is the
acknowledgement; docs/api-services.md "Runtime notes"). The statements are built once and run on the driver's cursor
(`DriverStatement`; a new enrollment costs three: the device's rows summarised before and under the lock, the
insert). Times are Time32 arguments; nothing here reads a clock.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, case, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from scms.crypto import HashedId8
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.services.common import begin_write
from scms.services.common.driver_sql import DriverStatement, PooledConnection, pooled_read
from scms.services.eca.tables import enrollments

__all__ = ["RATE_WINDOW", "Enrollment", "EnrollmentStore", "Issue", "RateLimits"]

RATE_WINDOW = 7 * 24 * 3600
"""eca-maxReqs counts the requests of one device per 7 x 24 h of generationTime (1609.2.1 clause 4.3)."""


@dataclass(frozen=True)
class RateLimits:
    max_reqs: int
    """`eca-maxReqs`: accepted requests per device per RATE_WINDOW of generationTime."""
    min_wait: int
    """`eca-minWait`: seconds of generationTime between two accepted requests of a device."""


@dataclass(frozen=True)
class Enrollment:
    """One accepted enrollment request: its plan, and once issued its certificate and response."""

    request_digest: bytes
    request_hash: HashedId8
    canonical_id: str
    device_type: str
    generation_time: Time32
    certificate_type: CertificateType
    planned_tbs: bytes
    certificate_hash: HashedId8 | None = None
    response: bytes | None = None

    def __repr__(self) -> str:
        state = "issued" if self.response is not None else "accepted"
        return f"Enrollment({self.request_hash}, {self.canonical_id[:16]}..., {state})"


Issue = Callable[[Enrollment], tuple[HashedId8, bytes]]
"""Lint and sign an accepted enrollment's plan: the certificate's HashedId8 and the signed response."""


_COLUMNS = (enrollments.c.request_digest, enrollments.c.request_hash, enrollments.c.canonical_id,
            enrollments.c.device_type, enrollments.c.generation_time, enrollments.c.certificate_type,
            enrollments.c.planned_tbs, enrollments.c.certificate_hash, enrollments.c.response)
"""The columns `_enrollment` reads, in its order."""


def _enrollment(row: Sequence[Any]) -> Enrollment:
    """The enrollment of a row of `_COLUMNS`."""
    digest, request_hash, canonical_id, device_type, generated, certificate_type, planned, certificate, response = row
    return Enrollment(
        request_digest=bytes(digest),
        request_hash=HashedId8(bytes(request_hash)),
        canonical_id=canonical_id,
        device_type=device_type,
        generation_time=Time32(generated),
        certificate_type=CertificateType(certificate_type),
        planned_tbs=bytes(planned),
        certificate_hash=None if certificate is None else HashedId8(bytes(certificate)),
        response=None if response is None else bytes(response),
    )


# Every new enrollment runs `_DEVICE` twice (before and under the lock) and `_INSERT`: on the driver's cursor
# (`DriverStatement`: SQLAlchemy's execution costs more than the statements).
_FIND = DriverStatement(select(*_COLUMNS).where(enrollments.c.request_digest == bindparam("digest")))
_DEVICE = DriverStatement(
    select(
        func.max(case((enrollments.c.request_digest == bindparam("digest"), enrollments.c.id))),
        func.count(case((enrollments.c.generation_time > bindparam("window_start"), 1))),
        func.max(enrollments.c.generation_time),
    ).where(enrollments.c.canonical_id == bindparam("canonical_id"))
)
_ISSUED_TO = DriverStatement(select(enrollments.c.id).where(
    enrollments.c.certificate_hash == bindparam("certificate"), enrollments.c.canonical_id == bindparam("device"),
    enrollments.c.state == "issued",
))
_INSERT = DriverStatement(insert(enrollments).values({
    name: bindparam(name) for name in (
        "request_digest", "request_hash", "canonical_id", "device_type", "generation_time", "received_at",
        "certificate_type", "planned_tbs", "state", "certificate_hash", "response", "issued_at")
}))
_FINISH = DriverStatement(
    update(enrollments)
    .where(enrollments.c.request_digest == bindparam("digest"), enrollments.c.state == "accepted")
    .values(state="issued", certificate_hash=bindparam("certificate"), response=bindparam("response"),
            issued_at=bindparam("now"))
)


class EnrollmentStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, digest: bytes) -> Enrollment | None:
        with pooled_read(self.engine) as pooled:
            return _find(pooled, digest)

    def require_issued_to(self, certificate: HashedId8, canonical_id: str) -> None:
        """400-62 unless `certificate` is an enrollment certificate this ECA issued to the device."""
        with pooled_read(self.engine) as pooled:
            found = _ISSUED_TO.first(pooled, {"certificate": bytes(certificate), "device": canonical_id})
        if found is None:
            raise Ieee1609Error(ErrorCode.INVALID_ENROLLMENT_CERTIFICATE,
                                f"{certificate} is not an enrollment certificate of this device")

    def enrol(self, enrollment: Enrollment, limits: RateLimits, now: Time32, issue: Issue) -> Enrollment:
        """The issued enrollment of `enrollment`'s request bytes (1609.2.1 clause 6.3.4.2, the ECA's record of it):
        the stored one if they came before (a retry is not rate-limited), else, unless the device is over its limits
        (400-71, 400-73), `issue`d now and stored with the request. Nothing is stored if `issue` or the limits
        refuse.

        1. Without the write lock, one read: the stored enrollment of these bytes, answered as it is; else the
           limits, so an over-limit device costs no signature.
        2. `issue` outside any transaction (the lock's holders would wait for the signatures otherwise).
        3. One write transaction, under the device's lock: the device's rows again. These bytes stored meanwhile
           (another worker or thread won the race): the stored enrollment is the answer, and the certificate and
           response of step 2 are dropped (never sent, never stored: the EE gets one answer per request). Else the
           limits with the fresh counts (a concurrent request of the device may have taken the last place), and the
           insert, committed before the answer.
        """
        generated = int(enrollment.generation_time)
        device = {"digest": enrollment.request_digest, "window_start": generated - RATE_WINDOW,
                  "canonical_id": enrollment.canonical_id}
        with pooled_read(self.engine) as pooled:
            stored_id, recent, last = _summary(pooled, device)
            stored = None if stored_id is None else _find(pooled, enrollment.request_digest)
        if stored is not None and stored.response is not None:
            return stored
        signed: tuple[HashedId8, bytes] | None = None
        if stored is None:  # an accepted row of an older version is issued from its stored plan, under the lock
            _check_limits(generated, recent, last, limits)
            signed = issue(enrollment)
        try:
            with begin_write(self.engine) as connection:
                _lock_device(connection, enrollment.canonical_id)
                stored_id, recent, last = _summary(connection, device)
                if stored_id is not None:
                    return _issued(connection, _find(connection, enrollment.request_digest), issue, now)
                _check_limits(generated, recent, last, limits)
                # `signed` is None only after the read found an older version's accepted row, which is found again
                # here (rows are not deleted); should it not be, the request is signed under the lock, as before.
                certificate, response = issue(enrollment) if signed is None else signed
                _INSERT.run(connection, {
                    "request_digest": enrollment.request_digest, "request_hash": bytes(enrollment.request_hash),
                    "canonical_id": enrollment.canonical_id, "device_type": enrollment.device_type,
                    "generation_time": generated, "received_at": int(now),
                    "certificate_type": enrollment.certificate_type.value, "planned_tbs": enrollment.planned_tbs,
                    "state": "issued", "certificate_hash": bytes(certificate), "response": response,
                    "issued_at": int(now),
                })
        except IntegrityError:  # the same request inserted meanwhile (only without the device lock)
            stored = self.find(enrollment.request_digest)
            if stored is None or stored.response is None:
                raise
            return stored
        return replace(enrollment, certificate_hash=certificate, response=response)


def _issued(connection: Connection, stored: Enrollment | None, issue: Issue, now: Time32) -> Enrollment:
    """`stored` issued: as it is, or, accepted by an attempt of an older version (which committed the plan before
    signing) that did not finish, its plan issued now (compare-and-set, under the device's lock)."""
    if stored is None:
        raise RuntimeError("an enrollment vanished under the device lock")
    if stored.response is not None:
        return stored
    certificate, response = issue(stored)
    changed = _FINISH.run(connection, {
        "digest": stored.request_digest, "certificate": bytes(certificate), "response": response, "now": int(now),
    })
    if changed == 1:
        return replace(stored, certificate_hash=certificate, response=response)
    finished = _find(connection, stored.request_digest)  # finished meanwhile by an older version's `finish`
    if finished is None or finished.response is None:
        raise RuntimeError("an accepted enrollment changed under the device lock")
    return finished


def _summary(connection: Connection | PooledConnection, device: dict[str, Any]) -> tuple[int | None, int, int | None]:
    """`_DEVICE`'s row: the id of the row of these request bytes (None: not stored), the device's requests in the
    window, its latest generationTime (None: no request yet)."""
    summary = _DEVICE.first(connection, device)
    assert summary is not None  # an aggregate without GROUP BY has one row
    stored_id, recent, last = summary
    return stored_id, recent, last


def _find(connection: Connection | PooledConnection, digest: bytes) -> Enrollment | None:
    row = _FIND.first(connection, {"digest": digest})
    return None if row is None else _enrollment(row)


def _lock_device(connection: Connection, canonical_id: str) -> None:
    if connection.dialect.name == "postgresql":
        key = zlib.crc32(f"scms eca device {canonical_id}".encode())
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _check_limits(generated: int, recent: int, last: int | None, limits: RateLimits) -> None:
    if recent >= limits.max_reqs:
        raise Ieee1609Error(ErrorCode.OUTSIDE_ECA_MAX_REQS, f"{recent} requests in the last {RATE_WINDOW} s")
    if limits.min_wait > 0 and last is not None and generated - last < limits.min_wait:
        raise Ieee1609Error(ErrorCode.WITHIN_ECA_MIN_WAIT, f"{generated - last} s after the previous request")
