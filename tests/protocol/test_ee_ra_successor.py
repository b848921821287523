"""Successor enrollment through the RA (1609.2.1 clauses 6.3.5.4, 6.3.5.5): EE -> RA -> ECA -> RA -> EE, twice in a
row, and the RA's refusals; the OpenSCMS capture is for another RA."""

from __future__ import annotations

from typing import Any

import pytest

from scms import asn1
from scms.crypto import SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.errors import Ieee1609Error
from scms.dot2.spdu import SignerCertificate, sign_certificate_request
from scms.dot2.time import IValue, Time32
from scms.protocol.download_files import enrollment_filename, parse_download_filename
from scms.protocol.ee_eca import (
    CanonicalIdentity,
    EnrollmentResult,
    build_enrollment_request,
    parse_enrollment_request,
    read_enrollment_response,
)
from scms.protocol.ee_ra_ack import CertInfo, build_enrollment_ack, read_enrollment_ack
from scms.protocol.ee_ra_download import build_download_request, open_download_request
from scms.protocol.ee_ra_successor import SuccessorRequest, build_successor_request, open_successor_request
from scms.protocol.ra_receiver import seal_for_ra
from vectors import VECTORS_DIR, read_bytes

from ._ee_fixtures import (
    NOW,
    EePki,
    check_time_rules,
    code,
    enrol,
    enrollment_fields,
    issue_enrollment,
    make_ee_pki,
    receiver,
)

LATER = Time32(NOW + 20)


@pytest.fixture(scope="module")
def pki() -> EePki:
    return make_ee_pki()


def _open(pki: EePki, data: bytes, now: Time32 = LATER, **kwargs: Any) -> SuccessorRequest:
    return open_successor_request(data, receiver(pki, **kwargs), now, max_age=60)


def _renew(pki: EePki, current: EnrollmentResult, kind: CertificateType, now: Time32) -> EnrollmentResult:
    """One successor enrollment, every message through the functions under test."""
    new_key = SoftwareKey.generate()
    data, inner = build_successor_request(
        enrollment_fields(), new_key, current.private_key, current.certificate, pki.ra.cert, now, certificate_type=kind
    )
    # RA: open, acknowledge, forward the inner request to the ECA
    seen: list[Certificate] = []
    request = _open(pki, data, now, check=lambda cert, _: seen.append(cert))
    assert seen == [current.certificate] and request.enrollment_certificate == current.certificate
    assert request.eca_request == inner and request.generation_time == now
    assert repr(request) == f"SuccessorRequest({request.request_hash}, by {current.certificate})"
    ack = build_enrollment_ack(CertInfo(request.request_hash, IValue(418), Time32(now + 60), now), pki.ra.key,
                               pki.ra.cert, now)
    info = read_enrollment_ack(ack, request.request_hash, pki.ra.cert, now)
    assert info.next_dl_time == now + 60
    # ECA: the forwarded request is an ordinary enrollment request
    eca_request = parse_enrollment_request(request.eca_request, now, 60)
    assert eca_request.requested_key == new_key.public_point and eca_request.certificate_type is kind
    response = issue_enrollment(pki, eca_request, now)
    # EE: download <hash>_enroll.oer, authenticated by the current enrollment certificate
    name = enrollment_filename(request.request_hash)
    header = build_download_request(name, current.private_key, current.certificate, pki.ra.cert, now)
    download = open_download_request(header, receiver(pki), now, max_age=60)
    assert download.enrollment_id == request.enrollment_certificate.hashed_id8()
    assert parse_download_filename(download.filename).request_hash == request.request_hash
    return read_enrollment_response(response, inner, new_key, pki.anchors, now)


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
def test_successor_enrollment_twice(pki: EePki, kind: CertificateType) -> None:
    first = enrol(pki)
    second = _renew(pki, first, kind, LATER)
    third = _renew(pki, second, kind, Time32(LATER + 100))
    for result in (second, third):
        assert result.certificate.type is kind
        assert result.private_key.public_point == result.certificate.public_key(pki.eca.cert)
    assert len({first.certificate, second.certificate, third.certificate}) == 3


