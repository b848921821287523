"""Is this certificate revoked by this CRL? (IEEE 1609.2 clauses 5.1.3.2, 5.1.3.4, 7.3; standards notes §7.4, §8).

A question, not a verification: `revocation_status` returns an answer. Pass only CRLs that `verify_crl` accepted
(or a `RevocationSet` built from them): this module trusts its input.

1. Scope: the CRL speaks about the certificate only if the certificate's `cracaId` is the last 3 bytes of
   `crlCraca` and its `crlSeries` equals the CRL's (else `NOT_COVERED`).
2. Hash entries: the certificate is revoked if the HashedId10 of its whole-certificate hash is listed.
3. Linkage entries (pseudonym certificates, `id = linkageData {iCert, linkage-value, group-linkage-value}`): it is
   revoked if `linkage-value` is lv(iCert, j) of a listed chain with iRev <= iCert <= iMax and j < jmax, or if its
   `group-linkage-value` matches a listed group at iCert with its own jValue. The values are computed once per CRL
   view and i-period (`scms.dot2.revocation_index`).
4. Single-seed entries (1609.2-2022, no public algorithm) cannot be evaluated: a covered linkage certificate that no
   other entry revokes is then `UNDETERMINED`, never silently "not revoked".
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol

from scms.crypto import HashedId3
from scms.dot2.certificate import Certificate
from scms.dot2.crl_entries import HashRevocation
from scms.dot2.revocation_index import RevocationIndex

__all__ = ["RevocationList", "RevocationStatus", "is_revoked", "revocation_status"]


class RevocationStatus(Enum):
    NOT_COVERED = "not covered"
    """The CRL is for another (cracaId, crlSeries): it says nothing about this certificate."""
    NOT_REVOKED = "not revoked"
    REVOKED = "revoked"
    UNDETERMINED = "undetermined"
    """Covered, not revoked by any entry we can evaluate, but the CRL has single-seed entries we cannot."""


class RevocationList(Protocol):
    """What the decision needs: a verified CRL (`CrlContents`) or a full CRL with deltas (`RevocationSet`)."""

    @property
    def hash_entries(self) -> tuple[HashRevocation, ...]: ...

    @property
    def unsupported_entries(self) -> int: ...

    def covers(self, craca_id: HashedId3, crl_series: int) -> bool: ...

    def revocation_index(self) -> RevocationIndex: ...


def revocation_status(certificate: Certificate, crl: RevocationList) -> RevocationStatus:
    """The CRL's verdict on `certificate` (see the module docstring for the four steps)."""
    if not crl.covers(certificate.craca_id, certificate.crl_series):
        return RevocationStatus.NOT_COVERED
    index = crl.revocation_index()
    if crl.hash_entries and index.is_hash_revoked(certificate.hashed_id10()):
        return RevocationStatus.REVOKED
    linkage = certificate.id.linkage
    if linkage is None:
        return RevocationStatus.NOT_REVOKED
    i_cert = int(linkage.i_cert)
    if index.is_linkage_value_revoked(i_cert, linkage.linkage_value):
        return RevocationStatus.REVOKED
    group = linkage.group_linkage_value
    if group is not None and index.is_group_value_revoked(i_cert, int.from_bytes(group.j_value), group.value):
        return RevocationStatus.REVOKED
    if crl.unsupported_entries:
        return RevocationStatus.UNDETERMINED
    return RevocationStatus.NOT_REVOKED


def is_revoked(certificate: Certificate, crl: RevocationList) -> bool:
    """True if the CRL revokes `certificate`; ValueError when the answer is UNDETERMINED (fail closed: decide)."""
    status = revocation_status(certificate, crl)
    if status is RevocationStatus.UNDETERMINED:
        raise ValueError("the CRL has single-seed linkage entries this implementation cannot evaluate")
    return status is RevocationStatus.REVOKED
