"""The composite CRL file, `CompositeCrlSpdu` (1609.2.1 clauses 6.3.5.8 and 8.5 `CompositeCrl`; standards notes §9):
an unsecured `ScmsPdu cert compositeCrl {crl, homeCtl}` holding the `SecuredCrl`s of every (CRACA, series) the
RA's devices need, in no set order, and a CTL (normally the requester's home CTL).

`verify_composite_crl(data, trust, now, certificates=...)` takes the home CTL when it is the next one of the
series (`follow_ctl`), then verifies each CRL (`scms.dot2.verify_crl`) with a signer among `certificates` whose
chain leads to a root CA the CTL approves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scms import asn1
from scms.dot2.certificate import Certificate
from scms.dot2.chain import verify_chain
from scms.dot2.crl import CRL_PSID, VerifiedCrl, verify_crl
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data
from scms.dot2.time import Time32
from scms.protocol._cert_pdu import open_unsecured, wrap_unsecured
from scms.protocol.ctl import Ctl, parse_ctl
from scms.protocol.ctl_trust import TrustState, follow_ctl

__all__ = [
    "CompositeCrl",
    "VerifiedCompositeCrl",
    "build_composite_crl",
    "composite_crl_file_name",
    "parse_composite_crl",
    "verify_composite_crl",
]


@dataclass(frozen=True)
class CompositeCrl:
    """A parsed (not verified) composite CRL: the received bytes, each `SecuredCrl` as COER, and the home CTL."""

    raw: bytes
    crls: tuple[bytes, ...]
    home_ctl: Ctl


@dataclass(frozen=True)
class VerifiedCompositeCrl:
    """The trust after the home CTL, and every CRL verified (in the order carried)."""

    trust: TrustState
    crls: tuple[VerifiedCrl, ...]


def _check_secured_crl(data: bytes) -> None:
    signed = Ieee1609Dot2Data.from_bytes(data).expect("signedData")
    if signed["tbsData"]["headerInfo"]["psid"] != CRL_PSID:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, "a SecuredCrl is signed for psid 256")


def build_composite_crl(secured_crls: Sequence[bytes], home_ctl: bytes) -> bytes:
    """The COER `CompositeCrlSpdu` of `secured_crls` (each a COER SecuredCrl) and `home_ctl` (a
    MultiSignedCtlSpdu); 400-42 when one of them is not what it should be."""
    for crl in secured_crls:
        _check_secured_crl(crl)
    parse_ctl(home_ctl)
    value = {
        "crl": [Ieee1609Dot2Data.from_bytes(c).value for c in secured_crls],
        "homeCtl": Ieee1609Dot2Data.from_bytes(home_ctl).value,
    }
    return wrap_unsecured("compositeCrl", value)


def parse_composite_crl(data: bytes) -> CompositeCrl:
    """Read a COER `CompositeCrlSpdu`; 400-42 when it is not one."""
    value = open_unsecured(data, "compositeCrl")
    crls = tuple(asn1.encode("Ieee1609Dot2Data", c) for c in value["crl"])
    for crl in crls:
        _check_secured_crl(crl)
    return CompositeCrl(bytes(data), crls, parse_ctl(asn1.encode("Ieee1609Dot2Data", value["homeCtl"])))


def verify_composite_crl(
    data: bytes, trust: TrustState, now: Time32, *, certificates: Sequence[Certificate]
) -> VerifiedCompositeCrl:
    """Verify every CRL of a composite CRL (see the module docstring); raises Ieee1609Error.

    `certificates`: the CRL signers (CRACAs or CRL signers) and the intermediate CA certificates above them.
    """
    parsed = parse_composite_crl(data)
    after = follow_ctl(trust, parsed.home_ctl.raw, now)
    verified = []
    for crl in parsed.crls:
        checked = verify_crl(crl, certificates=certificates)
        verify_chain(checked.signer, certificates, after.root_certificates, now)
        verified.append(checked)
    return VerifiedCompositeCrl(after, tuple(verified))


def composite_crl_file_name(version: int) -> str:
    """`composite-crl_<version>.oer`, version in minimal-length lower-case hex, incremented by the RA on each
    update (1609.2.1 clause 8.5 as quoted by OpenSCMS)."""
    if version < 0:
        raise ValueError("a composite CRL version is not negative")
    return f"composite-crl_{version:x}.oer"
