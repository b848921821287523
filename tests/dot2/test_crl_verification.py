"""verify_crl rejects what is not a valid SecuredCrl from an authorised signer (1609.2 clause 7.4, notes §8)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scms import asn1
from scms.crypto import Curve, HashedId10, signing_digest, verify_digest
from scms.dot2.certificate import Certificate
from scms.dot2.crl_authority import check_crl_authority
from scms.dot2.crl_builders import CrlHeader, build_hash_crl
from scms.dot2.crl_contents import CrlContents
from scms.dot2.crl_entries import HashRevocation
from scms.dot2.crl_signing import sign_crl
from scms.dot2.crl_verification import verify_crl
from scms.dot2.curve_points import signature_from_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.lint.crl import lint_crl
from scms.dot2.spdu.data import unsecured
from scms.dot2.spdu.header import HeaderInfo
from scms.dot2.spdu.signed import sign_data
from scms.dot2.spdu.signer import SignerCertificate, SignerDigest, SignerSelf
from scms.dot2.time import Time32, Time64
from vectors import VECTORS_DIR, read_bytes

from ._crl_fixtures import CRL_PSID, START, Holder, crl_ssp, make_certificate, make_craca

ISSUE = Time32(START + 3600)
CRACA = make_craca([3])
HEADER = CrlHeader(3, CRACA.certificate.hashed_id8(), ISSUE, Time32(ISSUE + 86_400))
CONTENTS = build_hash_crl(HEADER, [HashRevocation(HashedId10(bytes(range(10))), Time32(ISSUE + 10**6))], crl_serial=5)
SECURED = sign_crl(lint_crl(CONTENTS, CRACA.certificate), CRACA.key)
REJECTED = {ErrorCode.FAILED_PARSING, ErrorCode.FAILED_SIGNATURE_VERIFICATION, ErrorCode.FAILED_CHAIN_VERIFICATION}


def _unlinted(contents: CrlContents | bytes, holder: Holder = CRACA, **overrides: Any) -> bytes:
    """A SecuredCrl signed WITHOUT lint, straight through dot2.spdu: what a faulty or hostile signer could send."""
    payload = contents.encoded if isinstance(contents, CrlContents) else contents
    header = overrides.pop("header", HeaderInfo(psid=CRL_PSID))
    signer = overrides.pop("signer", SignerDigest(holder.certificate))
    return sign_data(unsecured(payload), header=header, key=holder.key, signer=signer)


def _rejected(data: bytes, certificates: list[Certificate] | None = None) -> Ieee1609Error:
    with pytest.raises(Ieee1609Error) as caught:
        verify_crl(data, certificates=[CRACA.certificate] if certificates is None else certificates)
    return caught.value


def test_the_untampered_crl_verifies() -> None:
    assert verify_crl(SECURED, certificates=[CRACA.certificate]).encoded == CONTENTS.encoded


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_changed_byte_anywhere_is_rejected(data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(SECURED) - 1), label="position")
    flip = data.draw(st.integers(1, 255), label="xor")
    tampered = bytearray(SECURED)
    tampered[position] ^= flip
    assert _rejected(bytes(tampered)).error in REJECTED


def test_every_single_bit_flip_is_rejected() -> None:
    """Exhaustive over positions (one bit each): no byte of a SecuredCrl is unprotected."""
    for position in range(len(SECURED)):
        tampered = bytearray(SECURED)
        tampered[position] ^= 0x01
        assert _rejected(bytes(tampered)).error in REJECTED, position


@pytest.mark.parametrize("form", [0x82, 0x83], ids=["compressed-y-0", "compressed-y-1"])
def test_r_given_as_a_compressed_point_is_rejected(form: int) -> None:
    """The rSig choice byte (x-only 0x80) set to compressed-y-0/1: for one of the two the ECDSA check alone would
    pass (same x, right parity); the CRL must still have exactly one valid encoding."""
    assert SECURED[-66:-64] == bytes([0x80, 0x80])  # ecdsaNistP256Signature, rSig x-only
    tampered = bytearray(SECURED)
    tampered[-65] = form
    assert _rejected(bytes(tampered)).error is ErrorCode.FAILED_SIGNATURE_VERIFICATION


def test_truncated_or_extended_crl_is_a_parse_failure() -> None:
    assert _rejected(SECURED[:-1]).error is ErrorCode.FAILED_PARSING
    assert _rejected(SECURED + b"\x00").error is ErrorCode.FAILED_PARSING


def test_signer_without_crlssp_for_the_series_is_rejected_with_the_rule_named() -> None:
    intruder = make_certificate(name="intruder.example", permissions=[(35, b"\x8b\x00\x02")])
    header = CrlHeader(3, intruder.certificate.hashed_id8(), ISSUE, Time32(ISSUE + 60))
    forged = _unlinted(build_hash_crl(header, [], crl_serial=1), intruder)
    error = _rejected(forged, [intruder.certificate])
    assert error.error is ErrorCode.FAILED_CHAIN_VERIFICATION
    assert "crl_signer_ssp" in error.detail and "has no CrlSsp" in error.detail
    other_series = make_certificate(name="series7.example", permissions=[(CRL_PSID, crl_ssp([7]))])
    header = CrlHeader(3, other_series.certificate.hashed_id8(), ISSUE, Time32(ISSUE + 60))
    forged = _unlinted(build_hash_crl(header, [], crl_serial=1), other_series)
    assert "may sign CRL series [7], not 3" in _rejected(forged, [other_series.certificate]).detail


def test_crl_for_another_craca_is_rejected() -> None:
    header = CrlHeader(3, make_craca([3]).certificate.hashed_id8(), ISSUE, Time32(ISSUE + 60))
    error = _rejected(_unlinted(build_hash_crl(header, [], crl_serial=1)))
    assert "crl_signer_ssp" in error.detail and "is not itself" in error.detail


@pytest.mark.parametrize("next_crl", [ISSUE, ISSUE - 1], ids=["equal", "before"])
def test_next_crl_not_after_issue_date_is_rejected(next_crl: int) -> None:
    contents = build_hash_crl(CrlHeader(3, HEADER.craca, ISSUE, Time32(next_crl)), [], crl_serial=1)
    error = _rejected(_unlinted(contents))
    assert "crl_next_after_issue" in error.detail and error.error is ErrorCode.DISALLOWED_OTHER_FIELDS


def test_signer_not_valid_at_issue_date_is_rejected() -> None:
    contents = build_hash_crl(CrlHeader(3, HEADER.craca, Time32(START - 1), ISSUE), [], crl_serial=1)
    assert "crl_signer_valid" in _rejected(_unlinted(contents)).detail


@pytest.mark.parametrize(
    "header",
    [
        HeaderInfo(psid=CRL_PSID, generation_time=Time64.from_time32(ISSUE)),
        HeaderInfo(psid=CRL_PSID, expiry_time=Time64.from_time32(ISSUE)),
        HeaderInfo(psid=35),
    ],
    ids=["with-generationTime", "with-expiryTime", "psid-35"],
)
def test_header_other_than_psid_256_alone_is_rejected(header: HeaderInfo) -> None:
    error = _rejected(_unlinted(CONTENTS, header=header))
    assert error.error is ErrorCode.FAILED_PARSING and "secured_crl_header" in error.detail


def test_payload_that_is_not_crl_contents_is_rejected() -> None:
    error = _rejected(_unlinted(b"not a CRL"))
    assert error.error is ErrorCode.FAILED_PARSING and "secured_crl_payload" in error.detail


def test_signer_must_be_a_given_certificate() -> None:
    assert _rejected(SECURED, []).error is ErrorCode.FAILED_CHAIN_VERIFICATION  # unknown digest
    carried = _unlinted(CONTENTS, signer=SignerCertificate(CRACA.certificate))
    assert verify_crl(carried, certificates=[CRACA.certificate]).signer == CRACA.certificate
    error = _rejected(carried, [])
    assert "crl_signer" in error.detail and "not a given certificate" in error.detail
    self_signed = _unlinted(CONTENTS, signer=SignerSelf())
    assert _rejected(self_signed).error is ErrorCode.FAILED_CHAIN_VERIFICATION


def _openscms_secured_crl() -> tuple[bytes, Certificate]:
    """The SecuredCrl of OpenSCMS's composite CRL and the certificate it carries as signer (COER re-encoded)."""
    pdu = asn1.decode("ScmsPdu", read_bytes(VECTORS_DIR / "openscms" / "composite-crl-scms-pdu.dat"))
    secured_value = pdu["content"][1][1]["crl"][0]
    signer_value = secured_value["content"][1]["signer"][1][0]
    return asn1.encode("SecuredCrl", secured_value), Certificate.from_bytes(asn1.encode("Certificate", signer_value))


