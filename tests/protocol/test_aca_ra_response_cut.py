"""The RA cuts the EE's SPDU out of the ACA's answer instead of decoding the whole `ScmsPdu` and encoding it again
(`aca_ra_response._cut`), and reads the answer around the ACA certificate it already holds
(`read_signed_parts`). Both must accept exactly what the decoding of the whole accepts, with the same values and
the same 1609.2.1 codes: proven here against that decoding (the former way) on the real answers of every kind and
on answers changed byte by byte, re-signed by the ACA so that only the structure is in question."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scms import asn1
from scms.crypto import ButterflyVariant, HashedId8, SoftwareKey
from scms.dot2.certificate_fields import CertificateId, CertificateType
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import HeaderInfo, SignerCertificate, sign_data, unsecured, verify_signed
from scms.dot2.time import Time32
from scms.protocol._scms_pdu import open_scms_pdu
from scms.protocol._signed_pdu import sign_pdu
from scms.protocol.aca_issue import issue_certificate, issue_pseudonym
from scms.protocol.aca_ra_response import _cut, open_aca_ra_response, sign_aca_ra_response
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.encrypted_plv import encrypt_plv
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_request import LinkageInfo, RaAcaCertRequest, sign_ra_aca_request, verify_ra_aca_request

from ._aca_fixtures import I_CERT, LA1, LA2, NOW, AcaPki, make_aca_pki, pseudonym_template
from ._ee_fixtures import Party

Outcome = tuple[object, ...] | ErrorCode


@cache
def _pki() -> AcaPki:
    return make_aca_pki()


@cache
def _answers() -> dict[str, bytes]:
    """A real ACA answer of each kind: private (unified butterfly), cubk, plain (no key to encrypt to)."""
    pki = _pki()
    linkage = LinkageInfo(encrypt_plv(bytes(9), LA1, pki.plv_keys[LA1]), encrypt_plv(bytes(9), LA2, pki.plv_keys[LA2]))
    answers = {}
    for kind, variant in (("private", ButterflyVariant.UNIFIED), ("cubk", ButterflyVariant.COMPACT_UNIFIED)):
        request = butterfly_request(ButterflyKeys.generate(variant).params(), I_CERT, 0, pseudonym_template(),
                                    linkage, CertificateType.IMPLICIT, NOW)
        verified = verify_ra_aca_request(sign_ra_aca_request(request, pki.ra.key, pki.ra.cert), NOW,
                                         check_ra=pki.check)
        answers[kind] = issue_pseudonym(verified, pki.issuer(cubk=kind == "cubk"), NOW)
    template = replace(pseudonym_template(), id=CertificateId.named("rsu-17.aca-test"))
    plain = RaAcaCertRequest(NOW, CertificateType.EXPLICIT, template, SoftwareKey.generate().public_point)
    verified = verify_ra_aca_request(sign_ra_aca_request(plain, pki.ra.key, pki.ra.cert), NOW, check_ra=pki.check)
    answers["plain"] = issue_certificate(verified, pki.issuer(), NOW)
    return answers


def _aca_of(kind: str) -> Party:
    return _pki().aca_cubk if kind == "cubk" else _pki().aca


def _payload(answer: bytes) -> bytes:
    return verify_signed(answer).unsecured_payload()


def _decoded_whole(payload: bytes, now: Time32 | None = None) -> Outcome:
    """The former way: decode the whole ScmsPdu, encode the EE's SPDU again; with `now`, the time checked too."""
    try:
        value = open_scms_pdu(payload, "aca-ra", "acaRaCertResponse")
    except Ieee1609Error as error:
        return error.error
    if now is not None and value["generationTime"] > now:
        return ErrorCode.GENERATION_TIME_IN_FUTURE
    kind, spdu = value["acaResponse"]
    return (Time32(value["generationTime"]), HashedId8(value["requestHash"]), kind,
            asn1.encode("Ieee1609Dot2Data", spdu))


def _opened(answer: bytes, kind: str, now: Time32 = NOW) -> Outcome:
    aca = _aca_of(kind)
    try:
        got = open_aca_ra_response(answer, now, check_aca=_pki().check, certificates=[aca.cert])
    except Ieee1609Error as error:
        return error.error
    return (got.generation_time, got.request_hash, got.kind, got.ee_spdu)


