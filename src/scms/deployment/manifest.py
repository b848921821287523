"""`deployment.json`: the manifest of a deployment, what `scms init` (and later operations) produced, by name.

It is public (no secret): each certificate with its file, HashedId8 and issuer; each component's key files; the
CTLs, CCF, CRLs and composite CRL with their files and numbers; the policy files. Paths are relative to the
deployment directory. `format_version` is the version of this layout; later operations (`scms manager ...`) append
to the lists: `certificates` and `keys` name each component's current certificate and keys, `history` the ones a
rotation, a new root or a removed elector replaced (kept, with their files and keys, never deleted).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scms.deployment._validation import describe_validation_error
from scms.deployment.errors import DeploymentError

__all__ = [
    "MANIFEST_FORMAT_VERSION",
    "CertificateEntry",
    "CrlEntry",
    "CtlEntry",
    "Manifest",
    "PastCertificate",
    "VersionedFile",
    "dump_manifest",
    "read_manifest",
]

MANIFEST_FORMAT_VERSION = 1

_STRICT = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
_HEX8 = r"^[0-9a-f]{16}$"


class CertificateEntry(BaseModel):
    """One certificate of the hierarchy."""

    model_config = _STRICT

    file: str
    """The COER certificate, relative to the deployment directory."""
    hashed_id8: str = Field(pattern=_HEX8)
    """Its HashedId8 (1609.2 §6.4.3), hex."""
    issuer: str | None
    """The component that issued it; None for a self-signed certificate (root CA, electors)."""
    role: str
    """Its `SecurityMgmtSsp` role (1609.2.1 §6.3): elector, root, ica, crl, eca, ra, aca, la, ma."""


class PastCertificate(CertificateEntry):
    """A certificate that a later operation replaced (rotation, a new root) or removed (an elector); its files stay."""

    component: str
    """The component it belonged to (root, ica, eca, elector-2, ...)."""
    keys: dict[str, str] = {}
    """Key purpose -> key file of that certificate (still on disk, mode 0600)."""
    until: int = Field(ge=0, le=0xFFFFFFFF)
    """Time32 at which it was replaced or removed (it stays valid until its own expiry unless its root is removed)."""
    successor: str | None = Field(default=None, pattern=_HEX8)
    """HashedId8 (hex) of the certificate that replaced it; None when it was removed."""


class CtlEntry(BaseModel):
    """One CTL of the home series."""

    model_config = _STRICT

    sequence_number: int = Field(ge=0, le=65535)
    file: str


class CrlEntry(BaseModel):
    """One signed CRL."""

    model_config = _STRICT

    craca: str = Field(pattern=_HEX8)
    """`crlCraca` (HashedId8 of the CRACA certificate), hex."""
    series: int = Field(ge=0, le=65535)
    number: int = Field(ge=1)
    """Our count of CRLs of this (craca, series), from 1."""
    kind: Literal["hash", "linkage"]
    file: str


class VersionedFile(BaseModel):
    """A file that is replaced by a higher version (CCF, composite CRL)."""

    model_config = _STRICT

    version: int = Field(ge=1)
    file: str


class Manifest(BaseModel):
    """The whole `deployment.json`."""

    model_config = _STRICT

    format: Literal["scms-deployment"] = "scms-deployment"
    format_version: Literal[1] = 1
    created: int = Field(ge=0, le=0xFFFFFFFF)
    """Time32 of `scms init`."""
    ctl_series_id: str = Field(pattern=_HEX8)
    certificates: dict[str, CertificateEntry]
    """By component name (root, ica, crl-signer, elector-1 ..., eca, ra, aca, la1, la2, ma)."""
    keys: dict[str, dict[str, str]]
    """Component -> key purpose -> key file (the private keys never leave their component's directory)."""
    ctls: tuple[CtlEntry, ...]
    ccf: VersionedFile
    crls: tuple[CrlEntry, ...]
    composite_crl: VersionedFile
    global_policy: str
    device_policies: dict[str, str]
    """Device type -> policy file."""
    secrets: dict[str, dict[str, str]] = {}
    """Component -> secret name -> file (e.g. ra -> operator-token)."""
    history: tuple[PastCertificate, ...] = ()
    """Certificates replaced or removed by later operations, oldest first."""


def dump_manifest(manifest: Manifest) -> bytes:
    return (json.dumps(manifest.model_dump(mode="json"), indent=2) + "\n").encode()


def read_manifest(path: Path) -> Manifest:
    """Read `deployment.json`; `DeploymentError` when missing or invalid."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise DeploymentError(f"{path.parent}: no deployment here ({path.name} missing; run `scms init`)") from None
    except (OSError, ValueError) as error:
        raise DeploymentError(f"{path}: unreadable manifest ({error})") from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as error:
        message, _ = describe_validation_error(error)
        raise DeploymentError(f"{path}: {message}") from None
