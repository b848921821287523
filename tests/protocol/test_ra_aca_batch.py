"""Batched RA <-> ACA transport (our JSON around standard SPDUs): a batch of requests of several devices answered
in order, a refused request answered with its own error without failing the others, strict and capped parsing."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest

from scms.crypto import ButterflyVariant, HashedId8
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.protocol.aca_issue import issue_pseudonym
from scms.protocol.aca_ra_response import open_aca_ra_response
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.encrypted_plv import encrypt_plv
from scms.protocol.ra_aca import butterfly_request
from scms.protocol.ra_aca_batch import MAX_BATCH, MAX_SPDU, AcaRaBatch, RaAcaBatch, answer_ra_aca_batch
from scms.protocol.ra_aca_request import LinkageInfo, sign_ra_aca_request, verify_ra_aca_request

from ._aca_fixtures import I_CERT, LA1, LA2, NOW, AcaPki, make_aca_pki, pseudonym_template


@pytest.fixture(scope="module")
def pki() -> AcaPki:
    return make_aca_pki()


def _spdu(pki: AcaPki, j: int) -> bytes:
    keys = ButterflyKeys.generate(ButterflyVariant.UNIFIED)
    linkage = LinkageInfo(*(encrypt_plv(os.urandom(9), la, pki.plv_keys[la]) for la in (LA1, LA2)))
    request = butterfly_request(keys.params(), I_CERT, j, pseudonym_template(), linkage, CertificateType.IMPLICIT,
                                NOW)
    return sign_ra_aca_request(request, pki.ra.key, pki.ra.cert)


def test_a_batch_is_answered_request_by_request(pki: AcaPki) -> None:
    good = [_spdu(pki, j) for j in range(3)]
    forged = bytearray(good[1])
    forged[-2] ^= 1
    batch = RaAcaBatch((good[0], bytes(forged), good[2]))
    received = RaAcaBatch.from_json(batch.to_json())
    assert received == batch

    def answer(spdu: bytes) -> bytes:
        return issue_pseudonym(verify_ra_aca_request(spdu, NOW, check_ra=pki.check), pki.issuer(), NOW)

    answered = AcaRaBatch.from_json(answer_ra_aca_batch(received, answer).to_json(), batch)
    first, refused, last = answered.responses
    assert refused is ErrorCode.FAILED_SIGNATURE_VERIFICATION
    for request, response in ((good[0], first), (good[2], last)):
        assert isinstance(response, bytes)
        assert open_aca_ra_response(response, NOW, check_aca=pki.check).request_hash == HashedId8.of(request)


def test_other_exceptions_are_not_hidden() -> None:
    def broken(_: bytes) -> bytes:
        raise RuntimeError("a fault of ours")

    with pytest.raises(RuntimeError):
        answer_ra_aca_batch(RaAcaBatch((b"x",)), broken)


def _batch_message(**fields: Any) -> bytes:
    return json.dumps({"version": 1, "type": "ra-aca-requests", "requests": ["AA=="], **fields}).encode()


@pytest.mark.parametrize(
    "data",
    [
        b"[]",
        _batch_message(requests=[]),
        _batch_message(requests=[1]),
        _batch_message(requests=["AA="]),
        _batch_message(version=2),
        _batch_message(type="aca-ra-responses"),
        _batch_message(device="obu-1"),
    ],
    ids=["not-object", "empty", "not-string", "bad-base64", "version", "type", "extra-key"],
)
def test_the_aca_refuses_malformed_batches(data: bytes) -> None:
    with pytest.raises(Ieee1609Error) as error:
        RaAcaBatch.from_json(data)
    assert error.value.error is ErrorCode.FAILED_PARSING


def test_batch_size_and_spdu_size_are_capped() -> None:
    """Without the caps one call could hold the ACA on a batch of any size, or one huge base64 string."""
    too_many = _batch_message(requests=["AA=="] * (MAX_BATCH + 1))
    too_big = _batch_message(requests=[base64.b64encode(bytes(MAX_SPDU + 1)).decode()])
    for data in (too_many, too_big):
        with pytest.raises(Ieee1609Error) as error:
            RaAcaBatch.from_json(data)
        assert error.value.error is ErrorCode.FAILED_PARSING
    assert len(RaAcaBatch.from_json(_batch_message(requests=["AA=="] * MAX_BATCH)).requests) == MAX_BATCH
    with pytest.raises(ValueError, match="requests"):
        RaAcaBatch(())


@pytest.mark.parametrize(
    "entries",
    [
        [{"spdu": "AA=="}],  # one answer for two requests
        [{"spdu": "AA=="}, {"error": "400-99"}],  # not a 1609.2.1 code
        [{"spdu": "AA=="}, {"error": 400}],
        [{"spdu": "AA=="}, {"spdu": "AA==", "error": "400-43"}],
        [{"spdu": "AA=="}, "AA=="],
    ],
    ids=["count", "unknown-code", "code-type", "both", "bare"],
)
def test_the_ra_refuses_malformed_answers(entries: list[Any]) -> None:
    data = json.dumps({"version": 1, "type": "aca-ra-responses", "responses": entries}).encode()
    with pytest.raises(Ieee1609Error) as error:
        AcaRaBatch.from_json(data, RaAcaBatch((b"a", b"b")))
    assert error.value.error is ErrorCode.FAILED_PARSING
