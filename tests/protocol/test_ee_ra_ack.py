"""The RA's acknowledgements and batch info (1609.2.1 clauses 6.3.5.2, 6.3.5.4, 8.2): RaEeCertAckSpdu,
RaEeCertInfoSpdu, RaEeEnrollmentCertAckSpdu, built by the RA and read by the EE."""

from __future__ import annotations

import pytest

from scms import asn1
from scms.crypto import HashedId8
from scms.dot2.errors import Ieee1609Error
from scms.dot2.spdu import HeaderInfo, Ieee1609Dot2Data, SignerCertificate, SignerDigest, sign_data, unsecured
from scms.dot2.time import IValue, Time32
from scms.protocol._signed_pdu import sign_pdu
from scms.protocol.ee_ra_ack import (
    CertInfo,
    build_cert_ack,
    build_cert_info,
    build_enrollment_ack,
    read_cert_ack,
    read_cert_info,
    read_enrollment_ack,
)

from ._ee_fixtures import NOW, EePki, code, make_ee_pki

REQUEST = HashedId8.of(b"a request")
OTHER = HashedId8.of(b"another request")
NEXT = Time32(NOW + 3600)


@pytest.fixture(scope="module")
def pki() -> EePki:
    return make_ee_pki()


@pytest.mark.parametrize("first_i", [IValue(418), None], ids=["butterfly", "non-butterfly"])
def test_cert_ack_round_trip(pki: EePki, first_i: IValue | None) -> None:
    ack = build_cert_ack(REQUEST, first_i, NEXT, pki.ra.key, pki.ra.cert, NOW)
    read = read_cert_ack(ack, REQUEST, pki.ra.cert, NOW)
    assert (read.request_hash, read.first_i, read.next_dl_time, read.generation_time) == (REQUEST, first_i, NEXT, NOW)
    signed = Ieee1609Dot2Data.from_bytes(ack).expect("signedData")
    assert signed["tbsData"]["headerInfo"] == {"psid": 35}  # the 2022 template: no other header field
    assert signed["signer"][0] == "certificate" and len(signed["signer"][1]) == 1


def test_cert_ack_for_another_request_is_400_42(pki: EePki) -> None:
    ack = build_cert_ack(REQUEST, 418, NEXT, pki.ra.key, pki.ra.cert, NOW)
    with pytest.raises(Ieee1609Error, match="requestHash") as error:
        read_cert_ack(ack, OTHER, pki.ra.cert, NOW)
    assert code(error) == "400-42"


def test_cert_ack_from_another_signer_is_400_40(pki: EePki) -> None:
    other_ra = make_ee_pki().ra
    ack = build_cert_ack(REQUEST, 418, NEXT, other_ra.key, other_ra.cert, NOW)
    with pytest.raises(Ieee1609Error, match="expected") as error:
        read_cert_ack(ack, REQUEST, pki.ra.cert, NOW)
    assert code(error) == "400-40"
    by_eca = build_cert_ack(REQUEST, 418, NEXT, pki.eca.key, pki.eca.cert, NOW)
    with pytest.raises(Ieee1609Error, match="not an RA") as error:
        read_cert_ack(by_eca, REQUEST, pki.ra.cert, NOW)
    assert code(error) == "400-40"


def test_tampered_cert_ack_is_400_43(pki: EePki) -> None:
    ack = bytearray(build_cert_ack(REQUEST, 418, NEXT, pki.ra.key, pki.ra.cert, NOW))
    ack[-70] ^= 0x01
    with pytest.raises(Ieee1609Error) as error:
        read_cert_ack(bytes(ack), REQUEST, pki.ra.cert, NOW)
    assert code(error) == "400-43"


def test_a_signed_message_of_another_kind_is_400_42(pki: EePki) -> None:
    info = CertInfo(REQUEST, IValue(418), NEXT, NOW)
    enrollment_ack = build_enrollment_ack(info, pki.ra.key, pki.ra.cert, NOW)
    with pytest.raises(Ieee1609Error, match="raEeCertAck") as error:
        read_cert_ack(enrollment_ack, REQUEST, pki.ra.cert, NOW)
    assert code(error) == "400-42"


def test_cert_info_round_trip() -> None:
    info = CertInfo(REQUEST, IValue(418), NEXT, NOW)
    spdu = build_cert_info(info)
    assert spdu[:2] == b"\x03\x80"  # unsecured
    assert read_cert_info(spdu) == info


def test_cert_info_with_acpc_tree_is_refused() -> None:
    value = {**CertInfo(REQUEST, IValue(1), NEXT, NOW).to_coer(), "acpcTreeId": bytes(8)}
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("ee-ra", ("raEeCertInfo", value))})
    with pytest.raises(Ieee1609Error, match="acpcTreeId") as error:
        read_cert_info(unsecured(pdu))
    assert code(error) == "400-42"


def test_enrollment_ack_round_trip(pki: EePki) -> None:
    info = CertInfo(REQUEST, IValue(418), NEXT, NOW)
    ack = build_enrollment_ack(info, pki.ra.key, pki.ra.cert, NOW)
    assert read_enrollment_ack(ack, REQUEST, pki.ra.cert, NOW) == info
    with pytest.raises(Ieee1609Error) as error:
        read_enrollment_ack(ack, OTHER, pki.ra.cert, NOW)
    assert code(error) == "400-42"
    # an unsigned info is not an acknowledgement
    with pytest.raises(Ieee1609Error) as error:
        read_enrollment_ack(build_cert_info(info), REQUEST, pki.ra.cert, NOW)
    assert code(error) == "400-42"


def test_signed_for_a_psid_the_ra_may_not_sign_is_400_40(pki: EePki) -> None:
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("ee-ra", ("raEeCertAck", {
        "version": 2, "generationTime": int(NOW), "requestHash": bytes(REQUEST), "nextDlTime": int(NEXT),
    }))})
    signer = SignerCertificate(pki.ra.cert)
    ack = sign_data(unsecured(pdu), header=HeaderInfo(psid=36), key=pki.ra.key, signer=signer)
    with pytest.raises(Ieee1609Error, match="psid 36") as error:
        read_cert_ack(ack, REQUEST, pki.ra.cert, NOW)
    assert code(error) == "400-40"
    assert read_cert_ack(sign_pdu(pdu, pki.ra.key, pki.ra.cert, NOW), REQUEST, pki.ra.cert, NOW).first_i is None


def test_signing_needs_a_valid_certificate_and_its_key(pki: EePki) -> None:
    expired = Time32(pki.ra.cert.validity.end + 1)
    with pytest.raises(ValueError, match="not valid"):
        build_cert_ack(REQUEST, 418, NEXT, pki.ra.key, pki.ra.cert, expired)
    with pytest.raises(ValueError, match="does not belong"):
        build_cert_ack(REQUEST, 418, NEXT, pki.eca.key, pki.ra.cert, NOW)


def test_ack_signed_by_digest_is_400_42(pki: EePki) -> None:
    """SignerSingleCert: the RA's certificate travels with its acknowledgement."""
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": ("ee-ra", ("raEeCertAck", {
        "version": 2, "generationTime": int(NOW), "requestHash": bytes(REQUEST), "nextDlTime": int(NEXT),
    }))})
    ack = sign_data(unsecured(pdu), header=HeaderInfo(psid=35), key=pki.ra.key, signer=SignerDigest(pki.ra.cert))
    with pytest.raises(Ieee1609Error) as error:
        read_cert_ack(ack, REQUEST, pki.ra.cert, NOW)  # the RA certificate is not among those given: unknown
    assert code(error) == "400-40"
