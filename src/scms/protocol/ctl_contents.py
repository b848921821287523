"""The signed contents of a full IEEE CTL, `FullIeeeTbsCtl` (1609.2.1 clause 8, Annex A
`Ieee1609Dot2Dot1CertManagement`; standards notes §9), and how a CTL names certificates.

* `TbsCtl`: the typed `FullIeeeTbsCtl` (series id, sequence number, effective date, elector and root CA approve /
  remove lists, quorum), read from and written to COER.
* `elector_id(cert)`: the `HashedId48` of an elector certificate. The standard hashes it "with the same hash
  algorithm that is used to hash the elector certificate for signing", i.e. that of the elector's key; a
  HashedId48 holds 48 bytes, so only a 384-bit elector key (SHA-384: P-384, brainpoolP384r1) has one.
* `root_ca_id(cert)`: the `HashedId32` of a root CA certificate, hashed with its key's algorithm; a SHA-384 hash is
  cut to its low-order 32 bytes.
* `tbs_ctl_hash(tbs_ctl, alg)`: `ToBeSignedCtlSignature.tbsCtlHash`, the hash of the COER `tbsCtl` with the
  signature's algorithm (SHA-384 of the open-type contents, as on OpenSCMS data).

Every certificate hash is over the canonical encoding (1609.2 clause 6.1.2, `Certificate.hash`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms import asn1
from scms.crypto import HashAlgorithm, HashedId32, HashedId48
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol._codec import decode

__all__ = ["FULL_IEEE_CTL", "TbsCtl", "elector_id", "listed_id", "root_ca_id", "tbs_ctl_hash"]

FULL_IEEE_CTL = 1
"""`fullIeeeCtl`: the only `Ieee1609dot2dot1MsctlType` of 1609.2.1-2022."""


@dataclass(frozen=True)
class TbsCtl:
    """A `FullIeeeTbsCtl`. `quorum` None: absent (a CTL from a generator predating the field; the quorum of the
    previous CTL carries over)."""

    series_id: bytes
    sequence_number: int
    effective_date: Time32
    elector_approve: tuple[HashedId48, ...] = ()
    elector_remove: tuple[HashedId48, ...] = ()
    root_ca_approve: tuple[HashedId32, ...] = ()
    root_ca_remove: tuple[HashedId32, ...] = ()
    quorum: int | None = None

    def to_coer(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "type": FULL_IEEE_CTL,
            "ctlSeriesId": bytes(self.series_id),
            "sequenceNumber": self.sequence_number,
            "effectiveDate": int(self.effective_date),
            "electorApprove": [bytes(i) for i in self.elector_approve],
            "electorRemove": [bytes(i) for i in self.elector_remove],
            "rootCaApprove": [bytes(i) for i in self.root_ca_approve],
            "rootCaRemove": [bytes(i) for i in self.root_ca_remove],
        }
        if self.quorum is not None:
            value["quorum"] = self.quorum
        return value

    def to_bytes(self) -> bytes:
        """COER `FullIeeeTbsCtl` (an `asn1.EncodeError` for values outside their types: lint first)."""
        return asn1.encode("FullIeeeTbsCtl", self.to_coer())

    @classmethod
    def from_bytes(cls, data: bytes) -> TbsCtl:
        """Strictly decode a COER `FullIeeeTbsCtl`; 400-42 otherwise."""
        value = decode("FullIeeeTbsCtl", data)
        return cls(
            series_id=bytes(value["ctlSeriesId"]),
            sequence_number=value["sequenceNumber"],
            effective_date=Time32(value["effectiveDate"]),
            elector_approve=tuple(HashedId48(i) for i in value["electorApprove"]),
            elector_remove=tuple(HashedId48(i) for i in value["electorRemove"]),
            root_ca_approve=tuple(HashedId32(i) for i in value["rootCaApprove"]),
            root_ca_remove=tuple(HashedId32(i) for i in value["rootCaRemove"]),
            quorum=value.get("quorum"),
        )


def _key_hash(cert: Certificate) -> HashAlgorithm:
    key = cert.verification_key
    if key is None:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert}: a CTL lists explicit certificates only")
    return key.curve.hash_algorithm


def elector_id(cert: Certificate) -> HashedId48:
    """HashedId48 of an elector certificate (SHA-384 of its canonical encoding); 400-40 unless its key is 384-bit."""
    if _key_hash(cert) is not HashAlgorithm.SHA384:
        raise Ieee1609Error(
            ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert}: an elector needs a 384-bit key (its id is a HashedId48)"
        )
    return HashedId48.from_digest(cert.hash(HashAlgorithm.SHA384))


def root_ca_id(cert: Certificate) -> HashedId32:
    """HashedId32 of a root CA certificate: the low-order 32 bytes of its hash with its key's algorithm."""
    return HashedId32.from_digest(cert.hash(_key_hash(cert)))


def listed_id(cert: Certificate, length: int) -> bytes | None:
    """The id a CTL would list `cert` under: its elector id (`length` 48) or root CA id (32); None if it has none."""
    key = cert.verification_key
    if key is None or length not in (HashedId32.length, HashedId48.length):
        return None
    if length == HashedId32.length:
        return root_ca_id(cert)
    return elector_id(cert) if key.curve.hash_algorithm is HashAlgorithm.SHA384 else None


def tbs_ctl_hash(tbs_ctl: bytes, alg: HashAlgorithm) -> HashedId48:
    """`tbsCtlHash` over the COER `tbsCtl` octets with `alg`; 400-43 for a hash shorter than 48 bytes."""
    if alg is not HashAlgorithm.SHA384:
        raise Ieee1609Error(
            ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"tbsCtlHash is a HashedId48: {alg.value} is too short"
        )
    return HashedId48.from_digest(alg.digest(tbs_ctl))