def _successor(pki: EePki, now: Time32 = NOW) -> bytes:
    ee = enrol(pki)
    data, _ = build_successor_request(
        enrollment_fields(), SoftwareKey.generate(), ee.private_key, ee.certificate, pki.ra.cert, now
    )
    return data


def test_generation_time_rules(pki: EePki) -> None:
    check_time_rules(lambda now: _open(pki, _successor(pki), now=now), NOW, 60, "400-77")


def test_transport_errors(pki: EePki) -> None:
    with pytest.raises(Ieee1609Error) as error:
        _open(make_ee_pki(), _successor(pki))
    assert code(error) == "400-81"
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, _successor(pki), eca=False)  # the implicit enrollment certificate's ECA is unknown
    assert code(error) == "400-40"


def _outer(pki: EePki, inner: bytes, signing_key: SoftwareKey, certificate: Certificate) -> bytes:
    pdu = asn1.encode("ScmsPdu", {"version": 2, "content": (
        "ee-ra", ("eeRaSuccessorEnrollmentCertRequest", asn1.decode("Ieee1609Dot2Data", inner))
    )})
    signed = sign_certificate_request(pdu, key=signing_key, signer=SignerCertificate(certificate))
    return seal_for_ra(signed, pki.ra.cert)


def test_signatures_outer_and_inner(pki: EePki) -> None:
    ee = enrol(pki)
    inner = build_enrollment_request(enrollment_fields(), SoftwareKey.generate(), NOW)
    assert _open(pki, _outer(pki, inner, ee.private_key, ee.certificate)).enrollment_certificate == ee.certificate
    with pytest.raises(Ieee1609Error) as error:  # outer: not the enrollment certificate's key
        _open(pki, _outer(pki, inner, SoftwareKey.generate(), ee.certificate))
    assert code(error) == "400-43"
    tampered = bytearray(inner)
    tampered[-1] ^= 0x01
    with pytest.raises(Ieee1609Error) as error:  # inner: not signed by the key it asks for
        _open(pki, _outer(pki, bytes(tampered), ee.private_key, ee.certificate))
    assert code(error) == "400-43"


def test_canonical_inner_request_is_400_42(pki: EePki) -> None:
    ee = enrol(pki)
    canonical = CanonicalIdentity("device-0001", SoftwareKey.generate())
    inner = build_enrollment_request(enrollment_fields(), SoftwareKey.generate(), NOW, canonical=canonical)
    with pytest.raises(Ieee1609Error, match="canonical") as error:
        _open(pki, _outer(pki, inner, ee.private_key, ee.certificate))
    assert code(error) == "400-42"


def test_expired_enrollment_certificate_is_400_712(pki: EePki) -> None:
    ee = enrol(pki, CertificateType.EXPLICIT)
    end = Time32(ee.certificate.validity.end + 1)
    data, _ = build_successor_request(
        enrollment_fields(), SoftwareKey.generate(), ee.private_key, ee.certificate, pki.ra.cert, end
    )
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, data, now=end)
    assert code(error) == "400-712"


def test_openscms_capture_names_no_ra(pki: EePki) -> None:
    """The capture's certRecipInfo names recipient 0000000000000000, not an RA certificate: any RA, even the
    OpenSCMS one of the other captures, answers wrong RA."""
    data = read_bytes(VECTORS_DIR / "openscms" / "EeRaSuccessorEnrollmentCertRequestSpdu.dat")
    with pytest.raises(Ieee1609Error, match="certRecipInfo 0000000000000000") as error:
        _open(pki, data)
    assert code(error) == "400-81"
    openscms_ra = Certificate.from_bytes(read_bytes(VECTORS_DIR / "openscms" / "RaCertificate.dat"))
    with pytest.raises(Ieee1609Error) as error:
        _open(pki, data, key=SoftwareKey.generate(), certificate=openscms_ra)
    assert code(error) == "400-81"
