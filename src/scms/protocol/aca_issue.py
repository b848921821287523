"""What the ACA does with one verified `RaAcaCertRequest` (1609.2.1 clauses 6.3.3, 8.2 and 9.3; standards notes
§4, §6, §7): issue the certificate and answer with an `AcaRaCertResponseSpdu`.

`issue_certificate` is the one flow, in numbered steps; the request decides every variant:

| request | certificate key | privateKeyInfo | EE's SPDU (`AcaResponse`) |
|---|---|---|---|
| type implicit (butterfly or not) | ECQV from the requested point: P_U = R + k·G | r = e·k + d_ACA | |
| type explicit + butterflyExplicit | U = B + c·G (c random) | c | |
| type explicit, no flag | the requested key itself | absent | |
| certEncKey present | | | private: encrypted to certEncKey (rekRecipInfo), then signed by the ACA |
| flags.cubk | | | cubk: encrypted to the requested key B itself, not signed (ACA certificate with usesCubk) |
| neither | | | plain: unsecured |

The ACA issues a piece of requests at a time: `randomize_piece` makes the random draws of all of them ahead (the k of
ECQV or the c of an explicit butterfly key, their points added together with one modular inversion:
`ecqv_begin_many`, `explicit_randomize_many`; the ECIES ephemeral key of each encrypted response and its ECDH:
`ecies_ephemerals`, OpenSSL's calls one after another) and hands each request its `RequestDraws` for
`issue_certificate`; without them it draws its own.

The ACA puts in its own cracaId and crlSeries (the request's are placeholders) and, when linkageInfo is present,
replaces the dummy linkage value by lv = plv1 ⊕ plv2 from the two LAs' encrypted pre-linkage values. The ACA
never learns j, the device or the caterpillar key: it sees one cocoon point per request. Every certificate is
linted against the ACA certificate before it is signed or issued.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from scms import asn1
from scms.crypto import (
    Curve,
    EciesEphemeral,
    EcqvIssuance,
    ExplicitRandomization,
    HashedId3,
    SoftwareKey,
    ecies_ephemerals,
    ecqv_begin_many,
    explicit_randomize_many,
    linkage_value,
)
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import issue_implicit, sign_explicit
from scms.dot2.certificate_fields import CertificateId, CertificateType, LinkageData, PublicEncryptionKey
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.spdu import RekRecipient, SymmetricEncryptionKey, encrypt, unsecured
from scms.dot2.time import Time32
from scms.protocol._scms_pdu import scms_pdu
from scms.protocol._signed_pdu import sign_pdu
from scms.protocol.aca_ra_response import sign_aca_ra_response
from scms.protocol.encrypted_plv import decrypt_plv
from scms.protocol.ra_aca_request import LinkageInfo, RaAcaCertRequest, VerifiedRaAcaRequest

__all__ = ["AcaIssuer", "RequestDraws", "issue_certificate", "issue_pseudonym", "randomize_piece"]

ACA_EE_RESPONSE_VERSION = 2


@dataclass(frozen=True, repr=False)
class RequestDraws:
    """One request's random draws, made ahead with its piece: for the certificate key an ECQV issuance begun
    (implicit) or c and U = B + c·G (explicit butterfly), for the encrypted response the ECIES ephemeral key drawn
    for its recipient; None where the request needs none. Each is checked against the request that uses it."""

    key: EcqvIssuance | ExplicitRandomization | None
    response: EciesEphemeral | None

    def __repr__(self) -> str:
        return "RequestDraws([secure])"


@dataclass(frozen=True)
class AcaIssuer:
    """What the ACA issues with: its key and certificate, the symmetric key it shares with each LA (by LaId), the
    CRL series its certificates name and their cracaId (default: the ACA certificate's own HashedId3)."""

    key: SoftwareKey
    certificate: Certificate
    plv_keys: Mapping[int, SymmetricEncryptionKey]
    crl_series: int
    craca_id: HashedId3 | None = None


def randomize_piece(requests: Sequence[VerifiedRaAcaRequest]) -> list[RequestDraws]:
    """For each request of a piece its random draws, made together: the certificate key's (step 2) and the encrypted
    response's (step 4). Nothing is drawn where a request needs nothing or will be refused anyway (a butterfly cocoon
    key that is not a 256-bit point, a cubk response key ECIES cannot encrypt to)."""
    keys: list[EcqvIssuance | ExplicitRandomization | None] = [None] * len(requests)
    groups: dict[tuple[bool, Curve], list[int]] = {}  # the points of one batched addition: one kind, one curve
    for index, verified in enumerate(requests):
        wanted = verified.request
        implicit = wanted.cert_type is CertificateType.IMPLICIT
        if implicit or (wanted.butterfly_explicit and wanted.request_key.curve.size == 32):
            groups.setdefault((implicit, wanted.request_key.curve), []).append(index)
    for (implicit, _), indices in groups.items():
        points = [requests[index].request.request_key for index in indices]
        draws: Sequence[EcqvIssuance | ExplicitRandomization] = (
            ecqv_begin_many(points) if implicit else explicit_randomize_many(points)
        )
        for index, draw in zip(indices, draws, strict=True):
            keys[index] = draw
    recipients = {index: key for index, verified in enumerate(requests)
                  if (key := _response_recipient(verified.request)) is not None}
    responses = dict(zip(recipients, ecies_ephemerals([key.point for key in recipients.values()]), strict=True))
    return [RequestDraws(key, responses.get(index)) for index, key in enumerate(keys)]


def _response_recipient(wanted: RaAcaCertRequest) -> PublicEncryptionKey | None:
    if wanted.cubk:
        try:
            return _encryption_key(wanted)
        except Ieee1609Error:
            return None  # refused in step 4
    return wanted.cert_enc_key


def issue_certificate(
    request: VerifiedRaAcaRequest, aca: AcaIssuer, now: Time32, drawn: RequestDraws | None = None
) -> bytes:
    """ACA: issue the certificate `request` asks for at `now`; returns the COER `AcaRaCertResponseSpdu`. `drawn` are
    the request's random draws made with its piece (`randomize_piece`); without them the draws are made here.

    Raises Ieee1609Error: 400-41 / 400-42 a pre-linkage value does not decrypt or parse, 400-32 both come from
    one LA or cubk is asked of an ACA certificate without usesCubk, 400-64 a key cannot serve its purpose, the lint
    codes when the certificate would exceed the ACA's permissions, validity or region.
    """
    wanted = request.request
    # 1. The ACA's own fields: cracaId, crlSeries and, for a pseudonym certificate, the real linkage value.
    template = _aca_fields(wanted, aca)
    # 2. Lint and issue: ECQV (implicit), U = B + c·G (explicit butterfly) or the requested key (explicit).
    draws = drawn if drawn is not None else RequestDraws(None, None)
    certificate, private_key_info = _issue(wanted, template, aca, draws.key)
    # 3. The AcaEeCertResponse for the EE, in an ScmsPdu.
    response = _aca_ee_response(certificate, private_key_info, now)
    # 4. The EE's SPDU in the form the request asks for: plain, private (encrypt, then sign) or cubk (encrypt).
    ee_spdu = _ee_spdu(wanted, response, aca, now, draws.response)
    # 5. The signed answer to the RA, naming the request by its hash.
    return sign_aca_ra_response(request.request_hash, wanted.response_kind, ee_spdu, aca.key, aca.certificate, now)


def issue_pseudonym(
    request: VerifiedRaAcaRequest, aca: AcaIssuer, now: Time32, drawn: RequestDraws | None = None
) -> bytes:
    """ACA: `issue_certificate` for a butterfly pseudonym request, which must carry linkageInfo and ask for a
    response the RA cannot read (certEncKey or cubk); 400-32 otherwise."""
    wanted = request.request
    if wanted.linkage is None or wanted.response_kind == "plain":
        raise Ieee1609Error(
            ErrorCode.DISALLOWED_OTHER_FIELDS, "a pseudonym request has linkageInfo and an encrypted response"
        )
    return issue_certificate(request, aca, now, drawn)


def _aca_fields(wanted: RaAcaCertRequest, aca: AcaIssuer) -> CertificateTemplate:
    craca = aca.craca_id if aca.craca_id is not None else aca.certificate.hashed_id3()
    if wanted.linkage is None:
        return replace(wanted.template, craca_id=bytes(craca), crl_series=aca.crl_series)
    linkage = wanted.template.id.linkage
    assert linkage is not None
    lv = _linkage_value(wanted.linkage, aca.plv_keys)
    pseudonym_id = CertificateId.linkage_data(LinkageData(linkage.i_cert, lv))
    return replace(wanted.template, id=pseudonym_id, craca_id=bytes(craca), crl_series=aca.crl_series)


def _linkage_value(linkage: LinkageInfo, keys: Mapping[int, SymmetricEncryptionKey]) -> bytes:
    if linkage.enc_plv1.la_id == linkage.enc_plv2.la_id:
        la_id = linkage.enc_plv1.la_id
        raise Ieee1609Error(ErrorCode.DISALLOWED_OTHER_FIELDS, f"both pre-linkage values come from LA {la_id}")
    return linkage_value(decrypt_plv(linkage.enc_plv1, keys), decrypt_plv(linkage.enc_plv2, keys))


def _issue(
    wanted: RaAcaCertRequest,
    template: CertificateTemplate,
    aca: AcaIssuer,
    drawn: EcqvIssuance | ExplicitRandomization | None,
) -> tuple[Certificate, bytes | None]:
    profile = "pseudonym" if wanted.linkage is not None else "authorization"
    if wanted.cert_type is CertificateType.IMPLICIT:
        linted = lint_certificate(template, aca.certificate)
        issuance = drawn if isinstance(drawn, EcqvIssuance) else None  # begun for this request (checked) or here
        issued = issue_implicit(linted, wanted.request_key, aca.certificate, aca.key, profile=profile,
                                issuance=issuance)
        return issued.certificate, issued.reconstruction_value_r
    c: bytes | None = None
    key = wanted.request_key
    if wanted.butterfly_explicit:
        if key.curve.size != 32:
            raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, "a butterfly cocoon key is a 256-bit point")
        if not isinstance(drawn, ExplicitRandomization):
            drawn = explicit_randomize_many([key])[0]
        elif drawn.cocoon != key:
            raise ValueError("the explicit randomisation was drawn for another cocoon key")
        c, key = drawn.c, drawn.certificate_key
    linted = lint_certificate(replace(template, verification_key=key), aca.certificate)
    return sign_explicit(linted, aca.certificate, aca.key, profile=profile), c


