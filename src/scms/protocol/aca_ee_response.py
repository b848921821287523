"""The end entity's side of one ACA response (1609.2.1 clauses 6.3.5.3, 8.2 and 9.3; standards notes §6, §11): an
`<i>_<j>` entry of a batch zip, or the one file of a non-butterfly request, turned into a certificate and its
checked private key.

* original / unified butterfly: `AcaEeCertResponsePrivateSpdu`, signed by the ACA (psid 35) around data
  encrypted to the (i, j) response key; the EE verifies the ACA and decrypts with
  `ButterflyKeys.response_decryption_key(i, j)`;
* compact unified: `AcaEeCertResponseCubkSpdu`, encrypted only, to the cocoon key (the key check authenticates);
* non-butterfly with additionalParams.encryptionKey: `AcaEeCertResponsePrivateSpdu` encrypted to that key;
* non-butterfly without: `AcaEeCertResponsePlainSpdu`, unsecured.

Then, for every form: the certificate must be issued by an ACA certificate whose chain leads to a trust anchor (the
signer's for a private response, found by issuer id among `intermediates` otherwise; for a compact unified
response one with `flags.usesCubk`, 1609.2.1 `RaAcaCertRequestFlags`), verify in that chain at
`now` (or its validity start, if later), and the private key derived from the cocoon key b (butterfly) or the
request key (`scms.protocol._certificate_key`) must be the certificate's. A response of another form than the
request calls for is refused (400-42), so a plain response cannot replace an encrypted one. Errors: 400-42, 400-41
(decryption), 400-43 (ACA signature), 400-40 (ACA or chain), 400-64 (key mismatch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scms.crypto import ButterflyVariant, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.chain import verify_chain
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data, RecipientPrivateKey, decrypt
from scms.dot2.time import IValue, Time32
from scms.protocol._certificate_key import certificate_private_key
from scms.protocol._scms_pdu import open_scms_pdu
from scms.protocol._signed_pdu import verify_pdu
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.ee_eca import certificates_from_coer
from scms.protocol.ee_ra_request import RequestSecrets
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role, certificate_role

__all__ = ["AuthorizationCertificate", "ResponseForm", "read_authorization_response", "response_form"]

ResponseForm = Literal["plain", "private", "cubk"]


@dataclass(frozen=True)
class AuthorizationCertificate:
    """A received authorization certificate with its private key (checked against it)."""

    certificate: Certificate
    private_key: SoftwareKey
    aca_certificate: Certificate
    generation_time: Time32
    i: IValue | None = None
    j: int | None = None


def response_form(secrets: RequestSecrets) -> ResponseForm:
    """The response SPDU the request calls for (1609.2.1 clause 6.3.3 AcaResponse)."""
    keys = secrets.keys
    if isinstance(keys, ButterflyKeys):
        return "cubk" if keys.variant is ButterflyVariant.COMPACT_UNIFIED else "private"
    return "plain" if keys.response_encryption is None else "private"


def _keys(secrets: RequestSecrets, i: int | None, j: int | None) -> tuple[SoftwareKey, SoftwareKey | None, bool]:
    """(base key of the certificate key, response decryption key, whether c is added for an explicit certificate)."""
    keys = secrets.keys
    if isinstance(keys, ButterflyKeys):
        if i is None or j is None:
            raise ValueError("a butterfly response is read for its (i, j)")
        explicit = secrets.certificate_type is CertificateType.EXPLICIT
        return keys.cocoon_key(i, j), keys.response_decryption_key(i, j), explicit
    return keys.verification, keys.response_encryption, False


def _open(
    spdu: bytes, form: ResponseForm, decryption: SoftwareKey | None, now: Time32
) -> tuple[bytes, Certificate | None]:
    """The AcaEeCertResponse ScmsPdu and, for a private response, the ACA certificate that signed it."""
    signer = None
    data = spdu
    if form == "private":
        signed = verify_pdu(spdu, Role.ACA, now)
        data, signer = signed.payload, signed.signer
    view = Ieee1609Dot2Data.from_bytes(data)
    if form != "plain":
        assert decryption is not None
        if view.kind != "encryptedData":
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"a {form} response is encrypted, not {view.kind}")
        view = Ieee1609Dot2Data.from_bytes(decrypt(data, [RecipientPrivateKey.for_rek(decryption)]))
    return view.unsecured_payload(), signer


def _aca(
    signer: Certificate | None, certificate: Certificate, intermediates: Sequence[Certificate], form: ResponseForm
) -> Certificate:
    aca = signer or next((c for c in intermediates if c.identified_by(certificate.issuer)), None)
    if aca is None or not aca.identified_by(certificate.issuer):
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{certificate} is not issued by the responding ACA")
    if certificate_role(aca) is not Role.ACA:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{aca} is not an ACA certificate")
    if form == "cubk" and not aca.uses_cubk:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{aca} may not issue through compact unified keys")
    return aca


def read_authorization_response(
    spdu: bytes,
    secrets: RequestSecrets,
    now: Time32,
    *,
    trust_anchors: Sequence[Certificate],
    intermediates: Sequence[Certificate] = (),
    i: int | None = None,
    j: int | None = None,
) -> AuthorizationCertificate:
    """EE: the certificate and private key in one ACA response SPDU for the request `secrets` describes.

    For a butterfly request pass the entry's (i, j) (from its `<i>_<j>` name); `intermediates` are CA certificates
    between the ACA and the trust anchors (and the ACA certificate itself for an unsigned response).
    """
    base_key, decryption_key, randomized = _keys(secrets, i, j)
    form = response_form(secrets)
    payload, signer = _open(spdu, form, decryption_key, now)
    value = open_scms_pdu(payload, "aca-ee", "acaEeCertResponse")
    (certificate,) = certificates_from_coer([value["certificate"]])
    aca = _aca(signer, certificate, intermediates, form)
    aca_key = verify_chain(aca, intermediates, trust_anchors, now, psid=SECURITY_MGMT_PSID).public_key
    verify_chain(certificate, [aca, *intermediates], trust_anchors, Time32(max(now, certificate.validity.start)))
    private_key = certificate_private_key(
        certificate, aca, aca_key, base_key, value.get("privateKeyInfo"), randomized=randomized
    )
    return AuthorizationCertificate(
        certificate,
        private_key,
        aca,
        Time32(value["generationTime"]),
        None if i is None else IValue(i),
        j,
    )
