"""`SecurityMgmtSsp`: the SSP of PSID 35 that names an SCMS component's role (1609.2.1 clause 6.3, Annex A
`Ieee1609Dot2Dot1Protocol`; standards notes §1.5).

The SSP is the COER of a CHOICE with one alternative per role (elector, root, pg, ica, eca, aca, crl, dcm, la, lop,
ma, ra, ee, and dc after the extension marker), each a `SEQUENCE {version Uint8, ...}`; `la` adds `laId Uint16`,
`ma` adds `relevantPsids`. 1609.2.1 Cor 1-2023 lets `version` be 1 or 2 (2 for certificates issued from
2023-07-01), so 2 is the default. These bytes go into a certificate's appPermissions (`PsidSsp(35, Ssp(...))`) and,
as opaque `SspRange` values, into the certIssuePermissions of the CA that issues it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from scms import asn1
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.protocol._codec import decode

__all__ = [
    "SECURITY_MGMT_PSID",
    "Role",
    "SecurityMgmtSsp",
    "certificate_role",
    "certificate_ssp",
    "role_of",
    "security_mgmt_ssp",
]

SECURITY_MGMT_PSID = 35
"""`SecurityMgmtPsid` (1609.2.1 clause 6.3): every SCMS management SPDU and SSP."""

_VERSIONS = (1, 2)


class Role(Enum):
    """An SCMS role; the value is the `SecurityMgmtSsp` alternative name."""

    ELECTOR = "elector"
    ROOT = "root"
    PG = "pg"
    """Policy generator."""
    ICA = "ica"
    ECA = "eca"
    ACA = "aca"
    CRL_SIGNER = "crl"
    DCM = "dcm"
    """Device configuration manager."""
    LA = "la"
    LOP = "lop"
    """Location obscurer proxy (kept for compatibility; it has no certificate)."""
    MA = "ma"
    RA = "ra"
    EE = "ee"
    DC = "dc"
    """Distribution centre (an extension addition of the CHOICE)."""


@dataclass(frozen=True)
class SecurityMgmtSsp:
    """One decoded SSP: the role, its version, and the fields only `la` (laId) and `ma` (relevantPsids) carry."""

    role: Role
    version: int = 2
    la_id: int | None = None
    relevant_psids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if (self.la_id is None) == (self.role is Role.LA):
            raise ValueError("la_id is required for the la role and only there")
        if (self.relevant_psids is None) == (self.role is Role.MA):
            raise ValueError("relevant_psids is required for the ma role and only there")

    def to_coer(self) -> tuple[str, dict[str, Any]]:
        fields: dict[str, Any] = {"version": self.version}
        if self.la_id is not None:
            fields["laId"] = self.la_id
        if self.relevant_psids is not None:
            fields["relevantPsids"] = list(self.relevant_psids)
        return (self.role.value, fields)

    def to_bytes(self) -> bytes:
        """The COER SSP octets."""
        return asn1.encode("SecurityMgmtSsp", self.to_coer())

    @classmethod
    def from_bytes(cls, data: bytes) -> SecurityMgmtSsp:
        """Strictly decode SSP octets; 400-42 when they are not one canonical `SecurityMgmtSsp`."""
        alternative, fields = decode("SecurityMgmtSsp", data)
        psids = fields.get("relevantPsids")
        return cls(
            Role(alternative),
            fields["version"],
            la_id=fields.get("laId"),
            relevant_psids=None if psids is None else tuple(psids),
        )


def security_mgmt_ssp(
    role: Role | str, *, version: int = 2, la_id: int | None = None, relevant_psids: Sequence[int] | None = None
) -> bytes:
    """The COER SSP of `role` for PSID 35, e.g. `security_mgmt_ssp("root") == bytes.fromhex("810002")`.

    `la_id` is required for `la`, `relevant_psids` for `ma` (and refused elsewhere); `version` is 1 or 2.
    """
    if version not in _VERSIONS:
        raise ValueError(f"SecurityMgmtSsp version {version}: 1609.2.1 (Cor 1-2023) allows 1 or 2")
    psids = None if relevant_psids is None else tuple(relevant_psids)
    return SecurityMgmtSsp(Role(role), version, la_id, psids).to_bytes()


def role_of(ssp: bytes) -> Role:
    """The role named by SSP octets; 400-42 on anything that is not a `SecurityMgmtSsp`."""
    return SecurityMgmtSsp.from_bytes(ssp).role


def certificate_ssp(cert: Certificate) -> SecurityMgmtSsp | None:
    """The `SecurityMgmtSsp` in `cert`'s appPermissions (PSID 35), None when it has no PSID 35 SSP.

    A PSID 35 entry with a bitmap SSP or octets that do not decode is 400-42.
    """
    for permission in cert.app_permissions:
        if permission.psid != SECURITY_MGMT_PSID or permission.ssp is None:
            continue
        if permission.ssp.bitmap:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"{cert}: the PSID 35 SSP is a bitmap, not opaque")
        return SecurityMgmtSsp.from_bytes(permission.ssp.value)
    return None


def certificate_role(cert: Certificate) -> Role | None:
    """The SCMS role `cert` holds per its appPermissions (PSID 35 SSP), None when it names none."""
    ssp = certificate_ssp(cert)
    return None if ssp is None else ssp.role
