"""The RA's record of accepted authorization requests (issue exactly once; DESIGN "Habits", style rule 10).

    find(request_hash)          the stored request, if any (the same bytes again get its stored acknowledgement)
    accept(request, limits)     ra-maxReqs / ra-minWait, the insert of the request with its plan, and the
                                generation job, in one transaction: a request is committed before it is acknowledged
    finish(request_hash, ...)   accepted -> complete | cancelled | failed, by compare-and-set

`accept` serialises the requests of one enrollment certificate (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a
transaction-scoped advisory lock), so the limits hold under concurrent requests. Times are Time32 arguments (the
job queue's datetimes come from the caller); nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, bindparam, case, func, insert, select, text, update

from scms.crypto import ButterflyVariant, HashedId8
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.services.common import begin_write, enqueue
from scms.services.ra.authorization_tables import authorization_requests

__all__ = [
    "DISPATCH_JOB",
    "GENERATE_JOB",
    "RATE_WINDOW",
    "AuthorizationStore",
    "RaLimits",
    "StoredRequest",
    "generation_ref",
    "lock_requester",
    "same_request",
]

RATE_WINDOW = 7 * 24 * 3600
"""ra-maxReqs counts the requests of one enrollment certificate and authorization set per 7 x 24 h of
generationTime (1609.2.1 clause 4.3)."""

GENERATE_JOB = "ra.generate"
"""The kind of the job that plans a request's certificates (`scms.services.ra.generation`)."""
DISPATCH_JOB = "ra.dispatch"
"""The kind of the job that has a request's planned certificates issued and builds its files."""


def generation_ref(request_hash: HashedId8, i: int | None = None) -> str:
    """The job payload: the request hash, and for a later part of a long request the first i-period it covers."""
    return request_hash.hex() if i is None else f"{request_hash.hex()}@{i}"


@dataclass(frozen=True)
class RaLimits:
    max_reqs: int
    """`ra-maxReqs`: accepted requests per enrollment certificate and authorization set per RATE_WINDOW."""
    min_wait: int
    """`ra-minWait`: seconds of generationTime between two accepted requests of that enrollment certificate and
    authorization set."""


@dataclass(frozen=True, repr=False)
class StoredRequest:
    """One accepted authorization request and its plan (a row of `ra_authorization_requests`)."""

    request_hash: HashedId8
    request_digest: bytes
    """SHA-256 of the request as received: the same bytes again are the same request."""
    enrollment_id: HashedId8
    canonical_id: str
    device_type: str
    profile: str
    variant: ButterflyVariant | None
    certificate_type: CertificateType
    parameters: bytes | None
    """COER AdditionalParams: the butterfly parameters, or the response encryptionKey (secret-ish: they link)."""
    template: bytes
    """COER ToBeSignedCertificate of the plan, verificationKey = the requested key (caterpillar key A)."""
    generation_time: Time32
    received_at: Time32
    i_first: int | None
    i_last: int | None
    j_count: int
    next_dl_time: Time32
    ack: bytes
    state: str = "accepted"
    chain_1: bytes | None = None
    chain_2: bytes | None = None

    @property
    def butterfly(self) -> bool:
        return self.variant is not None

    @property
    def periods(self) -> range:
        """The i-periods of a butterfly request (empty otherwise)."""
        if self.i_first is None or self.i_last is None:
            return range(0)
        return range(self.i_first, self.i_last + 1)

    def __repr__(self) -> str:
        return f"StoredRequest({self.request_hash}, {self.profile}, {self.state})"


def _stored(row: Row[Any]) -> StoredRequest:
    m = row._mapping
    optional = {name: None if m[name] is None else bytes(m[name]) for name in ("parameters", "chain_1", "chain_2")}
    return StoredRequest(
        request_hash=HashedId8(bytes(m["request_hash"])),
        request_digest=bytes(m["request_digest"]),
        enrollment_id=HashedId8(bytes(m["enrollment_id"])),
        canonical_id=m["canonical_id"],
        device_type=m["device_type"],
        profile=m["profile"],
        variant=None if m["variant"] is None else ButterflyVariant(m["variant"]),
        certificate_type=CertificateType(m["certificate_type"]),
        template=bytes(m["template"]),
        generation_time=Time32(m["generation_time"]),
        received_at=Time32(m["received_at"]),
        i_first=m["i_first"],
        i_last=m["i_last"],
        j_count=m["j_count"],
        next_dl_time=Time32(m["next_dl_time"]),
        ack=bytes(m["ack"]),
        state=m["state"],
        **optional,
    )