def _aca_ee_response(certificate: Certificate, private_key_info: bytes | None, now: Time32) -> bytes:
    value: dict[str, object] = {
        "version": ACA_EE_RESPONSE_VERSION,
        "generationTime": int(now),
        "certificate": asn1.Encoded("Certificate", certificate.data),  # our own output, not encoded again
    }
    if private_key_info is not None:
        value["privateKeyInfo"] = private_key_info
    return scms_pdu("aca-ee", "acaEeCertResponse", value)


def _ee_spdu(
    wanted: RaAcaCertRequest, response: bytes, aca: AcaIssuer, now: Time32, drawn: EciesEphemeral | None
) -> bytes:
    inner = unsecured(response)
    just_encoded = asn1.Encoded("Ieee1609Dot2Data", inner)  # encrypted without decoding it again
    if wanted.cubk:
        if not aca.certificate.uses_cubk:
            raise Ieee1609Error(ErrorCode.DISALLOWED_OTHER_FIELDS, f"{aca.certificate} does not answer with cubk")
        return encrypt(just_encoded, [RekRecipient(_encryption_key(wanted), drawn)])
    if wanted.cert_enc_key is not None:
        encrypted = encrypt(just_encoded, [RekRecipient(wanted.cert_enc_key, drawn)])
        return sign_pdu(encrypted, aca.key, aca.certificate, now)  # Signed(Unsecured(Encrypted)), Annex A
    return inner


def _encryption_key(wanted: RaAcaCertRequest) -> PublicEncryptionKey:
    # Compact unified: the response key is the cocoon key B of the request (docs/conformance.md, 1609.2.1 9.3.4.2).
    try:
        return PublicEncryptionKey(wanted.request_key)
    except ValueError as exc:
        raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"cubk response key: {exc}") from None
