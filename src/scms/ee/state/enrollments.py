"""The enrollment certificates of a device and the enrollment in progress (1609.2.1 clauses 6.3.4.2, 6.3.5.4).

Files: `enrollment/<HashedId8>.oer` (the certificate) and `.key` (its private key, 0600), one pair per certificate
the device held, the last one current; `enrollment/pending/<requestHash>.oer`, `.inner.oer` (successor) and `.key`
(the new key, 0600) for the request in flight. The request and its key are written before it is sent, so after a
crash the same request can be sent again (the ECA and RA answer it again) or its answer downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scms.crypto import HashedId8, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.time import Time32
from scms.ee.errors import StateError
from scms.ee.flows.enrollment import PreparedEnrollment
from scms.ee.flows.successor import PreparedSuccessor
from scms.ee.state.index import EnrollmentRecord, PendingEnrollmentRecord
from scms.protocol.ee_eca import EnrollmentResult
from scms.protocol.ee_ra_ack import CertInfo

if TYPE_CHECKING:
    from scms.ee.state.directory import DeviceState

__all__ = ["Enrollments", "PendingEnrollment", "StoredEnrollment"]


@dataclass(frozen=True, repr=False)
class StoredEnrollment:
    """An enrollment certificate and its private key, as stored (an `EnrollmentCredential`)."""

    record: EnrollmentRecord
    certificate: Certificate
    private_key: SoftwareKey

    def __repr__(self) -> str:
        return f"StoredEnrollment({self.record.hashed_id8}, [secure])"


@dataclass(frozen=True)
class PendingEnrollment:
    """The request in flight: what was prepared, and (successor) who signed it and the acknowledgement's time."""

    record: PendingEnrollmentRecord
    prepared: PreparedEnrollment | PreparedSuccessor


class Enrollments:
    def __init__(self, state: DeviceState) -> None:
        self._state = state

    def _load(self, record: EnrollmentRecord) -> StoredEnrollment:
        certificate = Certificate.from_bytes(self._state.read(record.certificate))
        key = self._state.key(record.key)
        if certificate.hashed_id8().hex() != record.hashed_id8:
            raise StateError(f"{record.certificate}: not the certificate {record.hashed_id8}")
        return StoredEnrollment(record, certificate, key)

    def all(self) -> tuple[EnrollmentRecord, ...]:
        return tuple(self._state.index.enrollments)

    def current(self) -> StoredEnrollment:
        """The newest enrollment certificate (StateError before the first enrollment)."""
        records = self._state.index.enrollments
        if not records:
            raise StateError(f"{self._state.where}: the device is not enrolled yet")
        return self._load(records[-1])

    def get(self, hashed_id8: str) -> StoredEnrollment:
        record = next((r for r in self._state.index.enrollments if r.hashed_id8 == hashed_id8), None)
        if record is None:
            raise StateError(f"{self._state.where}: no enrollment certificate {hashed_id8}")
        return self._load(record)

    def begin(self, prepared: PreparedEnrollment | PreparedSuccessor, now: Time32,
              signer: StoredEnrollment | None = None) -> None:
        """Keep a request and its new key before sending it (`signer`: the enrollment certificate that signed a
        successor request)."""
        successor = isinstance(prepared, PreparedSuccessor)
        request_hash = HashedId8.of(prepared.request).hex()
        folder = "enrollment/pending"
        inner = None
        if isinstance(prepared, PreparedSuccessor):
            inner = self._state.write(f"{folder}/{request_hash}.inner.oer", prepared.inner_request)
        key_file = f"{folder}/{request_hash}.key"
        self._state.write_key(key_file, prepared.key)
        record = PendingEnrollmentRecord(
            kind="successor" if successor else "enrollment",
            request_hash=request_hash,
            request=self._state.write(f"{folder}/{request_hash}.oer", prepared.request),
            inner_request=inner,
            key=key_file,
            certificate_type=prepared.certificate_type.value,
            created_at=int(now),
            enrollment=None if signer is None else signer.record.hashed_id8,
        )
        with self._state.change() as index:
            index.pending_enrollment = record

    def pending(self) -> PendingEnrollment | None:
        record = self._state.index.pending_enrollment
        if record is None:
            return None
        request = self._state.read(record.request)
        key = self._state.key(record.key)
        kind = CertificateType(record.certificate_type)
        if record.inner_request is None:
            return PendingEnrollment(record, PreparedEnrollment(request, key, kind))
        return PendingEnrollment(record, PreparedSuccessor(request, self._state.read(record.inner_request), key, kind))

    def record_ack(self, info: CertInfo) -> None:
        """The RA acknowledged the successor request in flight."""
        with self._state.change() as index:
            pending = index.pending_enrollment
            if pending is None or pending.request_hash != info.request_hash.hex():
                raise StateError(f"{self._state.where}: no successor request {info.request_hash} in flight")
            pending.next_dl_time = int(info.next_dl_time)

    def finish(self, result: EnrollmentResult, now: Time32) -> StoredEnrollment:
        """Store the certificate the request in flight obtained (it becomes current) and forget the request."""
        pending = self._state.index.pending_enrollment
        if pending is None:
            raise StateError(f"{self._state.where}: no enrollment request in flight")
        name = result.certificate.hashed_id8().hex()
        certificate = self._state.write(f"enrollment/{name}.oer", result.certificate.data)
        key_file = f"enrollment/{name}.key"
        self._state.write_key(key_file, result.private_key)
        record = EnrollmentRecord(hashed_id8=name, certificate=certificate, key=key_file,
                                  valid_until=int(result.certificate.validity.end), obtained_at=int(now),
                                  via="eca" if pending.kind == "enrollment" else "successor")
        with self._state.change() as index:
            index.enrollments.append(record)
            index.pending_enrollment = None
        for leftover in (pending.request, pending.inner_request, pending.key):
            if leftover is not None:
                self._state.remove(leftover)
        return StoredEnrollment(record, result.certificate, result.private_key)

    def abandon(self) -> None:
        """Forget the request in flight (its answer will not be read)."""
        with self._state.change() as index:
            index.pending_enrollment = None
