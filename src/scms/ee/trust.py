"""What a device trusts, checked the way 1609.2.1 has it (clauses 4.1.6, 6.3.5.7, 6.3.5.8, 6.3.5.12, 8.4-8.6):
`TrustMaterial.verify` takes the raw files a bootstrap fetched and returns them verified, or raises
`Ieee1609Error` naming what failed.

1. the anchor CTL, received out of band (the device's configured trust anchor): `verify_first_ctl`, its own quorum;
2. each later CTL of the series, in order: `follow_ctl` (the next one must carry the quorum of the previous);
3. the CCF: its home CTL followed, every certificate chained to a root CA the CTL approves (`verify_ccf`);
4. the RA certificate: chained through the CCF's certificates, with the RA role and an encryptionKey (EEs encrypt
   their requests to it);
5. the composite CRL: its home CTL followed, every CRL signed by a CCF certificate that chains to an approved root
   (`verify_composite_crl`).

The raw files are kept, so a device re-verifies them when it loads its state (at its own `now`); nothing derived
is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scms.dot2.certificate import Certificate
from scms.dot2.chain import verify_chain
from scms.dot2.crl import VerifiedCrl
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.ccf import verify_ccf
from scms.protocol.composite_crl import verify_composite_crl
from scms.protocol.ctl_trust import TrustState, follow_ctl, verify_first_ctl
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role, certificate_role

__all__ = ["TrustMaterial", "verify_ra_certificate"]


def verify_ra_certificate(
    data: bytes, certificates: Sequence[Certificate], trust: TrustState, now: Time32
) -> Certificate:
    """The RA certificate in `data`, chained to an approved root through `certificates`, with the RA role and an
    encryptionKey; 400-42 / 400-40 otherwise."""
    ra = Certificate.from_bytes(data)
    verify_chain(ra, certificates, trust.root_certificates, now, psid=SECURITY_MGMT_PSID)
    if certificate_role(ra) is not Role.RA:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{ra} is not an RA certificate")
    if ra.encryption_key is None:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{ra} has no encryptionKey to encrypt requests to")
    return ra


@dataclass(frozen=True)
class TrustMaterial:
    """The verified trust of a device: the raw files and what they establish at `verified_at`."""

    anchor_ctl: bytes
    ctls: tuple[bytes, ...]
    """Later CTLs of the home series, each the next of the one before (the anchor's first)."""
    ccf: bytes
    composite_crl: bytes
    ra_certificate_bytes: bytes
    trust: TrustState
    """The CTL trust after every CTL above (and those the CCF and composite CRL carry)."""
    certificates: tuple[Certificate, ...]
    """The CCF's certificates (CAs, RA, MA, CRL signer), each chained to an approved root."""
    ra_certificate: Certificate
    crls: tuple[VerifiedCrl, ...]
    verified_at: Time32

    @property
    def roots(self) -> tuple[Certificate, ...]:
        """The root CAs the CTL approves: the trust anchors of every chain."""
        return self.trust.root_certificates

    @property
    def series_id(self) -> bytes:
        return self.trust.series_id

    def with_role(self, role: Role) -> tuple[Certificate, ...]:
        """The CCF certificates with `role` (e.g. the ECA certificates)."""
        return tuple(c for c in self.certificates if certificate_role(c) is role)

    @classmethod
    def verify(
        cls,
        anchor_ctl: bytes,
        ctls: Sequence[bytes],
        ccf: bytes,
        composite_crl: bytes,
        ra_certificate: bytes,
        now: Time32,
    ) -> TrustMaterial:
        """Verify the files in the order of the module docstring; raises Ieee1609Error."""
        trust = verify_first_ctl(anchor_ctl, now)
        kept = []
        for ctl in ctls:
            following = follow_ctl(trust, ctl, now)
            if following is not trust:
                kept.append(bytes(ctl))
            trust = following
        checked_ccf = verify_ccf(ccf, trust, now)
        certificates = checked_ccf.ccf.others
        ra = verify_ra_certificate(ra_certificate, certificates, checked_ccf.trust, now)
        checked_crl = verify_composite_crl(composite_crl, checked_ccf.trust, now, certificates=certificates)
        return cls(
            anchor_ctl=bytes(anchor_ctl),
            ctls=tuple(kept),
            ccf=bytes(ccf),
            composite_crl=bytes(composite_crl),
            ra_certificate_bytes=bytes(ra_certificate),
            trust=checked_crl.trust,
            certificates=certificates,
            ra_certificate=ra,
            crls=checked_crl.crls,
            verified_at=now,
        )
