"""One elector's signature on a CTL, `CtlSignatureSpdu` (1609.2.1 clause 8 `ToBeSignedCtlSignature`, clause 6.3
`Ieee1609Dot2Data-Signed`; standards notes §3, §9).

The elector signs a signedData (PSID 35, no other header field, signer = its certificate) over
`ScmsPdu cert tbsCtlSignature {ctlSeriesId, ctlType, sequenceNumber, tbsCtlHash}`, where `tbsCtlHash` is the hash
of the COER `tbsCtl` with the signature's algorithm: SHA-384, since only a 384-bit elector key fills a HashedId48
(the notes' rule was checked on an OpenSCMS elector signature: SHA-384 of the open-type contents).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scms import asn1
from scms.crypto import HashAlgorithm, HashedId48, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import HeaderInfo, Ieee1609Dot2Data, SignerCertificate, sign_data, verify_signed
from scms.dot2.time import Time32
from scms.protocol._cert_pdu import open_signed, wrap_unsecured
from scms.protocol.ctl_contents import FULL_IEEE_CTL, TbsCtl, tbs_ctl_hash
from scms.protocol.ctl_members import check_elector_certificate
from scms.protocol.lint import lint_tbs_ctl
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID

__all__ = ["CTL_SIGNATURE_HEADER", "CtlSignature", "parse_ctl_signature", "sign_ctl", "verify_ctl_signature"]

CTL_SIGNATURE_HEADER = HeaderInfo(psid=SECURITY_MGMT_PSID)
"""The headerInfo of a CtlSignatureSpdu: PSID 35, every other field absent (1609.2.1-2022 template)."""


@dataclass(frozen=True)
class CtlSignature:
    """A parsed (not verified) CtlSignatureSpdu: what it claims to sign, and its signer certificate when carried."""

    raw: bytes
    series_id: bytes
    ctl_type: int
    sequence_number: int
    tbs_ctl_hash: HashedId48
    hash_algorithm: str
    signer: Certificate | None

    def names(self, tbs: TbsCtl) -> bool:
        """Whether it claims to sign the CTL `tbs` (series, type and sequence number)."""
        return (self.series_id, self.ctl_type, self.sequence_number) == (
            tbs.series_id,
            FULL_IEEE_CTL,
            tbs.sequence_number,
        )


def sign_ctl(tbs_ctl: bytes, elector_key: Signer, elector_cert: Certificate, now: Time32) -> bytes:
    """One elector's `CtlSignatureSpdu` over the COER `FullIeeeTbsCtl` `tbs_ctl` (lint before sign).

    The elector certificate must be fit for a CTL (`check_elector_certificate`) and valid at `now` and at the
    CTL's effective date; `elector_key` is its private key.
    """
    tbs = TbsCtl.from_bytes(tbs_ctl)
    lint_tbs_ctl(tbs)
    check_elector_certificate(elector_cert, at=now)
    check_elector_certificate(elector_cert, at=tbs.effective_date)
    if elector_cert.verification_key != elector_key.public_point:
        raise ValueError(f"the key does not belong to the elector certificate {elector_cert}")
    body = {
        "ctlSeriesId": tbs.series_id,
        "ctlType": FULL_IEEE_CTL,
        "sequenceNumber": tbs.sequence_number,
        "tbsCtlHash": bytes(tbs_ctl_hash(tbs_ctl, elector_key.curve.hash_algorithm)),
    }
    inner = wrap_unsecured("tbsCtlSignature", body)
    return sign_data(inner, header=CTL_SIGNATURE_HEADER, key=elector_key, signer=SignerCertificate(elector_cert))


def parse_ctl_signature(data: bytes) -> CtlSignature:
    """Read a CtlSignatureSpdu without verifying it; 400-42 when it is not one."""
    signed, body = open_signed(data, "tbsCtlSignature")
    form, content = signed["signer"]
    signer = Certificate.from_bytes(asn1.encode("Certificate", content[0])) if form == "certificate" else None
    return CtlSignature(
        raw=bytes(data),
        series_id=bytes(body["ctlSeriesId"]),
        ctl_type=body["ctlType"],
        sequence_number=body["sequenceNumber"],
        tbs_ctl_hash=HashedId48(body["tbsCtlHash"]),
        hash_algorithm=signed["hashId"],
        signer=signer,
    )


def verify_ctl_signature(
    data: bytes, tbs_ctl: bytes, tbs: TbsCtl, electors: Mapping[HashedId48, Certificate]
) -> HashedId48 | None:
    """The id of the approved elector whose valid signature on `tbs_ctl` `data` is; None when its signer is not
    one of `electors` (such a signature does not count, so it is not checked).

    Raises 400-42 for a malformed SPDU, 400-40 for an unfit elector certificate (or one not valid at the CTL's
    effective date), 400-43 for a signature that does not verify or signs another CTL.
    """
    claimed = parse_ctl_signature(data)
    identity = _approved_signer(data, claimed, electors)
    if identity is None:
        return None
    cert = electors[identity]
    check_elector_certificate(cert, at=tbs.effective_date)
    signed = verify_signed(data, certificates=[cert], check_permissions=False)
    if signed.header.psid != SECURITY_MGMT_PSID:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"CtlSignatureSpdu psid {signed.header.psid}, not 35")
    if not claimed.names(tbs):
        raise Ieee1609Error(
            ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"elector {cert} signed another CTL (series, type or number)"
        )
    if claimed.tbs_ctl_hash != tbs_ctl_hash(tbs_ctl, HashAlgorithm(claimed.hash_algorithm)):
        raise Ieee1609Error(ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"elector {cert}: tbsCtlHash does not match")
    return identity


def _approved_signer(
    data: bytes, claimed: CtlSignature, electors: Mapping[HashedId48, Certificate]
) -> HashedId48 | None:
    if claimed.signer is not None:
        return next((i for i, c in electors.items() if c == claimed.signer), None)
    form, digest = Ieee1609Dot2Data.from_bytes(data).content["signer"]
    if form != "digest":
        return None
    return next((i for i, c in electors.items() if c.hashed_id8() == digest), None)
