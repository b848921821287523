"""What every RA download shares (1609.2.1 clauses 6.3.5.3, 6.3.5.5; standards notes §10.2, §11): the
authenticated download request and the two answers that are not a file.

`open_download(service, header, query_filename, kinds)`:
1. the `Ieee-1609.2.1-Authorization` header must be there (400-42 without it: the EE is authenticated by it);
2. it opens (`open_download_request`: 400-42, 400-10, 400-81, 400-41, 400-40, 400-43, 400-50, 400-74
   download-maxAge, 400-712) and names an enrollment certificate of a registered device that is not blocked
   (400-40, 400-21, 400-20);
3. a filename in the query must be the header's (400-42), and it must name a file of this endpoint (400-42);
4. the enrollment certificate is within download-maxReqs (400-75) and download-minWait (400-76), and the request
   is recorded (`scms.services.ra.download_log`);
then `check_owner`: the request it names was made by that same enrollment certificate (400-62, invalid enrollment
certificate: it is not the one this file is for).

Not a 1609.2.1 error: `NotFound` (no such request or file: HTTP 404) and `NotYet` (the file will exist: HTTP 404
with `Retry-After` and the nextDlTime, docs/conformance.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from scms.crypto import HashedId8
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.download_files import DownloadFile, FileKind, parse_download_filename
from scms.protocol.ee_ra_download import AUTHORIZATION_HEADER, DownloadRequest, open_download_request
from scms.services.ra.requester import Requester
from scms.services.ra.service import RaService

__all__ = ["Download", "NotFound", "NotYet", "check_owner", "open_download"]


class NotFound(Exception):
    """No such file (an unknown request, an i-period outside it, a request that failed): HTTP 404."""


class NotYet(Exception):
    """The file is planned but not ready: HTTP 404 with Retry-After; `next_dl_time` is when to come back."""

    def __init__(self, next_dl_time: Time32) -> None:
        super().__init__(f"not ready before {int(next_dl_time)}")
        self.next_dl_time = next_dl_time


@dataclass(frozen=True)
class Download:
    """An authenticated download request and the file it names."""

    request: DownloadRequest
    file: DownloadFile


def open_download(service: RaService, header: str | None, query_filename: str | None,
                  kinds: tuple[FileKind, ...]) -> Download:
    """Steps 1-4 of the module docstring."""
    if header is None:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"a download needs the {AUTHORIZATION_HEADER} header")
    requester = Requester(service.enrollment_chains, service.devices)
    request = open_download_request(header, service.receiver(requester), service.now(),
                                    max_age=service.settings.parameters.download_max_age)
    if query_filename is not None and query_filename != request.filename:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, "the filename of the query is not the one signed")
    named = parse_download_filename(request.filename)
    if named.kind not in kinds:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"{request.filename[:40]!r} is not a file of this endpoint")
    service.downloads.admit(request.enrollment_id, request.generation_time, service.download_limits)
    return Download(request, named)


def check_owner(download: Download, owner: HashedId8) -> None:
    """400-62 unless the enrollment certificate that signed the download made the request (`owner`)."""
    if download.request.enrollment_id != owner:
        raise Ieee1609Error(ErrorCode.INVALID_ENROLLMENT_CERTIFICATE,
                            f"request {download.file.request_hash} was made by another enrollment certificate")