def test_openscms_crl_is_rejected_its_signature_covers_psid_35_and_its_signer_has_no_crlssp() -> None:
    """OpenSCMS's CRL says psid 256 but was signed over a header with psid 35, by the RA (notes §13 item 8).

    Proof that the rejection is right and not a defect of ours: the same signature verifies, with the standard
    digest H(H(tbsData) || H(signer certificate)), once headerInfo.psid is put back to 35. Even then its signer, the RA
    certificate, has no CrlSsp and could not sign a CRL.
    """
    secured, ra = _openscms_secured_crl()
    error = _rejected(secured, [ra])
    assert error.error is ErrorCode.FAILED_SIGNATURE_VERIFICATION
    signed = asn1.decode("SecuredCrl", secured)["content"][1]
    assert signed["tbsData"]["headerInfo"] == {"psid": CRL_PSID}
    as_signed = {**signed["tbsData"], "headerInfo": {"psid": 35}}
    digest = signing_digest(Curve.P256, asn1.encode("ToBeSignedData", as_signed), ra.canonical_bytes)
    assert ra.verification_key is not None
    verify_digest(ra.verification_key, digest, signature_from_coer(signed["signature"]))
    contents = CrlContents.from_bytes(signed["tbsData"]["payload"]["data"]["content"][1])
    assert (contents.series, contents.craca, contents.hash_entries) == (1, ra.hashed_id8(), ())
    with pytest.raises(Ieee1609Error, match="has no CrlSsp"):
        check_crl_authority(ra, contents.craca, contents.series)
