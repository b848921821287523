"""The RA's side of the RA-ACA interface for butterfly keys (1609.2.1 clause 9.3; standards notes §6): one
`RaAcaCertRequest` per (i, j) from the butterfly parameters of an EE's request.

For certificate (i, j) the RA expands the caterpillar key into the cocoon signing key B = A + f(k_S, x_S(i, j))·G
and decides the response key by variant (`scms.crypto.response_encryption_public_key`):

| variant | tbsCert key | certEncKey | flags | EE's SPDU |
|---|---|---|---|---|
| original | B | J = H + f(k_E, x_E(i, j))·G | butterflyExplicit if explicit | private |
| unified | B | B | butterflyExplicit if explicit | private |
| compact unified | B | absent | cubk (+ butterflyExplicit if explicit) | cubk |

The ACA receives B (and J) only: never A, H, the expansion keys, f, i-j pairing or j itself, so it cannot link
the certificates of one device. tbsCert.id becomes linkageData {iCert = i, a dummy linkage value}; linkageInfo
carries the two LAs' encrypted plv(i, j). The butterfly parameters are those the RA read from the EE's request
(`scms.protocol.butterfly_params.ButterflyParams`). A certificate without butterfly keys needs no helper: it is
`RaAcaCertRequest(now, type, template, ee_key, cert_enc_key=...)` (certEncKey from
additionalParams.encryptionKey, or absent for a plain response).
"""

from __future__ import annotations

from dataclasses import replace

from scms.crypto import ButterflyVariant
from scms.dot2.certificate_fields import CertificateId, CertificateType, LinkageData, PublicEncryptionKey
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.time import IValue, Time32
from scms.protocol.butterfly_params import ButterflyParams
from scms.protocol.ra_aca_request import DUMMY_LINKAGE_VALUE, LinkageInfo, RaAcaCertRequest

__all__ = ["butterfly_request"]


def butterfly_request(
    params: ButterflyParams,
    i: int,
    j: int,
    template: CertificateTemplate,
    linkage: LinkageInfo,
    cert_type: CertificateType,
    now: Time32,
) -> RaAcaCertRequest:
    """RA: the request for certificate (i, j) of the device whose request carried `params`. `template` holds what
    the RA decided (validity of i-period i, permissions, region, ...); its id and key are set here. `linkage` holds
    the two LAs' encrypted plv(i, j). Sign it with `sign_ra_aca_request`."""
    compact = params.variant is ButterflyVariant.COMPACT_UNIFIED
    cocoon = params.cocoon_public_key(i, j)  # B, once: the unified variants encrypt to it too
    cert_enc_key = None if compact else PublicEncryptionKey(params.response_encryption_key(i, j, cocoon))
    return RaAcaCertRequest(
        generation_time=now,
        cert_type=cert_type,
        template=replace(
            template,
            id=CertificateId.linkage_data(LinkageData(IValue(i), DUMMY_LINKAGE_VALUE)),
            verification_key=None,
        ),
        request_key=cocoon,
        butterfly_explicit=cert_type is CertificateType.EXPLICIT,
        cubk=compact,
        linkage=linkage,
        cert_enc_key=cert_enc_key,
    )
