"""The certificate chain file, `CertificateChainSpdu` (1609.2.1 clauses 6.3.5.7 and 8.4 `CertificateChain`;
standards notes §9): an unsecured `ScmsPdu cert certificateChain {homeCtl, others}`, where `homeCtl` is a
`MultiSignedCtlSpdu` (normally the requester's home CTL) and `others` the CA and MA certificates (in practice also
the RA's) a device needs to validate chains.

`verify_ccf(ccf, trust, now)` takes the home CTL when it is the next one of the device's series (`follow_ctl`),
then validates every certificate of `others` up to a root CA that CTL approves (`scms.dot2.verify_chain`, 400-40).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scms import asn1
from scms.dot2.certificate import Certificate
from scms.dot2.chain import VerifiedChain, verify_chain
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data
from scms.dot2.time import Time32
from scms.protocol._cert_pdu import open_unsecured, wrap_unsecured
from scms.protocol.ctl import Ctl, parse_ctl
from scms.protocol.ctl_trust import TrustState, follow_ctl
from scms.protocol.security_mgmt_ssp import Role, certificate_role

__all__ = ["CCF_ROLES", "Ccf", "VerifiedCcf", "build_ccf", "ccf_file_name", "parse_ccf", "verify_ccf"]

CCF_ROLES = frozenset({Role.ROOT, Role.ICA, Role.ECA, Role.ACA, Role.CRL_SIGNER, Role.MA, Role.RA, Role.DC, Role.PG})
"""SCMS component roles whose certificates a CCF may carry (never an elector's: the CTL carries those)."""


@dataclass(frozen=True)
class Ccf:
    """A parsed (not verified) CCF: the received bytes, the home CTL (parsed and as bytes) and the certificates."""

    raw: bytes
    home_ctl: Ctl
    others: tuple[Certificate, ...]

    @property
    def home_ctl_bytes(self) -> bytes:
        return self.home_ctl.raw


@dataclass(frozen=True)
class VerifiedCcf:
    """A CCF whose certificates all chain to an approved root CA: the trust it was checked under (after its home
    CTL) and one verified chain per certificate of `others`, in order."""

    ccf: Ccf
    trust: TrustState
    chains: tuple[VerifiedChain, ...]


def build_ccf(home_ctl: bytes, certificates: Sequence[Certificate]) -> bytes:
    """The COER `CertificateChainSpdu`; `home_ctl` must read as a CTL, each certificate hold a `CCF_ROLES`
    role, none twice (400-40 / 400-42 otherwise)."""
    parse_ctl(home_ctl)
    for index, cert in enumerate(certificates):
        role = certificate_role(cert)
        if role not in CCF_ROLES:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert} ({role}) does not belong in a CCF")
        if cert in certificates[:index]:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert} is given twice")
    value = {"homeCtl": Ieee1609Dot2Data.from_bytes(home_ctl).value, "others": [c.value for c in certificates]}
    return wrap_unsecured("certificateChain", value)


def parse_ccf(data: bytes) -> Ccf:
    """Read a COER `CertificateChainSpdu`; 400-42 when it is not one."""
    value = open_unsecured(data, "certificateChain")
    home = parse_ctl(asn1.encode("Ieee1609Dot2Data", value["homeCtl"]))
    others = tuple(Certificate(asn1.encode("Certificate", c), c) for c in value["others"])
    return Ccf(bytes(data), home, others)


def verify_ccf(ccf: bytes, trust: TrustState, now: Time32) -> VerifiedCcf:
    """Verify a CCF against the device's `trust` (see the module docstring); raises Ieee1609Error."""
    parsed = parse_ccf(ccf)
    after = follow_ctl(trust, parsed.home_ctl_bytes, now)
    anchors = after.root_certificates
    chains = tuple(verify_chain(cert, parsed.others, anchors, now) for cert in parsed.others)
    return VerifiedCcf(parsed, after, chains)


def ccf_file_name(version: int) -> str:
    """`ccf_<version>.oer`, the version in minimal-length lower-case hex (the RA's counter; 1609.2.1 clause 8.4)."""
    if version < 0:
        raise ValueError("a CCF version is not negative")
    return f"ccf_{version:x}.oer"
