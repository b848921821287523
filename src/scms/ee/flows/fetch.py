"""One authenticated download from the RA, waiting while it is not ready (1609.2.1 clauses 6.3.5.3 and 6.3.5.5;
standards notes §10.1, §11):

    GET {ra}/v3/authorization-certificate?filename=<name>          (or successor-enrollment-certificate)
    Ieee-1609.2.1-Authorization: base64(EeRaDownloadRequestSpdu)   signed by the enrollment certificate at send
                                                                   time, encrypted to the RA

The flow first waits until the file is due (`not_before`: the nextDlTime of the acknowledgement or of the last
batch). An answer that says "not yet" (`not_ready`: our RA's 404 with `Retry-After`, or 425 / 503 without an
`Ieee-1609.2.1-Error` header) makes it wait what `Retry-After: <seconds>` says, else `retry_interval` seconds, and
ask again with a fresh header; once the next try would fall after `deadline` it stops with NotReady (naming when
to come back). Any other answer, a bare 404 (no such file) included, is a ServerError with its code.
"""

from __future__ import annotations

from scms.dot2.certificate import Certificate
from scms.dot2.time import Time32
from scms.ee.errors import NotReady, ServerError
from scms.ee.exchange import Flow, HttpResponse, exchange, wait_until
from scms.ee.flows._urls import component_get
from scms.ee.flows.enrollment import EnrollmentCredential
from scms.protocol.ee_ra_download import AUTHORIZATION_HEADER, build_download_request

__all__ = ["NOT_READY_STATUSES", "fetch_file", "not_ready"]

NOT_READY_STATUSES = frozenset({425, 503})
"""Statuses that mean "not yet" when no 1609.2.1 error code comes with them (425 Too Early, 503 Unavailable); a 404
means it only with a `Retry-After` header (our RA, docs/conformance.md; standards notes §11: OpenSCMS and the CAMP
PoC answer a bare 404 until the batch exists, which we cannot tell from "no such file")."""

_MAX_RETRY_AFTER = 86_400


def not_ready(response: HttpResponse) -> bool:
    """Whether the RA said "not yet" rather than refusing the request."""
    if response.error_code is not None:
        return False
    said_when = response.header("retry-after") is not None
    return response.status in NOT_READY_STATUSES or (response.status == 404 and said_when)


def _retry_at(response: HttpResponse, now: Time32, retry_interval: int) -> Time32:
    after = (response.header("retry-after") or "").strip()
    seconds = int(after) if after.isdigit() else retry_interval
    return Time32(now + max(1, min(seconds, _MAX_RETRY_AFTER)))


def fetch_file(
    ra_url: str,
    path: str,
    filename: str,
    enrollment: EnrollmentCredential,
    ra_certificate: Certificate,
    now: Time32,
    *,
    not_before: Time32,
    deadline: Time32,
    retry_interval: int = 60,
) -> Flow[tuple[bytes, Time32]]:
    """The file `filename` under `path` ("v3/authorization-certificate" or "v3/successor-enrollment-certificate")
    and the time it arrived (module docstring)."""
    due = not_before
    while True:
        if due > deadline:
            raise NotReady(filename, due)
        if due > now:
            now = yield from wait_until(due, f"{filename} is due")
        header = build_download_request(filename, enrollment.private_key, enrollment.certificate, ra_certificate, now)
        request = component_get(ra_url, path, "ra/" + path.rsplit("/", 1)[-1], {"filename": filename},
                                {AUTHORIZATION_HEADER: header})
        response, now = yield from exchange(request)
        if response.ok:
            return response.body, now
        if not not_ready(response):
            raise ServerError(request.method, request.url, response.status, response.error_code)
        due = _retry_at(response, now, retry_interval)
