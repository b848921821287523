"""Authorization certificates end to end at the protocol level (1609.2.1 clauses 6.3.5.2, 6.3.5.3, 8.2, 9.3): the EE
requests, the RA opens and acknowledges, a test ACA issues with the real certificate builder, the RA zips each
i-period, the EE downloads with an authenticated request and turns every entry into a certificate whose derived
private key is the certificate's key. Then what the EE refuses in an ACA response."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from scms import asn1
from scms.crypto import ButterflyVariant, HashedId8, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.errors import Ieee1609Error
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidSsp, Ssp
from scms.dot2.spdu import HeaderInfo, SignerCertificate, sign_data, unsecured, verify_signed
from scms.dot2.time import IValue, Time32
from scms.protocol._signed_pdu import sign_pdu
from scms.protocol.aca_ee_response import AuthorizationCertificate, read_authorization_response, response_form
from scms.protocol.butterfly_params import ButterflyKeys, NonButterflyKeys
from scms.protocol.download_files import (
    batch_filename,
    build_batch_zip,
    certificate_filename,
    parse_download_filename,
    read_batch_zip,
)
from scms.protocol.ee_ra_ack import CertInfo, build_cert_ack, read_cert_ack
from scms.protocol.ee_ra_download import build_download_request, open_download_request
from scms.protocol.ee_ra_request import (
    AuthorizationRequest,
    RequestKeys,
    RequestSecrets,
    build_authorization_request,
    open_authorization_request,
)
from scms.protocol.security_mgmt_ssp import Role, security_mgmt_ssp

from ._ee_fixtures import (
    FIRST_I,
    NOW,
    EePki,
    authorization_fields,
    code,
    enrol,
    issue_authorization,
    make_ee_pki,
    receiver,
)

NEXT = Time32(NOW + 600)
J_PER_I = 3


@pytest.fixture(scope="module")
def pki() -> EePki:
    return make_ee_pki()


def _request(pki: EePki, keys: RequestKeys, kind: CertificateType) -> tuple[AuthorizationRequest, RequestSecrets]:
    ee = enrol(pki)
    data, secrets = build_authorization_request(
        authorization_fields(), keys, ee.private_key, ee.certificate, pki.ra.cert, NOW, certificate_type=kind
    )
    return open_authorization_request(data, receiver(pki), NOW, max_age=60), secrets


def _check_usable(pki: EePki, got: AuthorizationCertificate, kind: CertificateType) -> None:
    """The derived key is the certificate's: it signs a BSM that verifies with the certificate."""
    assert got.certificate.type is kind
    assert got.aca_certificate == pki.aca.cert
    assert got.private_key.public_point == got.certificate.public_key(pki.aca.cert)
    bsm = sign_data(
        unsecured(b"basic safety message"),
        header=HeaderInfo(psid=32),
        key=got.private_key,
        signer=SignerCertificate(got.certificate),
    )
    assert verify_signed(bsm, certificates=[pki.aca.cert]).signer.certificate == got.certificate


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
@pytest.mark.parametrize("variant", list(ButterflyVariant), ids=lambda v: v.value)
def test_butterfly_flow(pki: EePki, variant: ButterflyVariant, kind: CertificateType) -> None:
    ee = enrol(pki)
    keys = ButterflyKeys.generate(variant)
    data, secrets = build_authorization_request(
        authorization_fields(), keys, ee.private_key, ee.certificate, pki.ra.cert, NOW, certificate_type=kind
    )
    ra = receiver(pki)
    request = open_authorization_request(data, ra, NOW, max_age=60)
    ack = read_cert_ack(build_cert_ack(request.request_hash, FIRST_I, NEXT, pki.ra.key, pki.ra.cert, NOW),
                        secrets.request_hash, pki.ra.cert, NOW)
    assert ack.first_i == FIRST_I

    public_keys = set()
    for i in (ack.first_i, IValue(ack.first_i + 1)):
        # RA + ACA: one zip per i-period
        responses = {j: issue_authorization(pki, request, i, j) for j in range(J_PER_I)}
        batch_zip = build_batch_zip(CertInfo(request.request_hash, i, NEXT, NOW), responses)
        # EE asks for it; the RA checks who asks
        header = build_download_request(batch_filename(ack.request_hash, i), ee.private_key, ee.certificate,
                                        pki.ra.cert, NOW)
        download = open_download_request(header, ra, NOW, max_age=60)
        assert download.enrollment_id == request.enrollment_certificate.hashed_id8()
        wanted = parse_download_filename(download.filename)
        assert (wanted.kind, wanted.request_hash, wanted.i) == ("batch", request.request_hash, i)
        # EE reads the zip and every certificate in it
        batch = read_batch_zip(batch_zip, secrets.request_hash)
        assert batch.info.current_i == i and sorted(batch.responses) == list(range(J_PER_I))
        for j, spdu in batch.responses.items():
            got = read_authorization_response(
                spdu, secrets, NOW, trust_anchors=pki.anchors, intermediates=[pki.aca.cert], i=i, j=j
            )
            assert (got.i, got.j) == (i, j)
            assert got.certificate.id.linkage is not None and got.certificate.id.linkage.i_cert == i
            _check_usable(pki, got, kind)
            public_keys.add(got.private_key.public_point)
    assert len(public_keys) == 2 * J_PER_I  # one key per (i, j)


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_non_butterfly_flow(pki: EePki, encrypted: bool, kind: CertificateType) -> None:
    keys = NonButterflyKeys(SoftwareKey.generate(), SoftwareKey.generate() if encrypted else None)
    request, secrets = _request(pki, keys, kind)
    ack = read_cert_ack(build_cert_ack(request.request_hash, None, NEXT, pki.ra.key, pki.ra.cert, NOW),
                        secrets.request_hash, pki.ra.cert, NOW)
    assert ack.first_i is None
    assert parse_download_filename(certificate_filename(ack.request_hash)).kind == "certificate"
    spdu = issue_authorization(pki, request)
    assert spdu[:2] == (b"\x03\x81" if encrypted else b"\x03\x80")  # private (signed) or plain (unsecured)
    got = read_authorization_response(spdu, secrets, NOW, trust_anchors=pki.anchors, intermediates=[pki.aca.cert])
    assert got.i is None and got.j is None
    _check_usable(pki, got, kind)
    if kind is CertificateType.EXPLICIT:
        assert got.private_key is keys.verification