@pytest.mark.parametrize("kind", ["private", "cubk", "plain"])
def test_the_cut_is_the_decoding_of_the_whole(kind: str) -> None:
    answer = _answers()[kind]
    payload = _payload(answer)
    aca = _aca_of(kind).cert
    cut = _cut(payload, aca)
    assert cut is not None and cut[2] == kind  # the cut is taken, not the fallback
    assert cut == _decoded_whole(payload)
    assert payload.endswith(cut[3])  # the EE's SPDU: the received bytes themselves
    assert _opened(answer, kind) == cut
    without = open_aca_ra_response(answer, NOW, check_aca=_pki().check)  # signer not given: decoded whole
    assert (without.generation_time, without.request_hash, without.kind, without.ee_spdu) == cut
    assert without.aca_certificate == aca


def test_an_ee_spdu_signed_by_another_certificate_is_decoded_alone() -> None:
    pki = _pki()
    ee_spdu = sign_data(unsecured(b"x"), header=HeaderInfo(psid=35), key=pki.ra.key,
                        signer=SignerCertificate(pki.ra.cert))
    answer = sign_aca_ra_response(HashedId8(bytes(8)), "plain", ee_spdu, pki.aca.key, pki.aca.cert, NOW)
    assert _opened(answer, "plain") == (NOW, HashedId8(bytes(8)), "plain", ee_spdu)
    assert _cut(_payload(answer), pki.aca.cert) == _decoded_whole(_payload(answer))


def test_the_refusals_keep_their_codes() -> None:
    answer = bytearray(_answers()["private"])
    answer[-3] ^= 0x01
    assert _opened(bytes(answer), "private") is ErrorCode.FAILED_SIGNATURE_VERIFICATION
    assert _opened(_answers()["private"], "private", Time32(NOW - 1)) is ErrorCode.GENERATION_TIME_IN_FUTURE
    broken = _payload(_answers()["private"])[:-1]  # the EE SPDU ends inside its signature
    resigned = sign_pdu(broken, _pki().aca.key, _pki().aca.cert, NOW)
    assert _opened(resigned, "private") is ErrorCode.FAILED_PARSING
    with pytest.raises(Ieee1609Error) as error:  # the EE's SPDU, checked alone, is what does not decode
        _cut(_payload(resigned), _pki().aca.cert)
    assert error.value.error is ErrorCode.FAILED_PARSING


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["private", "cubk", "plain"]),
    position=st.integers(min_value=0, max_value=2_000),
    value=st.integers(min_value=0, max_value=255),
    change=st.sampled_from(["byte", "cut", "add"]),
)
@example(kind="private", position=3, value=0x80, change="byte")  # the extension bit of AcaRaCertResponse
@example(kind="private", position=17, value=0x83, change="byte")  # an acaResponse tag beyond the root
@example(kind="plain", position=20, value=0x00, change="add")
def test_a_changed_answer_reads_as_the_decoding_of_the_whole(kind: str, position: int, value: int,
                                                            change: str) -> None:
    """Each change re-signed by the ACA: the same value or the same code as decoding the whole."""
    payload = bytearray(_payload(_answers()[kind]))
    at = position % len(payload)
    if change == "byte":
        payload[at] = value
    elif change == "cut":
        del payload[at:]
    else:
        payload[at:at] = bytes([value])
    aca = _aca_of(kind)
    answer = sign_pdu(bytes(payload), aca.key, aca.cert, NOW)
    assert _opened(answer, kind) == _decoded_whole(bytes(payload), NOW)
    expected = _decoded_whole(bytes(payload))
    try:
        cut: Outcome | None = _cut(bytes(payload), aca.cert)
    except Ieee1609Error as error:
        cut = error.error
    assert cut is None or cut == expected  # None: the whole is decoded, as before


def test_the_fixed_layout_is_what_the_codec_writes() -> None:
    """Written by the codec for each kind, the EE's SPDU comes last after 18 bytes: 02 83 81 00 02, the time, the
    hash, then the kind's tag."""
    ee_spdu = unsecured(b"ee")
    for tag, kind in enumerate(("plain", "private", "cubk")):
        value = {"version": 2, "generationTime": 0x01020304, "requestHash": bytes(range(8)),
                 "acaResponse": (kind, asn1.Encoded("Ieee1609Dot2Data", ee_spdu))}
        coer = asn1.encode("ScmsPdu", {"version": 2, "content": ("aca-ra", ("acaRaCertResponse", value))})
        assert coer == bytes.fromhex("0283810002") + bytes.fromhex("01020304") + bytes(range(8)) + bytes(
            [0x80 + tag]) + ee_spdu

