"""RA -> ACA -> RA -> EE for butterfly pseudonym certificates: every variant, explicit and implicit, with real
pre-linkage values from two LAs. The EE side (decrypt, verify, derive the key) uses `scms.dot2` / `scms.crypto`
directly, so it checks the ACA's output independently of the protocol code that made it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scms.crypto import (
    ButterflyVariant,
    HashedId8,
    ecqv_e,
    ecqv_private_key,
    explicit_private_key,
    linkage_seed_after,
    linkage_value,
    pre_linkage_value,
)
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.chain import verify_chain
from scms.dot2.crl import (
    CrlHeader,
    RevocationStatus,
    build_linkage_crl,
    lint_crl,
    revocation_status,
    sign_crl,
    verify_crl,
)
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import RecipientPrivateKey, decrypt, verify_signed
from scms.dot2.time import Time32
from scms.protocol.aca_issue import RequestDraws, issue_pseudonym, randomize_piece
from scms.protocol.aca_ra_response import AcaRaResponse, open_aca_ra_response
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.la import LinkageChain, encrypted_pre_linkage_values, linkage_revocation, linkage_seed_release
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_request import (
    LinkageInfo,
    VerifiedRaAcaRequest,
    sign_ra_aca_request,
    verify_ra_aca_request,
)
from vectors import case, case_params, unhex

from ._aca_fixtures import (
    CRL_SERIES,
    I_CERT,
    IPERIODS,
    LA1,
    LA2,
    NOW,
    AcaPki,
    make_aca_pki,
    open_ee_spdu,
    pseudonym_template,
)

J_MAX = 4
VARIANTS = list(ButterflyVariant)
TYPES = [CertificateType.EXPLICIT, CertificateType.IMPLICIT]


@pytest.fixture(scope="module")
def pki() -> AcaPki:
    return make_aca_pki()


@pytest.fixture(scope="module")
def chains() -> tuple[LinkageChain, LinkageChain]:
    return LinkageChain.new(LA1, I_CERT - 1), LinkageChain.new(LA2, I_CERT - 1)


def _linkage(pki: AcaPki, chains: tuple[LinkageChain, LinkageChain], i: int, j: int) -> LinkageInfo:
    first, second = (
        encrypted_pre_linkage_values(chain, i, 1, J_MAX, pki.plv_keys[chain.la_id]) for chain in chains
    )
    return LinkageInfo(first.plv(i, j), second.plv(i, j))


def _round_trip(
    pki: AcaPki,
    chains: tuple[LinkageChain, LinkageChain],
    device: ButterflyKeys,
    cert_type: CertificateType,
    j: int,
    in_piece: bool = False,
) -> tuple[bytes, bytes, AcaRaResponse]:
    """RA request -> ACA -> RA: (request SPDU, response SPDU, what the RA reads of it). `in_piece`: the ACA draws
    the randomisation of this request together with another's (`randomize_piece`), as its worker does."""
    cubk = device.variant is ButterflyVariant.COMPACT_UNIFIED

    def verified_request(j: int) -> tuple[bytes, VerifiedRaAcaRequest]:
        request = butterfly_request(
            device.params(), I_CERT, j, pseudonym_template(), _linkage(pki, chains, I_CERT, j), cert_type, NOW
        )
        spdu = sign_ra_aca_request(request, pki.ra.key, pki.ra.cert)
        return spdu, verify_ra_aca_request(spdu, NOW, check_ra=pki.check)

    spdu, verified = verified_request(j)
    drawn = None
    if in_piece:
        other, drawn = randomize_piece([verified_request(j + 1)[1], verified])
        # A draw serves the request it was drawn for only: the certificate key's, then the response's.
        for wrong in (other, RequestDraws(None, other.response)):
            with pytest.raises(ValueError, match="another"):
                issue_pseudonym(verified, pki.issuer(cubk=cubk), NOW, wrong)
    response = issue_pseudonym(verified, pki.issuer(cubk=cubk), NOW, drawn)
    opened = open_aca_ra_response(response, NOW, check_aca=pki.check)
    aca = pki.issuer(cubk=cubk).certificate  # given, as the RA does: its bytes are recognised, the EE's SPDU cut out
    assert open_aca_ra_response(response, NOW, check_aca=pki.check, certificates=[pki.ra.cert, aca]) == opened
    return spdu, response, opened


def _expected_lv(chains: tuple[LinkageChain, LinkageChain], i: int, j: int) -> bytes:
    plvs = [pre_linkage_value(c.la_id, linkage_seed_after(c.la_id, c.seed, i - c.i_first), j) for c in chains]
    return linkage_value(*plvs)