# --- what the EE refuses -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unified(pki: EePki) -> tuple[AuthorizationRequest, RequestSecrets]:
    return _request(pki, ButterflyKeys.generate(ButterflyVariant.UNIFIED), CertificateType.IMPLICIT)


def _read(
    pki: EePki, spdu: bytes, secrets: RequestSecrets, j: int = 0, anchors: Sequence[Certificate] | None = None
) -> AuthorizationCertificate:
    return read_authorization_response(
        spdu, secrets, NOW, trust_anchors=pki.anchors if anchors is None else anchors,
        intermediates=[pki.aca.cert], i=FIRST_I, j=j,
    )


def test_response_forms() -> None:
    def secrets(keys: RequestKeys) -> RequestSecrets:
        return RequestSecrets(HashedId8(bytes(8)), CertificateType.IMPLICIT, keys)

    assert response_form(secrets(ButterflyKeys.generate(ButterflyVariant.ORIGINAL))) == "private"
    assert response_form(secrets(ButterflyKeys.generate(ButterflyVariant.UNIFIED))) == "private"
    assert response_form(secrets(ButterflyKeys.generate(ButterflyVariant.COMPACT_UNIFIED))) == "cubk"
    assert response_form(secrets(NonButterflyKeys(SoftwareKey.generate()))) == "plain"
    assert response_form(secrets(NonButterflyKeys(SoftwareKey.generate(), SoftwareKey.generate()))) == "private"


def test_entry_of_another_j_does_not_decrypt(pki: EePki, unified: tuple[AuthorizationRequest, RequestSecrets]) -> None:
    request, secrets = unified
    spdu = issue_authorization(pki, request, FIRST_I, 1)
    with pytest.raises(Ieee1609Error) as error:
        _read(pki, spdu, secrets, j=2)
    assert code(error) == "400-41"


def test_plain_response_cannot_replace_a_private_one(
    pki: EePki, unified: tuple[AuthorizationRequest, RequestSecrets]
) -> None:
    request, secrets = unified
    plain = issue_authorization(pki, replace(request, butterfly=None), FIRST_I, 0)  # an unencrypted answer
    with pytest.raises(Ieee1609Error) as error:
        _read(pki, plain, secrets)
    assert code(error) == "400-42"
    signed_plain = sign_pdu(plain, pki.aca.key, pki.aca.cert, NOW)  # signed by the ACA, but not encrypted
    with pytest.raises(Ieee1609Error, match="encrypted") as error:
        _read(pki, signed_plain, secrets)
    assert code(error) == "400-42"


