"""Certificate management information status, `CertificateManagementInformationStatusSpdu` (1609.2.1 clauses
6.3.5.14 and 8.7 `CertificateManagementInfoStatus`; standards notes §9).

When each piece of certificate-management information last changed: the CRLs (CRACA, series, issue date), the CTLs
(series, sequence number, last update), the CA certificates of the CCF, the MA certificates (per PSID set) and,
when an RA sends it, the RA certificate. All times are Time32 (TAI seconds since 2004), never Unix time.

It is a signedData with PSID 35 signed by the RA (or a DC) certificate. The 1609.2.1-2022 `Ieee1609Dot2Data-Signed`
template leaves every other header field absent, so that is the default; `generation_time=True` adds the
generationTime the 2020 edition required (docs/conformance.md). The file is named
`scms-management-infostatus_<RA or DC host name>_<last update, YYYYMMDDTHH:MM:SSZ>.oer`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scms.crypto import HashedId8, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.chain import verify_chain
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import HeaderInfo, SignerCertificate, sign_data, verify_signed
from scms.dot2.time import Time32, Time64
from scms.protocol._cert_pdu import open_cert_management_pdu, open_signed, wrap_unsecured
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role, certificate_role

__all__ = [
    "INFO_STATUS_SIGNERS",
    "CrlInfoStatus",
    "CtlInfoStatus",
    "InfoStatus",
    "MaInfoStatus",
    "VerifiedInfoStatus",
    "info_status_file_name",
    "parse_info_status",
    "sign_info_status",
    "verify_info_status",
]

INFO_STATUS_SIGNERS = frozenset({Role.RA, Role.DC})


@dataclass(frozen=True)
class CrlInfoStatus:
    """The latest CRL of one (CRACA, series) pair: its issueDate."""

    craca_id: HashedId8
    series: int
    issue_date: Time32

    def to_coer(self) -> dict[str, Any]:
        return {"cracaId": bytes(self.craca_id), "series": self.series, "issueDate": int(self.issue_date)}

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> CrlInfoStatus:
        return cls(HashedId8(value["cracaId"]), value["series"], Time32(value["issueDate"]))


@dataclass(frozen=True)
class CtlInfoStatus:
    """The latest CTL of one series: its sequence number and when it was last updated."""

    series_id: bytes
    sequence_number: int
    last_update: Time32

    def to_coer(self) -> dict[str, Any]:
        return {
            "ctlSeriesId": self.series_id,
            "sequenceNumber": self.sequence_number,
            "lastUpdate": int(self.last_update),
        }

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> CtlInfoStatus:
        return cls(bytes(value["ctlSeriesId"]), value["sequenceNumber"], Time32(value["lastUpdate"]))


@dataclass(frozen=True)
class MaInfoStatus:
    """When the certificate of the MA handling misbehaviour reports for `psids` last changed."""

    psids: tuple[int, ...]
    updated: Time32

    def to_coer(self) -> dict[str, Any]:
        return {"psids": list(self.psids), "updated": int(self.updated)}

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> MaInfoStatus:
        return cls(tuple(value["psids"]), Time32(value["updated"]))


@dataclass(frozen=True)
class InfoStatus:
    """A `CertificateManagementInfoStatus`; `ra` is present when an RA sends it."""

    crl: tuple[CrlInfoStatus, ...]
    ctl: tuple[CtlInfoStatus, ...]
    ca_ccf: Time32
    ma: tuple[MaInfoStatus, ...] = ()
    ra: Time32 | None = None

    @property
    def last_update(self) -> Time32:
        """The latest of all its times (what the file name carries)."""
        times = [self.ca_ccf, *(c.issue_date for c in self.crl), *(c.last_update for c in self.ctl)]
        times += [m.updated for m in self.ma] + ([] if self.ra is None else [self.ra])
        return Time32(max(times))

    def to_coer(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "crl": [c.to_coer() for c in self.crl],
            "ctl": [c.to_coer() for c in self.ctl],
            "caCcf": int(self.ca_ccf),
            "ma": [m.to_coer() for m in self.ma],
        }
        if self.ra is not None:
            value["ra"] = int(self.ra)
        return value

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> InfoStatus:
        return cls(
            crl=tuple(CrlInfoStatus.from_coer(c) for c in value["crl"]),
            ctl=tuple(CtlInfoStatus.from_coer(c) for c in value["ctl"]),
            ca_ccf=Time32(value["caCcf"]),
            ma=tuple(MaInfoStatus.from_coer(m) for m in value["ma"]),
            ra=None if "ra" not in value else Time32(value["ra"]),
        )


@dataclass(frozen=True)
class VerifiedInfoStatus:
    """A CMIS whose signature and signer chain verified: the status, the RA or DC certificate, the header."""

    status: InfoStatus
    signer: Certificate
    header: HeaderInfo


def _check_signer(cert: Certificate) -> None:
    role = certificate_role(cert)
    if role not in INFO_STATUS_SIGNERS:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert} ({role}) is neither an RA nor a DC")


def sign_info_status(
    status: InfoStatus, key: Signer, certificate: Certificate, now: Time32, *, generation_time: bool = False
) -> bytes:
    """The COER `CertificateManagementInformationStatusSpdu`, signed by the RA or DC `certificate` (valid at
    `now`) with its private `key`; with `generation_time`, headerInfo carries `now` as generationTime."""
    _check_signer(certificate)
    if not certificate.valid_at(now):
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{certificate} is not valid at {int(now)}")
    if certificate.verification_key != key.public_point:
        raise ValueError(f"the key does not belong to {certificate}")
    header = HeaderInfo(SECURITY_MGMT_PSID, Time64.from_time32(now) if generation_time else None)
    inner = wrap_unsecured("infoStatus", status.to_coer())
    return sign_data(inner, header=header, key=key, signer=SignerCertificate(certificate))


def verify_info_status(
    data: bytes, roots: Sequence[Certificate], now: Time32, *, intermediates: Sequence[Certificate] = ()
) -> VerifiedInfoStatus:
    """Verify a CMIS SPDU: signature (400-43), PSID 35, a signer with the RA or DC role whose chain leads through
    `intermediates` to one of `roots` (e.g. `TrustState.root_certificates`) at `now` (400-40); 400-42 when it is
    not a CMIS SPDU. A generationTime, when present, must not be after `now` (400-50)."""
    signed = verify_signed(data, certificates=intermediates, now=now)
    if signed.header.psid != SECURITY_MGMT_PSID:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"a CMIS SPDU is signed for psid 35, not {signed.header.psid}")
    signer = signed.signer.certificate
    if signer is None:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, "a CMIS SPDU is signed by a certificate")
    _check_signer(signer)
    verify_chain(signer, intermediates, roots, now)
    value = open_cert_management_pdu(signed.unsecured_payload(), "infoStatus")
    return VerifiedInfoStatus(InfoStatus.from_coer(value), signer, signed.header)


def parse_info_status(data: bytes) -> InfoStatus:
    """Read the status a CMIS SPDU carries WITHOUT verifying it (for display); 400-42 when it is not one."""
    return InfoStatus.from_coer(open_signed(data, "infoStatus")[1])


_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def info_status_file_name(host: str, last_update: Time32) -> str:
    """`scms-management-infostatus_<host>_<YYYYMMDDTHH:MM:SSZ>.oer` (1609.2.1 clause 8.7); `host` is the RA's or
    DC's DNS host name (never a URL: no scheme, port or path), the time is `last_update` in UTC."""
    if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in host.split(".")):
        raise ValueError(f"not a DNS host name: {host!r}")
    return f"scms-management-infostatus_{host}_{last_update.to_datetime():%Y%m%dT%H:%M:%SZ}.oer"
