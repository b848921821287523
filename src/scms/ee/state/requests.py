"""The authorization requests of a device and the certificates downloaded for them (1609.2.1 clauses 6.3.5.2,
6.3.5.3, 8.2, 9.3).

Files, per request: `requests/<requestHash>/request.oer` (the request as sent) and `secrets.json` (its
`RequestSecrets`, `scms.ee.request_secrets`, 0600), both written before the request is sent; then one folder per
i-period downloaded, `i-<i>/` (decimal i), or `certificate/` for an identification certificate, holding `<j>.oer`
(the certificate) and `<j>.key` (its private key, 0600). The index names a folder only once every file of it is
written, so a batch interrupted by a crash is downloaded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scms.crypto import SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.time import IValue, Time32
from scms.ee.errors import StateError
from scms.ee.flows.authorization import PreparedAuthorization
from scms.ee.flows.download import DownloadedBatch, DownloadPlan
from scms.ee.request_secrets import dump_request_secrets, load_request_secrets
from scms.ee.state.index import DownloadedRecord, RequestRecord
from scms.protocol.ee_ra_ack import CertAck
from scms.protocol.ee_ra_request import RequestSecrets

if TYPE_CHECKING:
    from scms.ee.state.directory import DeviceState

__all__ = ["IDENTIFICATION", "Requests", "StoredCertificate"]

IDENTIFICATION = "certificate"
"""The `downloaded` key and folder of an identification (non-butterfly) certificate."""


@dataclass(frozen=True, repr=False)
class StoredCertificate:
    """A downloaded certificate, its private key, and where it came from."""

    certificate: Certificate
    private_key: SoftwareKey
    request_hash: str
    i: IValue | None
    j: int

    def __repr__(self) -> str:
        return f"StoredCertificate({self.certificate.hashed_id8()}, i={self.i}, j={self.j}, [secure])"


class Requests:
    def __init__(self, state: DeviceState) -> None:
        self._state = state

    def all(self) -> tuple[RequestRecord, ...]:
        return tuple(self._state.index.requests)

    def get(self, request_hash: str) -> RequestRecord:
        """A request by its hash or an unambiguous prefix of it."""
        found = [r for r in self._state.index.requests if r.request_hash.startswith(request_hash.lower())]
        if len(found) != 1:
            what = "no request" if not found else f"{len(found)} requests"
            raise StateError(f"{self._state.where}: {what} matching {request_hash!r}")
        return found[0]

    def add(self, prepared: PreparedAuthorization, enrollment_id: str, now: Time32) -> RequestRecord:
        """Keep a request and its secrets before sending it."""
        request_hash = prepared.secrets.request_hash.hex()
        folder = f"requests/{request_hash}"
        spec = prepared.spec
        record = RequestRecord(
            request_hash=request_hash,
            profile=spec.profile,
            kind="identification" if prepared.first_i is None else "pseudonym",
            butterfly=None if prepared.first_i is None else spec.butterfly,
            certificate_type=spec.certificate_type.value,
            periods=spec.periods if prepared.first_i is not None else 1,
            encrypted_response=spec.encrypted_response,
            created_at=int(now),
            request=self._state.write(f"{folder}/request.oer", prepared.request),
            secrets=self._state.write(f"{folder}/secrets.json", dump_request_secrets(prepared.secrets), secret=True),
            enrollment=enrollment_id,
            last_i=None if prepared.last_i is None else int(prepared.last_i),
        )
        with self._state.change() as index:
            index.requests.append(record)
        return record

    def record_ack(self, request_hash: str, ack: CertAck) -> None:
        """The RA acknowledged the request: firstI (butterfly) and nextDlTime."""
        with self._state.change() as index:
            record = index.request(request_hash)
            if record is None:
                raise StateError(f"{self._state.where}: no request {request_hash}")
            record.first_i = None if ack.first_i is None else int(ack.first_i)
            record.next_dl_time = int(ack.next_dl_time)

    def secrets(self, record: RequestRecord) -> RequestSecrets:
        try:
            return load_request_secrets(self._state.read_secret(record.secrets))
        except ValueError as error:
            raise StateError(f"{record.secrets}: {error}") from None

    def request_bytes(self, record: RequestRecord) -> bytes:
        return self._state.read(record.request)

    def plan(self, record: RequestRecord) -> DownloadPlan:
        """What is left to download for `record` (StateError before the acknowledgement)."""
        if record.next_dl_time is None:
            raise StateError(f"request {record.request_hash}: not acknowledged by the RA yet")
        due = max([record.next_dl_time, *(d.next_dl_time or 0 for d in record.downloaded.values())])
        have = frozenset(int(i) for i in record.downloaded if i != IDENTIFICATION)
        first_i = None if record.first_i is None else IValue(record.first_i)
        last_i = None if record.last_i is None else IValue(record.last_i)
        return DownloadPlan(self.secrets(record), first_i, last_i, Time32(due), have)

    def store(self, request_hash: str, batch: DownloadedBatch) -> None:
        """Write every certificate and key of `batch`, then name the folder in the index."""
        name = IDENTIFICATION if batch.i is None else str(int(batch.i))
        folder = f"requests/{request_hash}/{'certificate' if batch.i is None else f'i-{name}'}"
        numbers = []
        for position, got in enumerate(batch.certificates):
            j = position if got.j is None else got.j
            self._state.write(f"{folder}/{j}.oer", got.certificate.data)
            self._state.write_key(f"{folder}/{j}.key", got.private_key)
            numbers.append(j)
        next_dl = None if batch.next_dl_time is None else int(batch.next_dl_time)
        with self._state.change() as index:
            record = index.request(request_hash)
            if record is None:
                raise StateError(f"{self._state.where}: no request {request_hash}")
            record.downloaded[name] = DownloadedRecord(directory=folder, j=numbers, next_dl_time=next_dl)

    def certificates(self, record: RequestRecord, i: int | None = None) -> tuple[StoredCertificate, ...]:
        """The stored certificates of `record` (of i-period `i` only, when given)."""
        found = []
        for name, downloaded in sorted(record.downloaded.items()):
            period = None if name == IDENTIFICATION else IValue(int(name))
            if i is not None and period != i:
                continue
            for j in downloaded.j:
                certificate = Certificate.from_bytes(self._state.read(f"{downloaded.directory}/{j}.oer"))
                key = self._state.key(f"{downloaded.directory}/{j}.key")
                found.append(StoredCertificate(certificate, key, record.request_hash, period, j))
        return tuple(found)
