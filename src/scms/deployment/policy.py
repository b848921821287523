"""Policy files: the global policy and one policy per device type (JSON, 1609.2.1 parameter names).

The SCMS hands these to devices at bootstrap (the DCM role) and its components read them at start: the global file
holds the 1609.2.1 §4.3 parameters (`time-*`, `eca-*`, `ra-*`, `download-*`, `ra-butterflyType`), the URLs of the
components, the CTL series and the deployment region; a device-type file (OBU, RSU) holds the PSID/SSP sets that
type may request (each an `AuthorizationProfile`), the butterfly variants allowed for each, the validity of its
certificates and its region. Each file carries `format_version` (of this file format) and `version` (of the policy,
raised on every change). `scms.toml` holds the same settings; `scms init` writes the first files (version 1).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scms.crypto import ButterflyVariant
from scms.deployment._validation import describe_validation_error
from scms.deployment.errors import PolicyError
from scms.deployment.policy_parameters import PolicyParameters
from scms.deployment.regions import RegionSpec
from scms.dot2.permissions import PsidSsp, Ssp

__all__ = [
    "POLICY_FORMAT_VERSION",
    "AuthorizationProfile",
    "CertificateKind",
    "DevicePolicy",
    "DeviceType",
    "DeviceTypeSettings",
    "GlobalPolicy",
    "PermissionSpec",
    "dump_policy",
    "load_device_policy",
    "load_global_policy",
]

POLICY_FORMAT_VERSION = 1
"""Version of the JSON layout of the policy files (not of their content: that is `version`)."""

DeviceType = Literal["OBU", "RSU"]
"""Device types of 1609.2.1 (on-board unit, road-side unit)."""

CertificateKind = Literal["pseudonym", "identification"]
"""Pseudonym: butterfly keys and linkage values (OBUs); identification (application): neither."""

_HEX = re.compile(r"^([0-9a-fA-F]{2})*$")
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_Strict = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class PermissionSpec(BaseModel):
    """One PSID and its SSP (1609.2 `PsidSsp`): what a certificate lets its holder sign for."""

    model_config = _Strict

    psid: int = Field(ge=0, le=0xFFFFFFFF)
    """The PSID (e.g. 32 basic safety message, 38 misbehaviour report, 135 WAVE service advertisement)."""
    ssp: str | None = None
    """The SSP as hex octets; absent for none."""
    bitmap: bool = False
    """The SSP is a `bitmapSsp` (at most 31 octets) rather than `opaque`."""

    @field_validator("ssp")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is not None and not _HEX.match(value):
            raise ValueError("ssp is hex octets (an even number of hex digits)")
        return None if value is None else value.lower()

    @model_validator(mode="after")
    def _bitmap_needs_ssp(self) -> PermissionSpec:
        if self.bitmap and (self.ssp is None or not 1 <= len(self.ssp) // 2 <= 31):
            raise ValueError("a bitmap SSP has 1 to 31 octets")
        return self

    def to_psid_ssp(self) -> PsidSsp:
        return PsidSsp(self.psid, None if self.ssp is None else Ssp(bytes.fromhex(self.ssp), self.bitmap))


class AuthorizationProfile(BaseModel):
    """One PSID/SSP set a device type may request authorization certificates for (1609.2.1 §6.3.5.2)."""

    model_config = _Strict

    name: str
    """A short name of the set (lower case, e.g. "pseudonym")."""
    kind: CertificateKind
    """"pseudonym" (butterfly keys, linkage values) or "identification" (neither)."""
    app_permissions: tuple[PermissionSpec, ...] = Field(min_length=1)
    """The appPermissions of the certificates (1609.2 §6.4.28)."""
    butterfly_types: tuple[ButterflyVariant, ...] = ()
    """Butterfly variants allowed (`ra-butterflyType` values); pseudonym sets need one, identification sets none."""
    validity_hours: int | None = Field(default=None, ge=1)
    """Validity of identification certificates; pseudonym certificates take time-iPeriodLength + time-overlap."""

    @model_validator(mode="after")
    def _consistent(self) -> AuthorizationProfile:
        if not _NAME.match(self.name):
            raise ValueError(f"name {self.name!r}: lower-case letters, digits and '-', at most 32")
        if self.kind == "pseudonym" and (not self.butterfly_types or self.validity_hours is not None):
            raise ValueError("a pseudonym set needs butterfly_types and takes its validity from the i-period")
        if self.kind == "identification" and (self.butterfly_types or self.validity_hours is None):
            raise ValueError("an identification set has no butterfly_types and needs validity_hours")
        psids = [p.psid for p in self.app_permissions]
        if len(set(psids)) != len(psids):
            raise ValueError("app_permissions lists a PSID twice")
        return self


class DeviceTypeSettings(BaseModel):
    """What one device type (OBU or RSU) may hold."""

    model_config = _Strict

    enrollment_validity_years: int = Field(default=6, ge=1, le=40)
    """Validity of its enrollment certificates (1609.2.1 §6.3.4), in years."""
    region: RegionSpec | None = None
    """Region of its certificates; absent: the deployment region."""
    authorization: tuple[AuthorizationProfile, ...] = Field(min_length=1)
    """The PSID/SSP sets it may request; their union is its enrollment certificate's certRequestPermissions."""

    @model_validator(mode="after")
    def _distinct_names(self) -> DeviceTypeSettings:
        names = [p.name for p in self.authorization]
        if len(set(names)) != len(names):
            raise ValueError("two authorization sets share a name")
        return self

    def request_permissions(self) -> tuple[PsidSsp, ...]:
        """Every PsidSsp of every set, once each, in order of first appearance."""
        seen: dict[PsidSsp, None] = {}
        for profile in self.authorization:
            for spec in profile.app_permissions:
                seen.setdefault(spec.to_psid_ssp())
        return tuple(seen)


