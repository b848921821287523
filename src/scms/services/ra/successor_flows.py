"""Successor enrollment through the RA (1609.2.1 clauses 6.3.5.4, 6.3.5.5), one function per flow in numbered
steps: the request is accepted and acknowledged at once; a job forwards its inner request to the ECA and stores
the ECA's answer; the EE downloads `<requestHash>_enroll.oer` (the ECA's `EcaEeCertResponseSpdu`, unchanged).

The forwarding goes to the ECA's internal app (`POST {eca}/internal/v1/successor-enrollment`,
`scms.services.ra.peers`); while the ECA cannot be reached the job's attempts fail and the download stays "not yet";
an ECA refusal (its 1609.2.1 error) is what the download then answers.
"""

from __future__ import annotations

from scms.crypto import HashedId8, sha256
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.download_files import enrollment_filename
from scms.protocol.ee_ra_ack import CertInfo, build_enrollment_ack
from scms.protocol.ee_ra_successor import open_successor_request
from scms.services.common import Job, JobContext
from scms.services.ra.downloads import NotFound, NotYet, check_owner, open_download
from scms.services.ra.requester import Requester
from scms.services.ra.service import RaService
from scms.services.ra.successor_store import StoredSuccessor

__all__ = ["download_successor", "forward_successor", "request_successor"]

_CODES = {code.header_value: code for code in ErrorCode}


def request_successor(service: RaService, data: bytes) -> bytes:
    """Successor enrollment request (1609.2.1 clause 6.3.5.4): an `EeRaSuccessorEnrollmentCertRequestSpdu` in, the
    `RaEeEnrollmentCertAckSpdu` out. Raises Ieee1609Error (rendered by the app)."""
    now = service.now()
    # Step 1: the body is within [ra] max_body_size (the common app refused a larger one, 400-42).
    # Step 2: the same request bytes again: the stored acknowledgement.
    stored = service.successors.find(HashedId8.of(data))
    if stored is not None:
        if stored.request_digest != sha256(data):
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"another request has the hash {stored.request_hash}")
        return stored.ack
    # Step 3: open it (400-42, 400-10, 400-81, 400-41, 400-40, 400-43, 400-50, 400-77, 400-712) and check who
    # sent it: the current enrollment certificate's chain (400-40), a registered device (400-21), not blocked (400-20).
    requester = Requester(service.enrollment_chains, service.devices)
    request = open_successor_request(data, service.receiver(requester), now,
                                     max_age=service.settings.parameters.ra_max_age)
    # Step 4: the acknowledgement, signed: requestHash, the current i-period, nextDlTime.
    next_dl_time = Time32(now + service.settings.generation.download_delay_s)
    current_i = service.settings.parameters.i_periods().i_at(now)
    ack = build_enrollment_ack(CertInfo(request.request_hash, current_i, next_dl_time, now), service.keys.signing,
                               service.certificate, now)
    # Step 5: ra-minWait per enrollment certificate (400-711); the request and its forwarding job committed.
    record = StoredSuccessor(request.request_hash, sha256(data), request.enrollment_certificate.hashed_id8(),
                             requester.device.canonical_id, request.eca_request, request.generation_time, now,
                             next_dl_time, ack)
    stored = service.successors.accept(record, service.settings.parameters.ra_min_wait, now=service.clock(),
                                       max_attempts=service.settings.generation.max_attempts)
    service.wake()
    return stored.ack


async def forward_successor(service: RaService, job: Job, context: JobContext) -> str:
    """The `ra.successor` job: forward the inner request to the ECA and store its answer (once)."""
    # Step 1: the request, not answered yet.
    request = await context.run_io(service.successors.find, HashedId8(bytes.fromhex(job.payload_ref)))
    if request is None or request.state != "accepted":
        return "nothing to do" if request is None else request.state
    # Step 2: the ECA issues for the device the RA vouches for, or refuses with a 1609.2.1 error.
    answer = await service.peers.forward_successor(request.canonical_id, request.enrollment_id, request.eca_request)
    # Step 3: the answer stored: downloadable, or the refusal the download will report.
    await context.run_io(service.successors.answer, request.request_hash, answer.response, answer.error,
                         service.now())
    return "issued" if answer.error is None else f"refused {answer.error.header_value}"


def download_successor(service: RaService, header: str | None, query_filename: str | None) -> tuple[str, bytes]:
    """Successor enrollment download (1609.2.1 clause 6.3.5.5): `<requestHash>_enroll.oer`. Raises Ieee1609Error
    (also the ECA's refusal of the request), `NotYet` or `NotFound`."""
    # Steps 1-3: the authenticated download request and the file it names (scms.services.ra.downloads).
    download = open_download(service, header, query_filename, ("enrollment",))
    # Step 4: the request it names, made by this enrollment certificate (400-62 otherwise).
    request = service.successors.find(download.file.request_hash)
    if request is None:
        raise NotFound(download.file.request_hash.hex())
    check_owner(download, request.enrollment_id)
    # Step 5: the ECA's response; its refusal; or not yet.
    if request.response is not None:
        return enrollment_filename(request.request_hash), request.response
    if request.error is not None:
        raise Ieee1609Error(_CODES.get(request.error, ErrorCode.FAILED_PARSING), "the ECA refused the request")
    raise NotYet(request.next_dl_time)