@pytest.mark.parametrize("in_piece", [False, True], ids=["drawn-alone", "drawn-with-its-piece"])
@pytest.mark.parametrize("cert_type", TYPES, ids=lambda t: t.value)
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.value)
def test_ee_derives_the_key_of_its_pseudonym_certificate(
    pki: AcaPki,
    chains: tuple[LinkageChain, LinkageChain],
    variant: ButterflyVariant,
    cert_type: CertificateType,
    in_piece: bool,
) -> None:
    device, j = ButterflyKeys.generate(variant), 2
    request_spdu, _, answer = _round_trip(pki, chains, device, cert_type, j, in_piece)
    aca = (pki.aca_cubk if variant is ButterflyVariant.COMPACT_UNIFIED else pki.aca).cert
    expected_kind = "cubk" if variant is ButterflyVariant.COMPACT_UNIFIED else "private"
    assert answer.kind == expected_kind and answer.aca_certificate == aca
    assert answer.request_hash == HashedId8.of(request_spdu)

    response = open_ee_spdu(answer.ee_spdu, answer.kind, device.response_decryption_key(I_CERT, j), aca)
    cert = Certificate.from_bytes(response["certificate"])
    chain = verify_chain(cert, [aca], [pki.root.cert], IPERIODS.start(I_CERT), psid=32)  # valid from its i-period
    cocoon_key = device.cocoon_key(I_CERT, j)
    if cert_type is CertificateType.IMPLICIT:
        assert cert.is_implicit
        reconstruction = cert.reconstruction_value()
        assert reconstruction is not None
        e = ecqv_e(cert.tbs_bytes(), aca.canonical_bytes)
        key = ecqv_private_key(cocoon_key, e, response["privateKeyInfo"], reconstruction, aca.public_key())
    else:
        assert cert.is_explicit
        key = explicit_private_key(cocoon_key, response["privateKeyInfo"], cert.verification_key)
        assert cert.verification_key != cocoon_key.public_point  # randomised: U = B + c·G
    assert key.public_point == chain.public_key

    linkage = cert.id.linkage
    assert linkage is not None and int(linkage.i_cert) == I_CERT
    assert linkage.linkage_value == _expected_lv(chains, I_CERT, j)
    assert (bytes(cert.craca_id), cert.crl_series) == (bytes(pki.root.cert.hashed_id3()), CRL_SERIES)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.value)
def test_the_ra_never_sees_the_certificate(
    pki: AcaPki, chains: tuple[LinkageChain, LinkageChain], variant: ButterflyVariant
) -> None:
    device = ButterflyKeys.generate(variant)
    _, response_spdu, answer = _round_trip(pki, chains, device, CertificateType.IMPLICIT, 1)
    aca = (pki.aca_cubk if variant is ButterflyVariant.COMPACT_UNIFIED else pki.aca).cert
    response = open_ee_spdu(answer.ee_spdu, answer.kind, device.response_decryption_key(I_CERT, 1), aca)
    lv = Certificate.from_bytes(response["certificate"]).tbs["id"][1]["linkage-value"]
    for secret in (response["certificate"], response["privateKeyInfo"], lv):
        assert secret not in response_spdu
    ra_keys = [RecipientPrivateKey.for_rek(k) for k in (pki.ra.key, pki.ra.decryption_key) if k is not None]
    encrypted = answer.ee_spdu
    if answer.kind == "private":  # the RA can check the ACA's signature, and then holds ciphertext only
        encrypted = verify_signed(answer.ee_spdu, certificates=[aca]).unsecured_payload()
    with pytest.raises(Ieee1609Error) as error:
        decrypt(encrypted, ra_keys)
    assert error.value.error is ErrorCode.FAILED_DECRYPTION


def test_the_aca_sees_neither_caterpillar_nor_expansion_key(
    pki: AcaPki, chains: tuple[LinkageChain, LinkageChain]
) -> None:
    device = ButterflyKeys.generate(ButterflyVariant.ORIGINAL)
    spdus = [_round_trip(pki, chains, device, CertificateType.EXPLICIT, j)[0] for j in (0, 1)]
    private = {device.signing_expansion, device.encryption_expansion}
    assert device.encryption_caterpillar is not None
    publics = {device.signing_caterpillar.public_point, device.encryption_caterpillar.public_point}
    for spdu in spdus:
        assert not any(secret in spdu for secret in private)
        assert not any(point.x.to_bytes(32) in spdu for point in publics)
    # The two requests of one device for j = 0 and j = 1 share no key: nothing links them at the ACA.
    keys = [verify_ra_aca_request(s, NOW, check_ra=pki.check).request for s in spdus]
    assert keys[0].request_key != keys[1].request_key and keys[0].cert_enc_key != keys[1].cert_enc_key


