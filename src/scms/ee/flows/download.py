"""Downloading the certificates of an authorization request (1609.2.1 clauses 6.3.5.3, 8.2 and 9.3; standards notes
§11), resuming where the device stopped:

* butterfly requests: one zip per i-period, `<requestHash>_<i hex>.zip`, from the acknowledgement's firstI to the
  last i-period the request asked for (the RA may start later than asked, never end later); each holds `<i>.info`
  (currentI, nextDlTime: when the next i-period's batch is due) and one `<i>_<j>` ACA response per certificate;
* non-butterfly requests: the one ACA response named `<requestHash>`.

Each response becomes a certificate and its private key (`read_authorization_response`: decrypted, the ACA and
its chain verified to a root of the CTL, the key derived and checked against the certificate). The flow hands
each i-period's certificates to `on_batch` as soon as they are read, so the caller stores them before the next
download; i-periods in `DownloadPlan.have` are skipped. Waiting follows `scms.ee.flows.fetch`: a due time or
retry after `deadline` ends the flow with NotReady, after what was already handed over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import IValue, Time32
from scms.ee.exchange import Flow
from scms.ee.flows.enrollment import EnrollmentCredential
from scms.ee.flows.fetch import fetch_file
from scms.ee.trust import TrustMaterial
from scms.protocol.aca_ee_response import AuthorizationCertificate, read_authorization_response
from scms.protocol.download_files import batch_filename, certificate_filename, read_batch_zip
from scms.protocol.ee_ra_request import RequestSecrets

__all__ = ["AUTHORIZATION_PATH", "DownloadPlan", "DownloadedBatch", "download"]

AUTHORIZATION_PATH = "v3/authorization-certificate"


@dataclass(frozen=True, repr=False)
class DownloadPlan:
    """What to download for one request."""

    secrets: RequestSecrets
    first_i: IValue | None
    """The acknowledgement's firstI; None for a non-butterfly request."""
    last_i: IValue | None
    """The last i-period the request asked for."""
    not_before: Time32
    """When the first missing file is due (the nextDlTime of the acknowledgement or of the last batch stored)."""
    have: frozenset[int] = frozenset()
    """i-periods already stored (a non-butterfly request is downloaded once: the caller knows whether it was)."""

    def missing(self) -> tuple[IValue, ...]:
        if self.first_i is None or self.last_i is None:
            return ()
        return tuple(IValue(i) for i in range(self.first_i, self.last_i + 1) if i not in self.have)


@dataclass(frozen=True)
class DownloadedBatch:
    """The certificates of one i-period (or of a non-butterfly request, `i` None) and when the next is due."""

    i: IValue | None
    certificates: tuple[AuthorizationCertificate, ...]
    next_dl_time: Time32 | None


def _batch(
    data: bytes, plan: DownloadPlan, i: IValue, trust: TrustMaterial, now: Time32
) -> DownloadedBatch:
    batch = read_batch_zip(data, plan.secrets.request_hash)
    if batch.info.current_i != i or not batch.responses:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"batch zip for i {int(batch.info.current_i)}, asked for {i}")
    certificates = tuple(
        read_authorization_response(spdu, plan.secrets, now, trust_anchors=trust.roots,
                                    intermediates=trust.certificates, i=i, j=j)
        for j, spdu in sorted(batch.responses.items())
    )
    return DownloadedBatch(i, certificates, batch.info.next_dl_time)


def download(
    ra_url: str,
    plan: DownloadPlan,
    enrollment: EnrollmentCredential,
    ra_certificate: Certificate,
    trust: TrustMaterial,
    now: Time32,
    *,
    on_batch: Callable[[DownloadedBatch], None],
    deadline: Time32,
    retry_interval: int = 60,
) -> Flow[int]:
    """Download what `plan` still misses (module docstring); returns the number of batches handed to `on_batch`."""
    def fetch(filename: str, due: Time32, now: Time32) -> Flow[tuple[bytes, Time32]]:
        return fetch_file(ra_url, AUTHORIZATION_PATH, filename, enrollment, ra_certificate, now,
                          not_before=due, deadline=deadline, retry_interval=retry_interval)

    request_hash = plan.secrets.request_hash
    if plan.first_i is None:
        data, now = yield from fetch(certificate_filename(request_hash), plan.not_before, now)
        got = read_authorization_response(data, plan.secrets, now, trust_anchors=trust.roots,
                                          intermediates=trust.certificates)
        on_batch(DownloadedBatch(None, (got,), None))
        return 1
    due, count = plan.not_before, 0
    for i in plan.missing():
        data, now = yield from fetch(batch_filename(request_hash, i), due, now)
        batch = _batch(data, plan, i, trust, now)
        on_batch(batch)
        count += 1
        due = batch.next_dl_time or now
    return count
