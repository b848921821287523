"""Download requests, `EeRaDownloadRequestSpdu` (1609.2.1 clauses 6.3.5.3 and 6.3.5.5; standards notes §10.2),
both sides as pure steps.

    EE  build_download_request(filename, enrollment key + certificate, ra_certificate, now)
            -> value of the `Ieee-1609.2.1-Authorization` header (base64)
    RA  open_download_request(header_value, ra: RaReceiver, now, max_age=)
            -> DownloadRequest (filename, who asked)

`EeRaDownloadRequest {generationTime, filename}` in an `ScmsPdu`, signed (psid 35) by the enrollment certificate
(carried), then encrypted to the RA certificate; the header carries the base64 of that COER. The RA serves the
file only to the enrollment certificate that made the request it names: comparing `DownloadRequest.enrollment_id`
with the one stored for the request is the service's step. The enrollment certificate's appPermissions are not
consulted (1609.2.1 enrollment requests carry none; docs/conformance.md).

RA errors: 400-42 not base64, then those of opening (`scms.protocol.ra_receiver`: 400-42, 400-10, 400-81, 400-41),
400-40 / 400-43 signer or signature, 400-42 not psid 35, 400-50 generationTime after `now`, 400-74 older than
`max_age` (download-maxAge), then the enrollment certificate (400-42 not one carried certificate, 400-712 not valid
then or now, and whatever `RaReceiver.check_enrollment` raises).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from scms.crypto import HashedId8, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import HeaderInfo, SignerCertificate, sign_data, unsecured, verify_signed
from scms.dot2.time import Time32
from scms.protocol._scms_pdu import check_generation_time, open_scms_pdu, scms_pdu
from scms.protocol.ra_receiver import RaReceiver, seal_for_ra
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID

__all__ = [
    "AUTHORIZATION_HEADER",
    "MAX_FILENAME_LENGTH",
    "DownloadRequest",
    "build_download_request",
    "open_download_request",
]

AUTHORIZATION_HEADER = "Ieee-1609.2.1-Authorization"
MAX_FILENAME_LENGTH = 255
_MAX_HEADER_CHARS = 8192


def build_download_request(
    filename: str, enrollment_key: Signer, enrollment_certificate: Certificate, ra_certificate: Certificate, now: Time32
) -> str:
    """EE: the `Ieee-1609.2.1-Authorization` header value asking for `filename`, signed at `now`."""
    if len(filename.encode()) > MAX_FILENAME_LENGTH:
        raise ValueError(f"a download filename has at most {MAX_FILENAME_LENGTH} bytes")
    pdu = scms_pdu("ee-ra", "eeRaDownloadRequest", {"generationTime": int(now), "filename": filename})
    header, signer = HeaderInfo(psid=SECURITY_MGMT_PSID), SignerCertificate(enrollment_certificate)
    signed = sign_data(unsecured(pdu), header=header, key=enrollment_key, signer=signer)
    return base64.b64encode(seal_for_ra(signed, ra_certificate)).decode("ascii")


@dataclass(frozen=True)
class DownloadRequest:
    """RA side: a verified download request."""

    filename: str
    enrollment_certificate: Certificate
    generation_time: Time32

    @property
    def enrollment_id(self) -> HashedId8:
        """HashedId8 of the enrollment certificate that signed: it must be the one that made the request."""
        return self.enrollment_certificate.hashed_id8()


def _spdu(header_value: str) -> bytes:
    if len(header_value) > _MAX_HEADER_CHARS:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"{AUTHORIZATION_HEADER} longer than {_MAX_HEADER_CHARS}")
    try:
        return base64.b64decode(header_value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"{AUTHORIZATION_HEADER} is not base64") from None


def open_download_request(header_value: str, ra: RaReceiver, now: Time32, *, max_age: int | None) -> DownloadRequest:
    """RA: decrypt, verify and read the download request in the `Ieee-1609.2.1-Authorization` header value
    received at `now`; `max_age` is download-maxAge in seconds (None: not enforced)."""
    inner = ra.open(_spdu(header_value))
    signed = verify_signed(inner, certificates=ra.eca_certificates, now=now, check_permissions=False)
    if signed.header.psid != SECURITY_MGMT_PSID:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"download request signed for psid {signed.header.psid}, not 35")
    value = open_scms_pdu(signed.unsecured_payload(), "ee-ra", "eeRaDownloadRequest")
    generation_time = Time32(value["generationTime"])
    check_generation_time(generation_time, now, max_age, ErrorCode.OUTSIDE_DOWNLOAD_MAX_AGE)
    return DownloadRequest(value["filename"], ra.enrollment_signer(signed, generation_time, now), generation_time)
