"""The whole protocol path of one authorization certificate, with the end-entity side written separately
(`ee_ra_request`, `aca_ee_response`): the EE requests, the RA opens the request, asks both LAs for pre-linkage
values in their JSON messages, builds and signs one RaAcaCertRequestSpdu per (i, j), the ACA verifies and issues,
the RA checks the answer, and the EE reads the SPDU the RA stored into a certificate and its checked private key."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scms.crypto import ButterflyVariant, SoftwareKey, linkage_seed_after, linkage_value, pre_linkage_value
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType, ValidityPeriod
from scms.dot2.time import Time32
from scms.protocol.aca_ee_response import read_authorization_response
from scms.protocol.aca_issue import issue_certificate, issue_pseudonym
from scms.protocol.aca_ra_response import open_aca_ra_response
from scms.protocol.butterfly_params import ButterflyKeys, NonButterflyKeys
from scms.protocol.ee_ra_request import (
    AuthorizationRequest,
    RequestKeys,
    RequestSecrets,
    build_authorization_request,
    open_authorization_request,
)
from scms.protocol.la import LinkageChain
from scms.protocol.la_messages import PlvChainRequest, PlvRequest, PlvResponse, answer_plv_request
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_request import LinkageInfo, RaAcaCertRequest, sign_ra_aca_request, verify_ra_aca_request
from scms.protocol.ra_receiver import RaReceiver

from . import _ee_fixtures as ee
from ._aca_fixtures import IPERIODS, LA1, LA2, AcaPki, make_aca_pki

NOW = Time32(IPERIODS.start(3) - 600)
I_VALUES, J_MAX = (3, 4), 2


@pytest.fixture(scope="module")
def pki() -> tuple[AcaPki, ee.EePki]:
    aca_pki = make_aca_pki()
    enrolment = ee.make_ee_pki()  # its ECA enrols the device; RA and ACA are those of `aca_pki`
    return aca_pki, replace(enrolment, ra=aca_pki.ra, aca=aca_pki.aca)


def _accept(_: Certificate, __: Time32) -> None:
    return None


def _open(
    pkis: tuple[AcaPki, ee.EePki], keys: RequestKeys, kind: CertificateType
) -> tuple[AuthorizationRequest, RequestSecrets]:
    aca_pki, ee_pki = pkis
    device = ee.enrol(ee_pki)
    data, secrets = build_authorization_request(
        ee.authorization_fields(), keys, device.private_key, device.certificate, aca_pki.ra.cert, NOW,
        certificate_type=kind,
    )
    assert aca_pki.ra.decryption_key is not None
    receiver = RaReceiver(aca_pki.ra.cert, aca_pki.ra.decryption_key, _accept, [ee_pki.eca.cert])
    request = open_authorization_request(data, receiver, NOW, max_age=60)
    return request, secrets


def _plv_responses(pki: AcaPki) -> tuple[PlvResponse, PlvResponse, tuple[LinkageChain, LinkageChain]]:
    """RA -> LA1, LA2: new chains from the first i-period; each LA answers from its own store (here: a chain)."""
    ask = PlvRequest((PlvChainRequest(None, I_VALUES[0], len(I_VALUES), J_MAX),))
    chains = (LinkageChain.new(LA1, I_VALUES[0]), LinkageChain.new(LA2, I_VALUES[0]))
    answers = [
        PlvResponse.from_json(answer_plv_request(PlvRequest.from_json(ask.to_json()), [chain], pki.plv_keys[
            chain.la_id]).to_json(), ask)
        for chain in chains
    ]
    return answers[0], answers[1], chains


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
@pytest.mark.parametrize("variant", list(ButterflyVariant), ids=lambda v: v.value)
def test_pseudonym_certificates_from_request_to_ee(
    pki: tuple[AcaPki, ee.EePki], variant: ButterflyVariant, kind: CertificateType
) -> None:
    aca_pki = pki[0]
    request, secrets = _open(pki, ButterflyKeys.generate(variant), kind)
    assert request.butterfly is not None
    la1, la2, chains = _plv_responses(aca_pki)
    issuer = aca_pki.issuer(cubk=variant is ButterflyVariant.COMPACT_UNIFIED)
    for i in I_VALUES:
        template = replace(request.tbs, validity=ValidityPeriod(IPERIODS.start(i), "hours", 169))
        for j in range(J_MAX):
            linkage = LinkageInfo(la1.chains[0].plv(i, j), la2.chains[0].plv(i, j))
            wanted = butterfly_request(request.butterfly, i, j, template, linkage, kind, NOW)
            spdu = sign_ra_aca_request(wanted, aca_pki.ra.key, aca_pki.ra.cert)
            answer = issue_pseudonym(verify_ra_aca_request(spdu, NOW, check_ra=aca_pki.check), issuer, NOW)
            stored = open_aca_ra_response(answer, NOW, check_aca=aca_pki.check).ee_spdu
            got = read_authorization_response(stored, secrets, NOW, trust_anchors=[aca_pki.root.cert],
                                              intermediates=[issuer.certificate], i=i, j=j)
            assert got.certificate.type is kind and got.private_key.public_point == got.certificate.public_key(
                issuer.certificate)
            linkage_data = got.certificate.id.linkage
            assert linkage_data is not None and int(linkage_data.i_cert) == i
            plvs = [pre_linkage_value(c.la_id, linkage_seed_after(c.la_id, c.seed, i - c.i_first), j) for c in chains]
            assert linkage_data.linkage_value == linkage_value(*plvs)


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_application_certificates_from_request_to_ee(
    pki: tuple[AcaPki, ee.EePki], kind: CertificateType, encrypted: bool
) -> None:
    aca_pki = pki[0]
    keys = NonButterflyKeys(SoftwareKey.generate(), SoftwareKey.generate() if encrypted else None)
    request, secrets = _open(pki, keys, kind)
    template = replace(request.tbs, verification_key=None,
                       validity=ValidityPeriod(IPERIODS.start(3), "hours", 169))
    enc_key = request.response_encryption_key
    assert (enc_key is not None) is encrypted
    wanted = RaAcaCertRequest(NOW, kind, template, request.requested_key, cert_enc_key=enc_key)
    spdu = sign_ra_aca_request(wanted, aca_pki.ra.key, aca_pki.ra.cert)
    answer = issue_certificate(verify_ra_aca_request(spdu, NOW, check_ra=aca_pki.check), aca_pki.issuer(), NOW)
    stored = open_aca_ra_response(answer, NOW, check_aca=aca_pki.check)
    assert stored.kind == ("private" if encrypted else "plain")
    got = read_authorization_response(stored.ee_spdu, secrets, NOW, trust_anchors=[aca_pki.root.cert],
                                      intermediates=[aca_pki.aca.cert])
    assert got.private_key.public_point == got.certificate.public_key(aca_pki.aca.cert)