def lock_requester(connection: Connection, name: str) -> None:
    """Serialise the writers of one requester until the transaction ends (PostgreSQL advisory lock; on SQLite
    `begin_write` holds the database's write lock already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(name.encode())})


_TABLE = authorization_requests
# The statements of the acknowledgement path, built once (building a Core statement costs more than running it).
_FIND = select(_TABLE).where(_TABLE.c.request_hash == bindparam("request_hash"))
_INSERT = insert(_TABLE)
_COUNT = (
    select(func.count(case((_TABLE.c.generation_time > bindparam("since"), 1))), func.max(_TABLE.c.generation_time))
    .where(_TABLE.c.enrollment_id == bindparam("enrollment_id"), _TABLE.c.profile == bindparam("profile"))
)


class AuthorizationStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, request_hash: HashedId8, connection: Connection | None = None) -> StoredRequest | None:
        parameters = {"request_hash": bytes(request_hash)}
        if connection is not None:
            row = connection.execute(_FIND, parameters).first()
        else:
            with self.engine.connect() as own:
                row = own.execute(_FIND, parameters).first()
        return None if row is None else _stored(row)

    def accept(self, request: StoredRequest, limits: RaLimits, *, now: dt.datetime, max_attempts: int,
               run_after: dt.datetime) -> StoredRequest:
        """Record `request` with its generation job (due at `run_after`), unless its enrollment certificate is over
        its limits for the set (400-79, 400-711); the stored request when the same bytes were accepted first."""
        with begin_write(self.engine) as connection:
            lock_requester(connection, f"scms ra authorization {request.enrollment_id}")
            stored = self.find(request.request_hash, connection)
            if stored is not None:
                return same_request(stored, request.request_digest)
            _check_limits(connection, request, limits)
            connection.execute(_INSERT, _row(request))
            enqueue(connection, GENERATE_JOB, generation_ref(request.request_hash), now=now,
                    max_attempts=max_attempts, run_after=run_after)
        return request

    def finish(self, request_hash: HashedId8, state: str, now: Time32) -> bool:
        """accepted -> `state` (complete, cancelled, failed); False when it was not accepted any more."""
        with begin_write(self.engine) as connection:
            return connection.execute(
                update(authorization_requests)
                .where(authorization_requests.c.request_hash == bytes(request_hash),
                       authorization_requests.c.state == "accepted")
                .values(state=state, finished_at=int(now))).rowcount == 1

    def set_chains(self, connection: Connection, request_hash: HashedId8, chains: tuple[bytes, bytes]) -> None:
        """Record the linkage chains a request uses (once: a request never changes chains)."""
        table = authorization_requests
        changed = connection.execute(
            update(table)
            .where(table.c.request_hash == bytes(request_hash), table.c.chain_1.is_(None), table.c.chain_2.is_(None))
            .values(chain_1=chains[0], chain_2=chains[1])).rowcount
        if changed != 1:
            raise RuntimeError(f"request {request_hash}: its linkage chains were set meanwhile")

    def active(self, canonical_id: str) -> int:
        """How many requests of the device are still being generated."""
        table = authorization_requests
        with self.engine.connect() as connection:
            return int(connection.execute(
                select(func.count()).where(table.c.canonical_id == canonical_id, table.c.state == "accepted")
            ).scalar_one())


def same_request(stored: StoredRequest, digest: bytes) -> StoredRequest:
    """The stored request when `digest` says the bytes are the same; 400-42 for other bytes with its hash."""
    if stored.request_digest != digest:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"another request has the hash {stored.request_hash}")
    return stored


def _row(request: StoredRequest) -> dict[str, Any]:
    return {
        "request_hash": bytes(request.request_hash), "request_digest": request.request_digest,
        "enrollment_id": bytes(request.enrollment_id), "canonical_id": request.canonical_id,
        "device_type": request.device_type, "profile": request.profile,
        "variant": None if request.variant is None else request.variant.value,
        "certificate_type": request.certificate_type.value, "parameters": request.parameters,
        "template": request.template, "generation_time": int(request.generation_time),
        "received_at": int(request.received_at), "i_first": request.i_first, "i_last": request.i_last,
        "j_count": request.j_count, "next_dl_time": int(request.next_dl_time), "ack": request.ack,
        "state": request.state,
    }


def _check_limits(connection: Connection, request: StoredRequest, limits: RaLimits) -> None:
    generated = int(request.generation_time)
    recent, last = connection.execute(_COUNT, {"since": generated - RATE_WINDOW, "profile": request.profile,
                                               "enrollment_id": bytes(request.enrollment_id)}).one()
    if recent >= limits.max_reqs:
        raise Ieee1609Error(ErrorCode.OUTSIDE_RA_MAX_REQS, f"{recent} requests for {request.profile} in "
                            f"{RATE_WINDOW} s")
    if limits.min_wait > 0 and last is not None and generated - last < limits.min_wait:
        raise Ieee1609Error(ErrorCode.WITHIN_RA_MIN_WAIT, f"{generated - last} s after the previous request")