def test_response_signed_by_another_component_is_400_40(
    pki: EePki, unified: tuple[AuthorizationRequest, RequestSecrets]
) -> None:
    request, secrets = unified
    spdu = issue_authorization(pki, request, FIRST_I, 0)
    encrypted = verify_signed(spdu).unsecured_payload()  # what the ACA signed: the encrypted response
    by_ra = sign_pdu(encrypted, pki.ra.key, pki.ra.cert, NOW)
    with pytest.raises(Ieee1609Error, match="not an ACA") as error:
        _read(pki, by_ra, secrets)
    assert code(error) == "400-40"
    with pytest.raises(Ieee1609Error) as error:
        _read(pki, spdu, secrets, anchors=make_ee_pki().anchors)
    assert code(error) == "400-40"


def test_tampered_response_is_400_43(pki: EePki, unified: tuple[AuthorizationRequest, RequestSecrets]) -> None:
    request, secrets = unified
    spdu = bytearray(issue_authorization(pki, request, FIRST_I, 0))
    spdu[-10] ^= 0x01
    with pytest.raises(Ieee1609Error) as error:
        _read(pki, bytes(spdu), secrets)
    assert code(error) == "400-43"


def test_compact_unified_response_needs_the_aca_certificate(pki: EePki) -> None:
    request, secrets = _request(pki, ButterflyKeys.generate(ButterflyVariant.COMPACT_UNIFIED), CertificateType.IMPLICIT)
    spdu = issue_authorization(pki, request, FIRST_I, 0)
    assert spdu[:2] == b"\x03\x82"  # encrypted, not signed
    with pytest.raises(Ieee1609Error, match="not issued by the responding ACA") as error:
        read_authorization_response(spdu, secrets, NOW, trust_anchors=pki.anchors, i=FIRST_I, j=0)
    assert code(error) == "400-40"


def test_compact_unified_response_needs_an_aca_allowed_to_use_it() -> None:
    pki = make_ee_pki(cubk=False)
    request, secrets = _request(pki, ButterflyKeys.generate(ButterflyVariant.COMPACT_UNIFIED), CertificateType.IMPLICIT)
    spdu = issue_authorization(pki, request, FIRST_I, 0)
    with pytest.raises(Ieee1609Error, match="compact unified") as error:
        _read(pki, spdu, secrets)
    assert code(error) == "400-40"


def test_certificate_for_another_key_is_400_64(pki: EePki) -> None:
    keys = NonButterflyKeys(SoftwareKey.generate())
    request, secrets = _request(pki, keys, CertificateType.EXPLICIT)
    swapped = replace(request, tbs=replace(request.tbs, verification_key=SoftwareKey.generate().public_point))
    with pytest.raises(Ieee1609Error) as error:
        read_authorization_response(
            issue_authorization(pki, swapped), secrets, NOW, trust_anchors=pki.anchors, intermediates=[pki.aca.cert]
        )
    assert code(error) == "400-64"


def test_butterfly_response_is_read_for_its_i_and_j(
    pki: EePki, unified: tuple[AuthorizationRequest, RequestSecrets]
) -> None:
    request, secrets = unified
    with pytest.raises(ValueError, match=r"\(i, j\)"):
        read_authorization_response(issue_authorization(pki, request, FIRST_I, 0), secrets, NOW,
                                    trust_anchors=pki.anchors)


def test_certificate_issued_by_another_component_is_400_40(pki: EePki) -> None:
    keys = NonButterflyKeys(SoftwareKey.generate())
    request, secrets = _request(pki, keys, CertificateType.EXPLICIT)
    template = replace(request.tbs, app_permissions=(PsidSsp(35, Ssp(security_mgmt_ssp(Role.EE))),))
    by_eca = sign_explicit(lint_certificate(template, pki.eca.cert), pki.eca.cert, pki.eca.key)
    value = {"version": 2, "generationTime": int(NOW), "certificate": by_eca.value}
    plain = unsecured(asn1.encode("ScmsPdu", {"version": 2, "content": ("aca-ee", ("acaEeCertResponse", value))}))
    with pytest.raises(Ieee1609Error, match="not an ACA") as error:
        read_authorization_response(plain, secrets, NOW, trust_anchors=pki.anchors, intermediates=[pki.eca.cert])
    assert code(error) == "400-40"
