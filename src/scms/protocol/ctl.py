"""The full IEEE CTL: build, assemble and read a `MultiSignedCtlSpdu` (1609.2.1 clauses 4.1.6 and 8
`MultiSignedCtl`; standards notes §9).

Making a CTL takes three steps, each its own function so that the electors can sign on separate machines:

1. `build_tbs_ctl(...)`: the COER `FullIeeeTbsCtl`, linted (`scms.protocol.lint`);
2. each elector: `sign_ctl(tbs_ctl, key, certificate, now)` (module `ctl_signature`) -> one `CtlSignatureSpdu`;
3. `assemble_ctl(tbs_ctl, signatures, certificates)`: the unsecured `ScmsPdu cert multiSignedCtl`, whose open
   types are `type` 1 (fullIeeeCtl), `tbsCtl` (the FullIeeeTbsCtl octets) and `unsigned` (a SequenceOfCertificate
   holding the elector and root CA certificates the CTL approves).

`parse_ctl` reads one back as a `Ctl`; `scms.protocol.ctl_trust` verifies it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scms import asn1
from scms.crypto import HashedId32, HashedId48
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data
from scms.dot2.time import Time32
from scms.protocol._cert_pdu import open_unsecured, wrap_unsecured
from scms.protocol._codec import decode
from scms.protocol.ctl_contents import FULL_IEEE_CTL, TbsCtl, listed_id
from scms.protocol.ctl_members import check_elector_certificate, check_root_ca_certificate
from scms.protocol.ctl_signature import CtlSignature, parse_ctl_signature, verify_ctl_signature
from scms.protocol.lint import lint_tbs_ctl
from scms.protocol.security_mgmt_ssp import Role, certificate_role

__all__ = ["Ctl", "assemble_ctl", "build_tbs_ctl", "parse_ctl"]


def build_tbs_ctl(
    series_id: bytes,
    sequence_number: int,
    effective_date: Time32,
    *,
    elector_approve: Iterable[bytes],
    root_ca_approve: Iterable[bytes],
    quorum: int,
    elector_remove: Iterable[bytes] = (),
    root_ca_remove: Iterable[bytes] = (),
) -> bytes:
    """The COER `FullIeeeTbsCtl`, after lint (`LintError`, 400-40, naming every violation).

    Elector ids are `HashedId48` (`elector_id(cert)`), root CA ids `HashedId32` (`root_ca_id(cert)`); `quorum` is
    the number of these electors that must sign the NEXT CTL of the series.
    """
    tbs = TbsCtl(
        series_id=bytes(series_id),
        sequence_number=sequence_number,
        effective_date=Time32(effective_date),
        elector_approve=tuple(HashedId48(i) for i in elector_approve),
        elector_remove=tuple(HashedId48(i) for i in elector_remove),
        root_ca_approve=tuple(HashedId32(i) for i in root_ca_approve),
        root_ca_remove=tuple(HashedId32(i) for i in root_ca_remove),
        quorum=quorum,
    )
    lint_tbs_ctl(tbs)
    return tbs.to_bytes()


def assemble_ctl(tbs_ctl: bytes, signatures: Sequence[bytes], certificates: Sequence[Certificate]) -> bytes:
    """The COER `MultiSignedCtlSpdu` of a signed CTL.

    Checked first (each a 400-40 `Ieee1609Error`, 400-43 for a bad signature): the tbs passes lint; there is at
    least one signature, each a valid `CtlSignatureSpdu` on `tbs_ctl` by a distinct elector whose certificate it
    carries; `certificates` are exactly the approved electors and root CAs (each fit for its role), once each.
    Whether the signers meet the previous CTL's quorum is for `ctl_trust.verify_next_ctl` to say.
    """
    tbs = TbsCtl.from_bytes(tbs_ctl)
    lint_tbs_ctl(tbs)
    _check_signatures(tbs_ctl, tbs, signatures)
    _check_members(tbs, certificates)
    value = {
        "type": FULL_IEEE_CTL,
        "tbsCtl": bytes(tbs_ctl),
        "unsigned": asn1.encode("SequenceOfCertificate", [c.value for c in certificates]),
        "signatures": [Ieee1609Dot2Data.from_bytes(s).value for s in signatures],
    }
    return wrap_unsecured("multiSignedCtl", value)


def _check_signatures(tbs_ctl: bytes, tbs: TbsCtl, signatures: Sequence[bytes]) -> None:
    if not signatures:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, "a MultiSignedCtl needs at least one signature")
    signers: set[HashedId48] = set()
    for signature in signatures:
        signer = parse_ctl_signature(signature).signer
        if signer is None:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, "a CtlSignatureSpdu carries its elector certificate")
        identity = check_elector_certificate(signer)
        verify_ctl_signature(signature, tbs_ctl, tbs, {identity: signer})
        if identity in signers:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"elector {signer} signed twice")
        signers.add(identity)


def _check_members(tbs: TbsCtl, certificates: Sequence[Certificate]) -> None:
    listed: set[bytes] = set()
    for cert in certificates:
        role = certificate_role(cert)
        if role is Role.ELECTOR:
            identity: bytes = check_elector_certificate(cert)
            approved: tuple[bytes, ...] = tbs.elector_approve
        elif role is Role.ROOT:
            identity, approved = check_root_ca_certificate(cert), tbs.root_ca_approve
        else:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert} is neither an elector nor a root CA")
        if identity not in approved or identity in listed:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert} is not approved, or given twice")
        listed.add(identity)
    missing = {*tbs.elector_approve, *tbs.root_ca_approve} - listed
    if missing:
        names = ", ".join(sorted(i.hex()[-16:] for i in missing))
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"no certificate given for approved ids …{names}")


@dataclass(frozen=True)
class Ctl:
    """A parsed (not verified) CTL: the received bytes, its signed contents, the unsigned certificates and the
    elector signatures."""

    raw: bytes
    tbs: TbsCtl
    tbs_bytes: bytes
    """The COER `FullIeeeTbsCtl` exactly as received (what `tbsCtlHash` hashes)."""
    certificates: tuple[Certificate, ...]
    signatures: tuple[CtlSignature, ...]

    @property
    def series_id(self) -> bytes:
        return self.tbs.series_id

    @property
    def sequence_number(self) -> int:
        return self.tbs.sequence_number

    @property
    def effective_date(self) -> Time32:
        return self.tbs.effective_date

    @property
    def quorum(self) -> int | None:
        return self.tbs.quorum

    def certificate(self, identity: bytes) -> Certificate | None:
        """The unsigned certificate with this elector (HashedId48) or root CA (HashedId32) id, if carried."""
        return next((c for c in self.certificates if listed_id(c, len(identity)) == identity), None)


def parse_ctl(data: bytes) -> Ctl:
    """Read a COER `MultiSignedCtlSpdu`; 400-42 when it is not one (or not of type fullIeeeCtl)."""
    value = open_unsecured(data, "multiSignedCtl")
    if value["type"] != FULL_IEEE_CTL:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"CTL type {value['type']}: only fullIeeeCtl (1) is known")
    certificates = tuple(
        Certificate(asn1.encode("Certificate", c), c) for c in decode("SequenceOfCertificate", value["unsigned"])
    )
    signatures = tuple(parse_ctl_signature(asn1.encode("Ieee1609Dot2Data", s)) for s in value["signatures"])
    return Ctl(bytes(data), TbsCtl.from_bytes(value["tbsCtl"]), bytes(value["tbsCtl"]), certificates, signatures)
