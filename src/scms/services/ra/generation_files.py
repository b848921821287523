"""Step 5 of generation: answered certificates become downloadable files (1609.2.1 clause 8.2; standards notes
§11). For each (request, i) whose every j is answered: the batch zip `<requestHash>_<i>.zip` (`x.info` = the
`RaEeCertInfoSpdu` for i, then one `<i>_<j>` entry per certificate, the ACA's SPDU unchanged); for a
non-butterfly request its one file `<requestHash>`, the ACA's SPDU. The first file stored stays (a retry that
builds it again changes nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

from scms.crypto import HashedId8
from scms.dot2.time import IValue, Time32
from scms.protocol.download_files import batch_filename, build_batch_zip, certificate_filename
from scms.protocol.ee_ra_ack import CertInfo
from scms.services.ra.authorization_store import StoredRequest
from scms.services.ra.schedule import ready_time
from scms.services.ra.service import RaService

__all__ = ["assemble", "next_download"]


def next_download(service: RaService, request: StoredRequest, i: int) -> Time32:
    """The x.info nextDlTime of batch i: when batch i + 1 is ready; after the last, the start of the i-period after
    it (when the EE needs a new request)."""
    settings = service.settings
    if request.i_last is not None and i >= request.i_last:
        return settings.parameters.i_periods().start(i + 1)
    return ready_time(settings.parameters, settings.generation.download_delay_s, request.received_at, i + 1)


def assemble(service: RaService, periods: Iterable[tuple[HashedId8, int]]) -> int:
    """Build the files of the complete ones among (request, i) `periods`; how many were built."""
    complete = service.items.complete_periods(set(periods))
    requests = {h: service.requests.find(h) for h in {h for h, _ in complete}}
    now = service.now()
    files = []
    for (request_hash, i), responses in sorted(complete.items()):
        request = requests[request_hash]
        if request is None:
            continue
        if request.butterfly:
            info = CertInfo(request_hash, IValue(i), next_download(service, request, i), now)
            files.append((request_hash, i, batch_filename(request_hash, i), build_batch_zip(info, responses)))
        else:
            files.append((request_hash, i, certificate_filename(request_hash), responses[0]))
    service.items.add_files(files, now)
    return len(files)
