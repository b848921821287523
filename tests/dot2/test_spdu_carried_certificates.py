"""Carried signer certificates (SignerIdentifier `certificate`): one shared view per distinct certificate, never
another certificate's view."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scms import asn1
from scms.crypto import SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateId, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidSsp
from scms.dot2.spdu import (
    Ieee1609Dot2Data,
    SignerCertificate,
    _signer_key,
    sign_certificate_request,
    verify_certificate_request,
)
from scms.dot2.spdu._signer_key import carried_certificate

from ._spdu_fixtures import HOURS, START, Holder, make_explicit
from .test_spdu_cert_request import _request_for


@pytest.fixture(scope="module")
def ca() -> Holder:
    return make_explicit(name="ca.example", psids=())


def _with_key(ca: Holder, key: SoftwareKey, name: str) -> Certificate:
    """Another certificate for the same key: the same verifyKeyIndicator, other bytes."""
    template = CertificateTemplate(id=CertificateId.named(name), validity=ValidityPeriod.hours(START, HOURS),
                                   app_permissions=(PsidSsp(35),), verification_key=key.public_point)
    return sign_explicit(lint_certificate(template, ca.certificate), ca.certificate, ca.key, profile="spdu-test")


def _value(certificate: Certificate) -> dict[str, Any]:
    value: dict[str, Any] = asn1.decode("Certificate", certificate.data)
    return value


def _carrying(data: bytes, certificate: Certificate) -> bytes:
    """`data` (a signed certificate request) with `certificate` carried in place of its signer's."""
    opaque = Ieee1609Dot2Data.from_bytes(data).expect("signedCertificateRequest")
    request = asn1.decode("SignedCertificateRequest", opaque)
    request["signer"] = ("certificate", [_value(certificate)])
    content = ("signedCertificateRequest", asn1.encode("SignedCertificateRequest", request))
    return asn1.encode("Ieee1609Dot2Data", {"protocolVersion": 3, "content": content})


def test_requests_carrying_one_certificate_share_its_view(ca: Holder) -> None:
    holder = make_explicit(issuer=ca)
    signed = [sign_certificate_request(_request_for(SoftwareKey.generate()), key=holder.key,
                                       signer=SignerCertificate(holder.certificate)) for _ in range(2)]
    first, second = (verify_certificate_request(data).signer.certificate for data in signed)
    assert first is second
    assert first is not None and first.data == holder.certificate.data


def test_another_certificate_with_the_same_key_gets_its_own_view(ca: Holder) -> None:
    key = SoftwareKey.generate()
    one, other = _with_key(ca, key, "one.example"), _with_key(ca, key, "other.example")
    assert one.value["toBeSigned"]["verifyKeyIndicator"] == other.value["toBeSigned"]["verifyKeyIndicator"]
    assert carried_certificate(_value(one)).data == one.data
    assert carried_certificate(_value(other)).data == other.data
    assert carried_certificate(_value(one)).data == one.data


@pytest.mark.parametrize("known_first", ["signer", "twin"])
def test_a_twin_carried_instead_of_the_signer_fails(ca: Holder, known_first: str) -> None:
    """Signed with the key of two certificates and carrying the one it was not signed with: the signature covers
    the signer's certificate, so the request fails (400-43), whichever of the two was seen before."""
    key = SoftwareKey.generate()
    signer, twin = _with_key(ca, key, "one.example"), _with_key(ca, key, "two.example")  # same sizes
    data = sign_certificate_request(_request_for(SoftwareKey.generate()), key=key, signer=SignerCertificate(signer))
    swapped = _carrying(data, twin)
    carried_certificate(_value(signer if known_first == "signer" else twin))
    assert verify_certificate_request(data).signer.certificate == signer
    with pytest.raises(Ieee1609Error) as info:
        verify_certificate_request(swapped)
    assert info.value.error is ErrorCode.FAILED_SIGNATURE_VERIFICATION
    assert verify_certificate_request(_carrying(data, signer)).signer.certificate == signer


def test_views_kept_are_bounded(ca: Holder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_signer_key, "CARRIED_CERTIFICATES_KEPT", 2)
    values = [_value(make_explicit(issuer=ca).certificate) for _ in range(3)]
    first = carried_certificate(values[0])
    assert carried_certificate(values[0]) is first
    carried_certificate(values[1])
    carried_certificate(values[2])  # the least recently used, values[0], is dropped
    again = carried_certificate(values[0])
    assert again is not first and again.data == first.data


def test_uncompressed_key_is_not_kept(ca: Holder) -> None:
    """A key indicator that cannot be a dictionary key (an uncompressed point) still gives the right view."""
    holder = make_explicit(issuer=ca)
    value = copy.deepcopy(_value(holder.certificate))
    point = holder.key.public_point
    uncompressed = ("uncompressedP256", {"x": point.x_bytes(), "y": point.y.to_bytes(32, "big")})
    value["toBeSigned"]["verifyKeyIndicator"] = ("verificationKey", ("ecdsaNistP256", uncompressed))
    first, second = carried_certificate(value), carried_certificate(copy.deepcopy(value))
    assert first is not second
    assert first.data == second.data == asn1.encode("Certificate", value)
    assert first.verification_key == point


def test_a_view_changed_by_its_reader_is_not_taken_for_another(ca: Holder) -> None:
    """The values a view is matched against are the cache's own: a reader that (wrongly) changes `view.value` into
    another certificate's value does not get that certificate its view."""
    key = SoftwareKey.generate()
    one, other = _with_key(ca, key, "one.example"), _with_key(ca, key, "two.example")
    view = carried_certificate(_value(one))
    view.value.clear()
    view.value.update(_value(other))
    assert carried_certificate(_value(other)).data == other.data
