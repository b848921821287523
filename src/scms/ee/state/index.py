"""`device.json`, the index of a device state directory (format `scms-ee-device`, version 1): what the device is
and which files hold what. Paths are relative to the directory; times are Time32; hashes HashedId8 hex. The index
is written last, after the files it names (`scms.ee.state.files.write_atomic`): a file it does not name is a
leftover of an interrupted step and is not read.

| field | holds |
|---|---|
| `device_type`, `canonical_public_key`, `canonical_key` | "OBU" / "RSU"; the canonical key (file 0600) |
| `canonical_id`, `registration_state` | set by registration |
| `urls` | the components' base URLs (from the global policy, or given) |
| `policy` | the global and device policy files |
| `trust` | the anchor CTL, later CTLs, CCF, composite CRL, RA certificate, when they were verified |
| `enrollments` | every enrollment certificate with its key file, oldest first (the last is current) |
| `pending_enrollment` | an enrollment or successor request sent (or about to be) and its new key |
| `requests` | each authorization request: its secrets file, acknowledgement, the i-periods downloaded |
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scms.crypto import ButterflyVariant

__all__ = [
    "INDEX_FORMAT",
    "INDEX_FORMAT_VERSION",
    "DeviceIndex",
    "DownloadedRecord",
    "EnrollmentRecord",
    "PendingEnrollmentRecord",
    "PolicyRecord",
    "RequestRecord",
    "TrustRecord",
]

INDEX_FORMAT: Literal["scms-ee-device"] = "scms-ee-device"
INDEX_FORMAT_VERSION: Literal[1] = 1

_MODEL = ConfigDict(extra="forbid", use_attribute_docstrings=True)
_HASH = r"^[0-9a-f]{16}$"


class PolicyRecord(BaseModel):
    model_config = _MODEL

    global_file: str
    device_file: str


class TrustRecord(BaseModel):
    model_config = _MODEL

    anchor_ctl: str
    """The CTL the device trusts from the start (out of band)."""
    ctls: list[str] = []
    """Later CTLs of the series, in order."""
    ccf: str
    composite_crl: str
    ra_certificate: str
    verified_at: int


class EnrollmentRecord(BaseModel):
    model_config = _MODEL

    hashed_id8: str = Field(pattern=_HASH)
    certificate: str
    key: str
    valid_until: int
    obtained_at: int
    via: Literal["eca", "successor"]


class PendingEnrollmentRecord(BaseModel):
    """An enrollment request (to the ECA) or successor request (to the RA) and the key it asks a certificate for."""

    model_config = _MODEL

    kind: Literal["enrollment", "successor"]
    request_hash: str = Field(pattern=_HASH)
    request: str
    inner_request: str | None = None
    """Successor requests: the inner EeEcaCertRequestSpdu the ECA's answer names."""
    key: str
    certificate_type: Literal["implicit", "explicit"]
    created_at: int
    enrollment: str | None = Field(default=None, pattern=_HASH)
    """Successor requests: the enrollment certificate that signed it (and signs the download)."""
    next_dl_time: int | None = None
    """Successor requests: the acknowledgement's nextDlTime once it came."""


class DownloadedRecord(BaseModel):
    model_config = _MODEL

    directory: str
    """Holds `<j>.oer` (the certificate) and `<j>.key` (its private key, 0600) for each j."""
    j: list[int]
    next_dl_time: int | None = None
    """The batch's nextDlTime (when the next i-period's batch is due)."""


class RequestRecord(BaseModel):
    model_config = _MODEL

    request_hash: str = Field(pattern=_HASH)
    profile: str
    kind: Literal["pseudonym", "identification"]
    butterfly: ButterflyVariant | None = None
    certificate_type: Literal["implicit", "explicit"]
    periods: int = Field(ge=1)
    encrypted_response: bool = False
    created_at: int
    request: str
    secrets: str
    enrollment: str = Field(pattern=_HASH)
    """The enrollment certificate that signed the request: only it may download the certificates."""
    last_i: int | None = None
    """The last i-period asked for (pseudonym requests)."""
    first_i: int | None = None
    """The acknowledgement's firstI (the RA may leave out i-periods its ACA certificate cannot cover)."""
    next_dl_time: int | None = None
    """The acknowledgement's nextDlTime; None until the RA acknowledged the request."""
    downloaded: dict[str, DownloadedRecord] = {}
    """By i-period (decimal), or "certificate" for an identification certificate."""

    @property
    def acknowledged(self) -> bool:
        return self.next_dl_time is not None

    @property
    def complete(self) -> bool:
        if self.kind == "identification":
            return bool(self.downloaded)
        if self.first_i is None or self.last_i is None:
            return False
        return all(str(i) in self.downloaded for i in range(self.first_i, self.last_i + 1))


class DeviceIndex(BaseModel):
    model_config = _MODEL

    format: Literal["scms-ee-device"] = INDEX_FORMAT
    format_version: Literal[1] = INDEX_FORMAT_VERSION
    device_type: Literal["OBU", "RSU"]
    canonical_public_key: str
    canonical_key: str
    canonical_id: str | None = None
    registration_state: str | None = None
    urls: dict[str, str] = {}
    policy: PolicyRecord | None = None
    trust: TrustRecord | None = None
    enrollments: list[EnrollmentRecord] = []
    pending_enrollment: PendingEnrollmentRecord | None = None
    requests: list[RequestRecord] = []

    def request(self, request_hash: str) -> RequestRecord | None:
        return next((r for r in self.requests if r.request_hash == request_hash), None)
