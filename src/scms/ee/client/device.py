"""`Device`: a device state directory and a driver, doing what a device does, one method per step; every result is
written to the directory before the method returns (docs/api-ee.md).

    device = Device.create(path, "obu", driver=SyncDriver(transport))   # or Device.open(path), Device.in_memory("obu")
    device.register(operator_url, token)       # DCM: canonical key registered, policy files fetched
    device.bootstrap(anchor_ctl)               # CTLs, CCF, RA certificate, composite CRL, verified
    device.enroll()                            # enrollment certificate from the ECA
    device.request("pseudonym", butterfly=..., certificate_type=..., periods=N)
    device.download()                          # waits as nextDlTime says, resumes
    device.successor()                         # a new enrollment certificate through the RA
    device.sign(payload, psid) / device.verify(data)
    device.status()

A request in flight is kept before it is sent (keys and bytes), so a crash loses nothing: `enroll` and `successor`
send the same request again while it is young enough for the policy's eca-/ra-maxAge (the components answer a
repeated request with what they answered before), `resend` does so for an authorization request, and `download`
fetches what the acknowledgements announced and skips what is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from scms.crypto import ButterflyVariant
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.time import IValue, Time32
from scms.ee.client.status import DeviceStatus, device_status
from scms.ee.client.sync_driver import SyncDriver
from scms.ee.client.transport import system_clock
from scms.ee.errors import NotReady, StateError
from scms.ee.exchange import Flow
from scms.ee.flows import (
    AuthorizationSpec,
    DownloadedBatch,
    PreparedEnrollment,
    Registration,
    bootstrap,
    download,
    download_successor,
    enroll,
    fetch_policies,
    prepare_authorization,
    prepare_enrollment,
    prepare_successor,
    register,
    request_successor,
    submit_authorization,
)
from scms.ee.flows.authorization import PreparedAuthorization
from scms.ee.flows.registration import DeviceType, parse_policies
from scms.ee.flows.successor import PreparedSuccessor
from scms.ee.messages import VerifiedMessage, sign_message, verify_message
from scms.ee.state import DeviceState, RequestRecord, StoredCertificate, StoredEnrollment
from scms.ee.trust import TrustMaterial
from scms.protocol.ctl import parse_ctl

__all__ = ["Device", "DownloadReport"]

T = TypeVar("T")


@dataclass(frozen=True)
class DownloadReport:
    batches: int
    """i-period batches (or identification certificates) stored by this call."""
    certificates: int
    waiting: dict[str, Time32]
    """Requests with files still to come, and when to ask again."""


def _device_type(name: str) -> DeviceType:
    upper = name.upper()
    if upper not in ("OBU", "RSU"):
        raise ValueError(f"device type {name!r}: obu or rsu")
    return "OBU" if upper == "OBU" else "RSU"


class Device:
    def __init__(self, state: DeviceState, driver: SyncDriver | None = None) -> None:
        self.state = state
        self._own_driver = driver is None
        self.driver = driver or SyncDriver(clock=system_clock(self._leap_seconds()))
        self._trust: TrustMaterial | None = None

    def _leap_seconds(self) -> int | None:
        try:
            return self.state.policies().global_policy.parameters.leap_seconds
        except StateError:
            return None

    @classmethod
    def create(cls, directory: Path | str, device_type: str, *, driver: SyncDriver | None = None) -> Device:
        """A new device ("obu" or "rsu") with a fresh canonical key in `directory`."""
        return cls(DeviceState.create(Path(directory), _device_type(device_type)), driver)

    @classmethod
    def in_memory(cls, device_type: str, *, driver: SyncDriver | None = None, name: str = "device") -> Device:
        """A new device ("obu" or "rsu") whose state is kept in memory only (a simulated device, the fleet's)."""
        return cls(DeviceState.in_memory(_device_type(device_type), name), driver)

    @classmethod
    def open(cls, directory: Path | str, *, driver: SyncDriver | None = None) -> Device:
        return cls(DeviceState.open(Path(directory)), driver)

    def close(self) -> None:
        """Close the driver it made and let the state directory go (its lock, `scms.ee.state.lock`)."""
        if self._own_driver:
            self.driver.close()
        self.state.close()

    def __enter__(self) -> Device:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
                 ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Device({self.state!r})"

    def now(self) -> Time32:
        return self.driver.clock()

    def _run(self, flow: Flow[T]) -> T:
        return self.driver.run(flow)

    # -- registration and trust ------------------------------------------------------------------------------------
    def register(self, operator_url: str, token: str, *, urls: dict[str, str] | None = None) -> Registration:
        """Register the canonical key with the RA's operator API and fetch the policy files (the DCM role);
        `urls` override the components' base URLs the global policy gives."""
        device_type = self.state.index.device_type
        registration = self._run(register(operator_url, token, device_type, self.state.canonical_key().public_point))
        self.state.save_registration(registration)
        self.state.save_policies(self._run(fetch_policies(operator_url, token, device_type)))
        if urls:
            self.state.save_urls(urls)
        return registration

    def use_policies(self, global_file: bytes, device_file: bytes, *, canonical_id: str | None = None) -> None:
        """Take policy files (and a canonical id) given out of band instead of registering here."""
        self.state.save_policies(parse_policies(global_file, device_file, self.state.index.device_type))
        if canonical_id is not None:
            self.state.save_registration(Registration(canonical_id, self.state.index.device_type, "registered"))

    def bootstrap(self, anchor_ctl: bytes | None = None, *, ra_url: str | None = None) -> TrustMaterial:
        """Fetch and verify the trust material from `anchor_ctl` (the first time; later the stored anchor)."""
        anchor = anchor_ctl if anchor_ctl is not None else self.state.anchor_ctl()
        if anchor is None:
            raise StateError(f"{self.state.where}: the first bootstrap needs the anchor CTL (out of band)")
        expected, series = self._expected_series(), parse_ctl(anchor).series_id.hex()
        if expected is not None and series != expected:
            raise StateError(f"the anchor CTL is of series {series}, the policy's is {expected}")
        trust = self._run(bootstrap(ra_url or self.state.url("ra"), anchor, self.now()))
        self.state.save_trust(trust)
        self._trust = trust
        return trust

    def _expected_series(self) -> str | None:
        try:
            return self.state.policies().global_policy.ctl_series_id
        except StateError:
            return None

    def trust(self) -> TrustMaterial:
        """The trust material (verified again when first used after opening)."""
        if self._trust is None:
            self._trust = self.state.trust(self.now())
        return self._trust

    # -- enrollment --------------------------------------------------------------------------------------------
    def enroll(self, *, certificate_type: CertificateType = CertificateType.IMPLICIT) -> StoredEnrollment:
        """An enrollment certificate from the ECA (a request left in flight is sent again while young enough)."""
        policies, trust = self.state.policies(), self.trust()
        pending = self.state.enrollments.pending()
        max_age = policies.global_policy.parameters.eca_max_age
        if pending is not None and (pending.record.kind != "enrollment" or
                                    self.now() - pending.record.created_at > max_age):
            self.state.enrollments.abandon()
            pending = None
        if pending is None:
            prepared = prepare_enrollment(policies.device_policy, trust, self.state.canonical_identity(), self.now(),
                                          certificate_type=certificate_type)
            self.state.enrollments.begin(prepared, self.now())
        else:
            assert isinstance(pending.prepared, PreparedEnrollment)  # its kind was checked above
            prepared = pending.prepared
        result = self._run(enroll(self.state.url("eca"), prepared, trust, self.now()))
        return self.state.enrollments.finish(result, self.now())

    def successor(self, *, certificate_type: CertificateType = CertificateType.IMPLICIT, max_wait: int = 3600,
                  retry_interval: int = 60) -> StoredEnrollment:
        """A new enrollment certificate through the RA, signed for by the current one; waits for it at most
        `max_wait` seconds (NotReady after that: call again to resume)."""
        policies, trust = self.state.policies(), self.trust()
        pending = self.state.enrollments.pending()
        if pending is not None and (pending.record.kind != "successor" or (
                pending.record.next_dl_time is None and
                self.now() - pending.record.created_at > policies.global_policy.parameters.ra_max_age)):
            self.state.enrollments.abandon()
            pending = None
        if pending is None:
            current = self.state.enrollments.current()
            prepared = prepare_successor(policies.device_policy, trust, current, trust.ra_certificate, self.now(),
                                         certificate_type=certificate_type)
            self.state.enrollments.begin(prepared, self.now(), signer=current)
            signer, due = current, None
        else:
            assert isinstance(pending.prepared, PreparedSuccessor) and pending.record.enrollment is not None
            prepared, due = pending.prepared, pending.record.next_dl_time
            signer = self.state.enrollments.get(pending.record.enrollment)
        ra = self.state.url("ra")
        if due is None:
            info = self._run(request_successor(ra, prepared, trust.ra_certificate, self.now()))
            self.state.enrollments.record_ack(info)
            due = info.next_dl_time
        result = self._run(download_successor(ra, prepared, signer, trust.ra_certificate, trust, self.now(),
                                              not_before=Time32(due), deadline=Time32(self.now() + max_wait),
                                              retry_interval=retry_interval))
        return self.state.enrollments.finish(result, self.now())

    # -- authorization certificates ----------------------------------------------------------------------------
    def request(
        self,
        profile: str = "pseudonym",
        *,
        butterfly: ButterflyVariant | None = ButterflyVariant.UNIFIED,
        certificate_type: CertificateType = CertificateType.IMPLICIT,
        periods: int = 1,
        encrypted_response: bool = False,
    ) -> RequestRecord:
        """Ask the RA for authorization certificates of the policy's set `profile`; the acknowledged record."""
        spec = AuthorizationSpec(profile, butterfly, certificate_type, periods, encrypted_response)
        enrollment, trust = self.state.enrollments.current(), self.trust()
        prepared = prepare_authorization(spec, self.state.policies(), enrollment, trust.ra_certificate, self.now())
        record = self.state.requests.add(prepared, enrollment.record.hashed_id8, self.now())
        return self._submit(record, prepared)

    def _submit(self, record: RequestRecord, prepared: PreparedAuthorization) -> RequestRecord:
        ack = self._run(submit_authorization(self.state.url("ra"), prepared, self.trust().ra_certificate, self.now()))
        self.state.requests.record_ack(record.request_hash, ack)
        return self.state.requests.get(record.request_hash)

    def resend(self, request_hash: str) -> RequestRecord:
        """Send a request that was kept but never acknowledged (the same bytes) again."""
        record = self.state.requests.get(request_hash)
        if record.acknowledged:
            return record
        spec = AuthorizationSpec(record.profile, record.butterfly, CertificateType(record.certificate_type),
                                 record.periods, record.encrypted_response)
        first = None if record.last_i is None else IValue(record.last_i - record.periods + 1)
        prepared = PreparedAuthorization(spec, self.state.requests.request_bytes(record),
                                         self.state.requests.secrets(record), first, Time32(record.created_at))
        return self._submit(record, prepared)

    def download(self, request_hash: str | None = None, *, max_wait: int = 3600, retry_interval: int = 60,
                 progress: Callable[[str, DownloadedBatch], None] | None = None) -> DownloadReport:
        """Download what the acknowledged requests (or the one named) still miss, waiting at most `max_wait`
        seconds in all for files not yet due or not yet ready; `progress(request_hash, batch)` after each batch is
        stored (waits: `SyncDriver(on_wait=...)`)."""
        if request_hash is not None:
            records = [self.state.requests.get(request_hash)]
        else:
            records = [r for r in self.state.requests.all() if r.acknowledged and not r.complete]
        trust, deadline = self.trust(), Time32(self.now() + max_wait)
        batches, certificates, waiting = 0, 0, {}
        for record in records:
            if record.complete:
                continue
            stored: list[int] = []

            def keep(batch: DownloadedBatch, record: RequestRecord = record, stored: list[int] = stored) -> None:
                self.state.requests.store(record.request_hash, batch)
                stored.append(len(batch.certificates))
                if progress is not None:
                    progress(record.request_hash, batch)

            plan = self.state.requests.plan(record)
            signer = self.state.enrollments.get(record.enrollment)
            try:
                self._run(download(self.state.url("ra"), plan, signer, trust.ra_certificate, trust, self.now(),
                                   on_batch=keep, deadline=deadline, retry_interval=retry_interval))
            except NotReady as later:
                waiting[record.request_hash] = later.next_try
            batches, certificates = batches + len(stored), certificates + sum(stored)
        return DownloadReport(batches, certificates, waiting)

    def certificates(self, request_hash: str | None = None) -> tuple[StoredCertificate, ...]:
        records = self.state.requests.all() if request_hash is None else (self.state.requests.get(request_hash),)
        return tuple(c for r in records for c in self.state.requests.certificates(r))

    def certificate_for(self, psid: int, at: Time32 | None = None) -> StoredCertificate:
        """The certificate to sign for `psid` at `at` (now): valid then and permitting it, pseudonym certificates
        of the current i-period first, lowest j first."""
        moment = self.now() if at is None else at
        usable = [c for c in self.certificates() if c.certificate.valid_at(moment) and c.certificate.permits(psid)]
        if not usable:
            raise StateError(f"{self.state.where}: no certificate for psid {psid} valid at {int(moment)}")
        return min(usable, key=lambda c: (c.i is None, -(c.i or 0), c.j))

    # -- V2X messages ------------------------------------------------------------------------------------------
    def sign(self, payload: bytes, psid: int) -> bytes:
        """`payload` signed for `psid` now with `certificate_for(psid)` (scms.ee.messages)."""
        now = self.now()
        chosen = self.certificate_for(psid, now)
        return sign_message(payload, psid, chosen.certificate, chosen.private_key, now)

    def verify(self, data: bytes, *, psid: int | None = None) -> VerifiedMessage:
        """A received message verified against this device's trust (MessageRejected says why not)."""
        return verify_message(data, self.trust(), self.now(), psid=psid)

    def status(self) -> DeviceStatus:
        return device_status(self.state.index)
