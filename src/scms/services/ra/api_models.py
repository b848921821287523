"""The JSON bodies of the RA's own APIs (registration for the operator, internal for the ECA); 1609.2.1 defines
neither. Every body carries no secret; unknown fields are refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scms.crypto import HashedId8
from scms.services.ra.canonical import CANONICAL_ID_PATTERN
from scms.services.ra.devices import Device
from scms.services.ra.lifecycle import DeviceState

__all__ = [
    "FORMAT_VERSION",
    "DeviceView",
    "EnrollmentReport",
    "Registration",
    "RegistrationCheck",
    "RegistrationRequest",
]

FORMAT_VERSION: Literal[1] = 1
"""Version of these JSON bodies."""

_STRICT = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
_HEX_KEY = r"^([0-9a-fA-F]{2}){33,97}$"


class RegistrationRequest(BaseModel):
    """Register a device's canonical public key (operator)."""

    model_config = _STRICT

    device_type: Literal["OBU", "RSU"]
    """The device type; its policy file says what the device may request."""
    curve: Literal["P-256", "P-384", "brainpoolP256r1", "brainpoolP384r1"] = "P-256"
    """Curve of the canonical key."""
    public_key: str = Field(pattern=_HEX_KEY, examples=["03" + "ab" * 32])
    """The canonical public key, SEC 1 (compressed or uncompressed), hex."""


class RegistrationCheck(BaseModel):
    """The ECA asks about the device behind an enrollment request: by `canonical_id` (the request carried one),
    or by the requested key (`curve` + `public_key`) when the request is signed by that key."""

    model_config = _STRICT

    canonical_id: str | None = Field(default=None, pattern=CANONICAL_ID_PATTERN)
    curve: Literal["P-256", "P-384", "brainpoolP256r1", "brainpoolP384r1"] = "P-256"
    public_key: str | None = Field(default=None, pattern=_HEX_KEY)


class EnrollmentReport(BaseModel):
    """The ECA issued an enrollment certificate to the device."""

    model_config = _STRICT

    enrollment_certificate: str = Field(pattern=r"^[0-9a-f]{16}$")
    """HashedId8 of the enrollment certificate, hex."""


class Registration(BaseModel):
    """What the ECA learns about a device: who it is, its canonical key and its state."""

    model_config = _STRICT

    format_version: Literal[1] = FORMAT_VERSION
    canonical_id: str
    """Lower-case hex SHA-256 of the compressed canonical key: the 1609.2.1 `canonicalId`."""
    device_type: str
    curve: str
    public_key: str
    """The canonical key, compressed SEC 1, hex."""
    state: DeviceState
    """The lifecycle state (docs/api-services.md, "Device lifecycle")."""

    @classmethod
    def of(cls, device: Device) -> Registration:
        return cls(canonical_id=device.canonical_id, device_type=device.device_type, curve=device.curve,
                   public_key=device.public_key.hex(), state=device.state)


class DeviceView(Registration):
    """A registered device as the operator sees it."""

    blocked_from: DeviceState | None = None
    """For a blocked device: the state an unblock returns it to."""
    registered_at: dt.datetime
    updated_at: dt.datetime
    enrollment_certificates: list[str] = []
    """HashedId8 (hex) of each enrollment certificate the ECA reported, oldest first."""

    @classmethod
    def full(cls, device: Device, certificates: Sequence[HashedId8]) -> DeviceView:
        return cls(
            **Registration.of(device).model_dump(),
            blocked_from=device.blocked_from,
            registered_at=device.registered_at,
            updated_at=device.updated_at,
            enrollment_certificates=[certificate.hex() for certificate in certificates],
        )