def test_the_keys_differ_for_each_j_and_device(pki: AcaPki, chains: tuple[LinkageChain, LinkageChain]) -> None:
    device = ButterflyKeys.generate(ButterflyVariant.UNIFIED)
    certs = []
    for j in range(2):
        _, _, answer = _round_trip(pki, chains, device, CertificateType.IMPLICIT, j)
        response = open_ee_spdu(answer.ee_spdu, answer.kind, device.response_decryption_key(I_CERT, j), pki.aca.cert)
        certs.append(Certificate.from_bytes(response["certificate"]))
    assert certs[0].id.linkage != certs[1].id.linkage
    with pytest.raises(Ieee1609Error):  # certificate j = 1 cannot be opened with the key of j = 0
        open_ee_spdu(answer.ee_spdu, answer.kind, device.response_decryption_key(I_CERT, 0), pki.aca.cert)


def test_no_key_in_the_issuer_repr(pki: AcaPki) -> None:
    text = repr(pki.issuer())
    assert "[secure]" in text and pki.plv_keys[LA1].key.hex() not in text


def test_released_seeds_revoke_the_issued_certificates(pki: AcaPki, chains: tuple[LinkageChain, LinkageChain]) -> None:
    """Both LAs release ls(i_rev) of their chain; the MA's entry in a linkage CRL signed by the CRACA (the root)
    revokes the certificate the ACA issued with those chains' PLVs, as a verifier recomputes lv(i, j)."""
    device = ButterflyKeys.generate(ButterflyVariant.UNIFIED)
    _, _, answer = _round_trip(pki, chains, device, CertificateType.IMPLICIT, 2)
    response = open_ee_spdu(answer.ee_spdu, answer.kind, device.response_decryption_key(I_CERT, 2), pki.aca.cert)
    cert = Certificate.from_bytes(response["certificate"])

    def crl_status(i_rev: int, jmax: int) -> RevocationStatus:
        entry = linkage_revocation(*(linkage_seed_release(c, i_rev) for c in chains), i_max=I_CERT + 10, jmax=jmax)
        header = CrlHeader(CRL_SERIES, pki.root.cert.hashed_id8(), NOW, Time32(NOW + 86_400))
        contents = build_linkage_crl(header, i_rev=i_rev, individual=[entry])
        crl = verify_crl(sign_crl(lint_crl(contents, pki.root.cert), pki.root.key), certificates=[pki.root.cert])
        return revocation_status(cert, crl)

    assert crl_status(I_CERT, 20) is RevocationStatus.REVOKED
    assert crl_status(I_CERT - 1, 3) is RevocationStatus.REVOKED
    assert crl_status(I_CERT - 1, 2) is RevocationStatus.NOT_REVOKED  # j = 2 is not below jmax
    assert crl_status(I_CERT + 1, 20) is RevocationStatus.NOT_REVOKED  # revoked from the next i-period on


@pytest.mark.parametrize("param", case_params("camp/linkage-values.json"))
def test_camp_linkage_vector_in_an_issued_certificate(pki: AcaPki, param: tuple[str, int | None]) -> None:
    """Two LAs holding the CAMP vector's seeds and LaIds: the certificate the ACA issues for (i, j) carries the
    vector's lv(i, j)."""
    vector = case(param)
    i, j = vector["i"], vector["j"]
    chains = tuple(
        LinkageChain(int(vector[f"la_id_{n}"], 16), bytes(16), i, unhex(vector[f"linkage_seed_{n}"])) for n in (1, 2)
    )
    keys = {chain.la_id: pki.plv_keys[LA1 if n == 0 else LA2] for n, chain in enumerate(chains)}
    plvs = [encrypted_pre_linkage_values(c, i, 1, j + 1, keys[c.la_id]).plv(i, j) for c in chains]
    device = ButterflyKeys.generate(ButterflyVariant.ORIGINAL)
    request = butterfly_request(device.params(), i, j, pseudonym_template(i), LinkageInfo(*plvs),
                                CertificateType.EXPLICIT, IPERIODS.start(i))
    verified = verify_ra_aca_request(sign_ra_aca_request(request, pki.ra.key, pki.ra.cert), IPERIODS.start(i),
                                     check_ra=pki.check)
    issuer = replace(pki.issuer(), plv_keys=keys)
    answer = open_aca_ra_response(issue_pseudonym(verified, issuer, IPERIODS.start(i)), IPERIODS.start(i),
                                  check_aca=pki.check)
    response = open_ee_spdu(answer.ee_spdu, answer.kind, device.response_decryption_key(i, j), pki.aca.cert)
    linkage = Certificate.from_bytes(response["certificate"]).id.linkage
    assert linkage is not None and int(linkage.i_cert) == i
    assert linkage.linkage_value == unhex(vector["expected_lv"])