class DevicePolicy(DeviceTypeSettings):
    """The policy file of one device type."""

    format_version: Literal[1] = 1
    """Version of this file's layout."""
    version: int = Field(ge=1)
    """Version of this policy, raised on every change."""
    device_type: DeviceType
    """"OBU" or "RSU"."""


class GlobalPolicy(BaseModel):
    """The global policy file."""

    model_config = _Strict

    format_version: Literal[1] = 1
    """Version of this file's layout."""
    version: int = Field(ge=1)
    """Version of this policy, raised on every change."""
    parameters: PolicyParameters
    """The 1609.2.1 §4.3 parameters."""
    urls: dict[str, Annotated[str, Field(min_length=1)]]
    """Base URL of each component ("eca", "ra", "aca", "la1", "la2", "ma") as the EE and the components see it."""
    ctl_series_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    """The home CTL series (`CtlSeriesId`, 8 octets as hex; 1609.2.1 §8.6)."""
    region: RegionSpec | None = None
    """The deployment region (the root CA certificate's); absent: unrestricted."""
    device_types: tuple[DeviceType, ...]
    """The device types that have a policy file."""


_P = TypeVar("_P", GlobalPolicy, DevicePolicy)


def dump_policy(policy: GlobalPolicy | DevicePolicy) -> bytes:
    """The policy as a JSON file (1609.2.1 names for the parameters, two-space indent, final newline)."""
    value = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    return (json.dumps(value, indent=2) + "\n").encode()


def _load(path: Path, model: type[_P]) -> _P:
    try:
        data = json.loads(path.read_bytes())
    except OSError as error:
        raise PolicyError(f"{path}: cannot read ({error.strerror or error})") from None
    except ValueError as error:
        raise PolicyError(f"{path}: not JSON ({error})") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        message, options = describe_validation_error(error)
        raise PolicyError(f"{path}: {message}", options) from None


def load_global_policy(path: Path) -> GlobalPolicy:
    """Read and validate a global policy file; `PolicyError` names the file and each bad field."""
    return _load(path, GlobalPolicy)


def load_device_policy(path: Path) -> DevicePolicy:
    """Read and validate a device-type policy file; `PolicyError` names the file and each bad field."""
    return _load(path, DevicePolicy)
