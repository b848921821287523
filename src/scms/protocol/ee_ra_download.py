"""Download requests, `EeRaDownloadRequestSpdu` (1609.2.1 clauses 6.3.5.3 and 6.3.5.5; standards notes §10.2),
both sides as pure steps.

    EE  build_download_request(filename, enrollment key + certificate, ra_certificate, now)
            -> value of the `Ieee-1609.2.1-Authorization` header (base64)
    RA  open_download_request(header_value, ra_key, ra_certificate, now, max_age=, check_enrollment=)
            -> DownloadRequest (filename, who asked)

`EeRaDownloadRequest {generationTime, filename}` in an `ScmsPdu`, signed (psid 35) by the enrollment certificate
(carried), then encrypted to the RA certificate; the header carries the base64 of that COER. The RA serves the
file only to the enrollment certificate that made the request it names: comparing `DownloadRequest.enrollment_id`
with the one stored for the request is the service's step. The enrollment certificate's appPermissions are not
consulted (1609.2.1 enrollment requests carry none; docs/conformance.md).

RA errors: 400-42 not base64 or unparsable, 400-10 not encrypted, 400-81 not for this RA, 400-41 decryption
fails, 400-43 bad signature, 400-42 not psid 35 or not signed by one certificate, 400-50 generationTime after
`now`, 400-74 older than `max_age` (download-maxAge), 400-712 enrollment certificate not valid then or now, and
whatever `check_enrollment` raises.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from scms.crypto import HashedId8, KeyAgreement, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import HeaderInfo, SignerCertificate, sign_data, unsecured, verify_signed
from scms.dot2.time import Time32
from scms.protocol._ra_envelope import EnrollmentCheck, check_enrollment_certificate, open_for_ra, seal_for_ra
from scms.protocol._scms_pdu import check_generation_time, open_scms_pdu, scms_pdu
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID

__all__ = ["AUTHORIZATION_HEADER", "MAX_FILENAME_LENGTH", "DownloadRequest", "build_download_request",
           "open_download_request"]

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


def open_download_request(
    header_value: str,
    ra_key: KeyAgreement,
    ra_certificate: Certificate,
    now: Time32,
    *,
    max_age: int | None,
    check_enrollment: EnrollmentCheck,
    eca_certificates: Sequence[Certificate] = (),
) -> DownloadRequest:
    """RA: decrypt, verify and read the download request in the `Ieee-1609.2.1-Authorization` header value."""
    inner = open_for_ra(_spdu(header_value), ra_key, ra_certificate)
    signed = verify_signed(inner, certificates=eca_certificates, now=now, check_permissions=False)
    if signed.header.psid != SECURITY_MGMT_PSID:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"download request signed for psid {signed.header.psid}, not 35")
    value = open_scms_pdu(signed.unsecured_payload(), "ee-ra", "eeRaDownloadRequest")
    generation_time = Time32(value["generationTime"])
    check_generation_time(generation_time, now, max_age, ErrorCode.OUTSIDE_DOWNLOAD_MAX_AGE)
    signer = signed.signer.certificate if signed.signer.form == "certificate" else None
    enrollment = check_enrollment_certificate(signer, generation_time, now, check_enrollment)
    return DownloadRequest(value["filename"], enrollment, generation_time)
