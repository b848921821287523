"""The RA <-> LA pre-linkage value messages (our own JSON, docs/api-protocol-internal.md): layouts, the LA's
answer, the RA's checks of it, and the caps and strictness of the parser."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest

from scms.crypto import pre_linkage_value
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import SymmetricEncryptionKey
from scms.protocol.encrypted_plv import decrypt_plv
from scms.protocol.la import LinkageChain
from scms.protocol.la_messages import (
    MAX_CHAINS,
    MAX_PLVS,
    PlvChainRequest,
    PlvRequest,
    PlvResponse,
    answer_plv_request,
)

LA_ID = 0x0A0B
KEY = SymmetricEncryptionKey(os.urandom(16))
STORED = LinkageChain.new(LA_ID, 5)


def _request() -> PlvRequest:
    return PlvRequest((PlvChainRequest(None, 7, 2, 3), PlvChainRequest(STORED.chain_id, 6, 1, 2)))


def _answer(request: PlvRequest) -> bytes:
    chains = [STORED if c.chain_id == STORED.chain_id else LinkageChain.new(LA_ID, c.i_first) for c in request.chains]
    return answer_plv_request(request, chains, KEY).to_json()


def test_request_layout_names_no_device() -> None:
    message = json.loads(_request().to_json())
    assert message == {
        "version": 1,
        "type": "plv-request",
        "chains": [
            {"chainId": None, "iFirst": 7, "iCount": 2, "jMax": 3},
            {"chainId": base64.b64encode(STORED.chain_id).decode(), "iFirst": 6, "iCount": 1, "jMax": 2},
        ],
    }
    assert PlvRequest.from_json(_request().to_json()) == _request()


def test_the_ra_reads_the_la_answer() -> None:
    request = _request()
    response = PlvResponse.from_json(_answer(request), request)
    assert response.la_id == LA_ID
    new, stored = response.chains
    assert len(new.chain_id) == 16 and new.chain_id != STORED.chain_id and stored.chain_id == STORED.chain_id
    assert (new.i_first, new.i_count, new.j_max, len(new.enc_plvs)) == (7, 2, 3, 6)
    message = json.loads(_answer(request))
    assert set(message) == {"version", "type", "laId", "chains"} and message["type"] == "plv-response"
    assert set(message["chains"][0]) == {"chainId", "iFirst", "iCount", "jMax", "encPlvs"}
    assert decrypt_plv(stored.plv(6, 1), {LA_ID: KEY}) == pre_linkage_value(LA_ID, STORED.seed_at(6), 1)


def _mutated(change: Any) -> bytes:
    request = _request()
    message = json.loads(_answer(request))
    change(message)
    return json.dumps(message).encode()


def _refused(data: bytes, request: PlvRequest | None = None) -> None:
    with pytest.raises(Ieee1609Error) as error:
        if request is None:
            PlvRequest.from_json(data)
        else:
            PlvResponse.from_json(data, request)
    assert error.value.error is ErrorCode.FAILED_PARSING


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.update(version=2),
        lambda m: m.update(type="plv-request"),
        lambda m: m.update(laId=LA_ID + 1),  # the values inside name another LA
        lambda m: m.update(laId=True),
        lambda m: m["chains"].pop(),
        lambda m: m["chains"][0].update(jMax=2),
        lambda m: m["chains"][0].update(iFirst=8),
        lambda m: m["chains"][1].update(chainId=base64.b64encode(os.urandom(16)).decode()),
        lambda m: m["chains"][0].update(chainId=None),
        lambda m: m["chains"][0]["encPlvs"].pop(),
        lambda m: m["chains"][0]["encPlvs"].__setitem__(0, "not base64!"),
        lambda m: m["chains"][0]["encPlvs"].__setitem__(0, base64.b64encode(b"\x02\x0a\x0b").decode()),
        lambda m: m["chains"][0].update(extra=1),
    ],
    ids=["version", "type", "la-id", "bool", "missing-chain", "jmax", "ifirst", "other-chain", "no-chain-id",
         "short", "base64", "not-plv", "extra-key"],
)
def test_the_ra_refuses_a_response_that_does_not_answer(change: Any) -> None:
    _refused(_mutated(change), _request())


def _plv_request(chain: dict[str, Any] | None = None, **outer: Any) -> bytes:
    base = {"chainId": None, "iFirst": 1, "iCount": 1, "jMax": 1}
    message = {"version": 1, "type": "plv-request", "chains": [{**base, **(chain or {})}], **outer}
    return json.dumps(message).encode()


CANONICAL_ID = base64.b64encode(bytes(16)).decode()


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"\xff\xfe",
        _plv_request(chains=[]),
        _plv_request().replace(b'"version": 1,', b'"version": 1, "version": 1,'),
        _plv_request({"iFirst": 1.0}),
        _plv_request({"iFirst": 65535, "iCount": 2}),
        _plv_request({"jMax": 256}),
        _plv_request({"chainId": "AAAA"}),
        _plv_request({"chainId": CANONICAL_ID, "device": "obu-1"}),
        _plv_request({"chainId": CANONICAL_ID[:-3] + "B=="}),
        _plv_request(type="plv-response"),
    ],
    ids=["json", "utf8", "no-chains", "duplicate-key", "float", "i-beyond-ivalue", "jmax", "short-id", "extra-key",
         "non-canonical-base64", "type"],
)
def test_the_la_refuses_malformed_requests(data: bytes) -> None:
    _refused(data)


def test_chain_count_is_capped() -> None:
    """Without the cap, one request could make an LA derive and encrypt PLVs for hours and answer with gigabytes."""
    chain = {"chainId": None, "iFirst": 1, "iCount": 1, "jMax": 1}
    assert PlvRequest.from_json(_plv_request({"chainId": CANONICAL_ID})).chains[0].chain_id == bytes(16)
    _refused(json.dumps({"version": 1, "type": "plv-request", "chains": [chain] * (MAX_CHAINS + 1)}).encode())
    accepted = {"version": 1, "type": "plv-request", "chains": [chain] * MAX_CHAINS}
    assert len(PlvRequest.from_json(json.dumps(accepted).encode()).chains) == MAX_CHAINS


def test_plv_count_is_capped() -> None:
    """The same for few chains asking for many i-periods each: the total number of PLVs is bounded."""
    big = {"chainId": None, "iFirst": 0, "iCount": 1024, "jMax": 255}
    count = MAX_PLVS // (1024 * 255) + 1
    _refused(json.dumps({"version": 1, "type": "plv-request", "chains": [big] * count}).encode())
    with pytest.raises(ValueError, match="at most"):
        PlvRequest((PlvChainRequest(None, 0, 1024, 255),) * count)


def test_answer_needs_the_chains_of_the_request() -> None:
    request = _request()
    with pytest.raises(ValueError, match="one chain"):
        answer_plv_request(request, [STORED], KEY)
    with pytest.raises(ValueError, match="identifier"):
        answer_plv_request(request, [LinkageChain.new(LA_ID, 7), LinkageChain.new(LA_ID, 6)], KEY)
    with pytest.raises(Ieee1609Error) as error:  # i-period 4 is before the stored chain's first one
        answer_plv_request(PlvRequest((PlvChainRequest(STORED.chain_id, 4, 1, 1),)), [STORED], KEY)
    assert error.value.error is ErrorCode.DISALLOWED_OTHER_FIELDS
