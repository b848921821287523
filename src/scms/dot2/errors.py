"""The one error type of the protocol layers: `Ieee1609Error`, carrying a 1609.2.1 error code.

`dot2` and `protocol` raise it; only the HTTP edge renders it (status + `Ieee-1609.2.1-Error: <status>-<code>`).
The codes are those of 1609.2.1 clause 6 as listed in standards-notes §10.3; the message never carries key material.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["ErrorCode", "Ieee1609Error"]


class ErrorCode(Enum):
    """A 1609.2.1 error: (HTTP status, code, meaning)."""

    ABSENT_ENCRYPTION = (400, 10, "absent encryption")
    BLOCKED_ENROLLMENT_CERTIFICATE = (400, 20, "blocked enrollment certificate")
    UNREGISTERED_ENROLLMENT_CERTIFICATE = (400, 21, "unregistered enrollment certificate")
    DISALLOWED_APP_PERMISSIONS = (400, 30, "disallowed app permissions")
    DISALLOWED_CERT_REQUEST_PERMISSIONS = (400, 31, "disallowed cert-request permissions")
    DISALLOWED_OTHER_FIELDS = (400, 32, "disallowed other fields")
    DISALLOWED_REGION = (400, 33, "disallowed region")
    DISALLOWED_CERTIFICATE_TYPE = (400, 34, "disallowed certificate type")
    DISALLOWED_VALIDITY_PERIOD = (400, 35, "disallowed validity period")
    FAILED_CHAIN_VERIFICATION = (400, 40, "failed chain verification")
    FAILED_DECRYPTION = (400, 41, "failed decryption")
    FAILED_PARSING = (400, 42, "failed parsing")
    FAILED_SIGNATURE_VERIFICATION = (400, 43, "failed signature verification")
    GENERATION_TIME_IN_FUTURE = (400, 50, "generationTime in the future")
    INVALID_APP_PERMISSIONS = (400, 60, "invalid app permissions")
    INVALID_CERT_REQUEST_PERMISSIONS = (400, 61, "invalid cert-request permissions")
    INVALID_ENROLLMENT_CERTIFICATE = (400, 62, "invalid enrollment certificate")
    INVALID_REGION = (400, 63, "invalid region")
    INVALID_VERIFY_KEY_INDICATOR = (400, 64, "invalid verifyKeyIndicator")
    OUTSIDE_ECA_MAX_AGE = (400, 70, "outside eca-maxAge")
    OUTSIDE_ECA_MAX_REQS = (400, 71, "outside eca-maxReqs")
    OUTSIDE_ECA_MAX_WAIT = (400, 72, "outside eca-maxWait")
    WITHIN_ECA_MIN_WAIT = (400, 73, "within eca-minWait")
    OUTSIDE_DOWNLOAD_MAX_AGE = (400, 74, "outside download-maxAge")
    OUTSIDE_DOWNLOAD_MAX_REQS = (400, 75, "outside download-maxReqs")
    WITHIN_DOWNLOAD_MIN_WAIT = (400, 76, "within download-minWait")
    OUTSIDE_RA_MAX_AGE = (400, 77, "outside ra-maxAge")
    OUTSIDE_RA_MAX_GEN_DELAY = (400, 78, "outside ra-maxGenDelay")
    OUTSIDE_RA_MAX_REQS = (400, 79, "outside ra-maxReqs")
    WRONG_ECA = (400, 80, "wrong ECA")
    WRONG_RA = (400, 81, "wrong RA")
    OUTSIDE_RA_MAX_OVERLAP = (400, 710, "outside ra-maxOverlap")
    WITHIN_RA_MIN_WAIT = (400, 711, "within ra-minWait")
    OUTSIDE_ENROLLMENT_CERTIFICATE_VALIDITY = (400, 712, "outside enrollment-certificate validity")

    @property
    def status(self) -> int:
        return self.value[0]

    @property
    def code(self) -> int:
        return self.value[1]

    @property
    def meaning(self) -> str:
        return self.value[2]

    @property
    def header_value(self) -> str:
        """The `Ieee-1609.2.1-Error` header value, e.g. `400-43`."""
        return f"{self.status}-{self.code}"


class Ieee1609Error(Exception):
    """A failure with its 1609.2.1 error code and a one-line detail naming what failed."""

    def __init__(self, error: ErrorCode, detail: str = "") -> None:
        self.error = error
        self.detail = detail
        super().__init__(f"{error.header_value} {error.meaning}" + (f": {detail}" if detail else ""))

    @property
    def status(self) -> int:
        return self.error.status

    @property
    def header_value(self) -> str:
        return self.error.header_value
