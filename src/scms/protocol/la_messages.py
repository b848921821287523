"""RA <-> LA pre-linkage value messages: our own, versioned JSON (1609.2.1 leaves them open: `LaRaInterfacePdu ::=
NULL`; standards notes §7.3). Layouts and rationale: docs/api-protocol-internal.md.

    request  {"version": 1, "type": "plv-request",
              "chains": [{"chainId": null | "<base64, 16 octets>", "iFirst": i, "iCount": n, "jMax": m}, ...]}
    response {"version": 1, "type": "plv-response", "laId": la_id,
              "chains": [{"chainId": "<base64>", "iFirst": i, "iCount": n, "jMax": m,
                          "encPlvs": ["<base64 COER EncryptedIndividualPLV>", ...]}, ...]}

`chainId` null asks for a new chain starting at `iFirst`; the response names it. `encPlvs` is i-major: entry
`(i - iFirst) * jMax + j` is plv(i, j). The response answers the request's chains in order. Nothing in either
message names a device: the RA keeps which chain identifiers belong to which device.

Parsing is strict and bounded (`_json_message`): exact key sets, integers that are integers, canonical base64, the
counts capped (`MAX_CHAINS`, `MAX_PLVS`); anything else is 400-42.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scms.dot2.spdu import SymmetricEncryptionKey
from scms.protocol._json_message import MESSAGE_VERSION, JsonReader, b64, dump_message
from scms.protocol.encrypted_plv import EncryptedPlv
from scms.protocol.la import CHAIN_ID_SIZE, MAX_I, MAX_J, ChainPlvs, LinkageChain, encrypted_pre_linkage_values

__all__ = [
    "MAX_CHAINS",
    "MAX_PLVS",
    "PLV_MESSAGE_VERSION",
    "PlvChainRequest",
    "PlvRequest",
    "PlvResponse",
    "answer_plv_request",
]

PLV_MESSAGE_VERSION = MESSAGE_VERSION
MAX_CHAINS = 1024
"""Chains in one message: a batch of devices, not a way to make an LA work for minutes on one call."""
MAX_PLVS = 1 << 18
"""Pre-linkage values in one message (a device-year is 52 x 20 = 1040 per chain)."""
_ENC_PLV_MAX = 128
"""An EncryptedIndividualPLV is 104 octets."""

_REQUEST = JsonReader("plv-request")
_RESPONSE = JsonReader("plv-response")


@dataclass(frozen=True)
class PlvChainRequest:
    """Pre-linkage values of one chain (`chain_id` None: a new chain from `i_first`) for i in
    i_first..i_first+i_count-1 and j < j_max."""

    chain_id: bytes | None
    i_first: int
    i_count: int
    j_max: int

    def __post_init__(self) -> None:
        if self.chain_id is not None and len(self.chain_id) != CHAIN_ID_SIZE:
            raise ValueError("a chain identifier is 16 octets")
        if self.i_first < 0 or self.i_count < 1 or self.i_first + self.i_count - 1 > MAX_I:
            raise ValueError("i-periods are IValues (Uint16)")
        if not 1 <= self.j_max <= MAX_J:
            raise ValueError(f"jMax is 1..{MAX_J}")

    def to_json_value(self) -> dict[str, Any]:
        chain_id = None if self.chain_id is None else b64(self.chain_id)
        return {"chainId": chain_id, "iFirst": self.i_first, "iCount": self.i_count, "jMax": self.j_max}

    @classmethod
    def from_json_value(cls, value: object, reader: JsonReader = _REQUEST) -> PlvChainRequest:
        fields = reader.record(value, {"chainId", "iFirst", "iCount", "jMax"}, "a chain request")
        raw_id = fields["chainId"]
        chain_id = None if raw_id is None else reader.octets(raw_id, "chainId", CHAIN_ID_SIZE)
        if chain_id is not None and len(chain_id) != CHAIN_ID_SIZE:
            raise reader.fail("chainId is 16 octets")
        i_first = reader.integer(fields["iFirst"], "iFirst", 0, MAX_I)
        i_count = reader.integer(fields["iCount"], "iCount", 1, MAX_I + 1 - i_first)
        return cls(chain_id, i_first, i_count, reader.integer(fields["jMax"], "jMax", 1, MAX_J))


@dataclass(frozen=True)
class PlvRequest:
    """RA -> LA: pre-linkage values for one or more chains."""

    chains: tuple[PlvChainRequest, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.chains) <= MAX_CHAINS or _plv_count(self.chains) > MAX_PLVS:
            raise ValueError(f"1..{MAX_CHAINS} chains and at most {MAX_PLVS} pre-linkage values per message")

    def to_json(self) -> bytes:
        return dump_message(_REQUEST.kind, chains=[chain.to_json_value() for chain in self.chains])

    @classmethod
    def from_json(cls, data: bytes) -> PlvRequest:
        """LA: parse a request; 400-42 for anything but the documented layout within the caps."""
        message = _REQUEST.load(data, {"chains"})
        chains = tuple(PlvChainRequest.from_json_value(c) for c in _REQUEST.items(message["chains"], "chains",
                                                                                   MAX_CHAINS))
        if _plv_count(chains) > MAX_PLVS:
            raise _REQUEST.fail(f"more than {MAX_PLVS} pre-linkage values asked")
        return cls(chains)


def _plv_count(chains: Sequence[PlvChainRequest | ChainPlvs]) -> int:
    return sum(chain.i_count * chain.j_max for chain in chains)


@dataclass(frozen=True)
class PlvResponse:
    """LA -> RA: the encrypted pre-linkage values of each requested chain, in request order."""

    la_id: int
    chains: tuple[ChainPlvs, ...]

    def to_json(self) -> bytes:
        chains = [
            {
                "chainId": b64(chain.chain_id),
                "iFirst": chain.i_first,
                "iCount": chain.i_count,
                "jMax": chain.j_max,
                "encPlvs": [b64(plv.data) for plv in chain.enc_plvs],
            }
            for chain in self.chains
        ]
        return dump_message(_RESPONSE.kind, laId=self.la_id, chains=chains)

    @classmethod
    def from_json(cls, data: bytes, request: PlvRequest) -> PlvResponse:
        """RA: parse the answer to `request`; 400-42 unless it answers exactly that request, every value decodes
        as an EncryptedIndividualPLV and every one comes from the LA the response names."""
        message = _RESPONSE.load(data, {"laId", "chains"})
        la_id = _RESPONSE.integer(message["laId"], "laId", 0, 0xFFFF)
        if len(_RESPONSE.items(message["chains"], "chains", MAX_CHAINS)) != len(request.chains):
            raise _RESPONSE.fail("the response does not answer every chain of the request")
        chains = tuple(
            _chain_plvs(value, asked, la_id) for value, asked in zip(message["chains"], request.chains, strict=True)
        )
        return cls(la_id, chains)


def _chain_plvs(value: object, asked: PlvChainRequest, la_id: int) -> ChainPlvs:
    reader = _RESPONSE
    fields = reader.record(value, {"chainId", "iFirst", "iCount", "jMax", "encPlvs"}, "a chain response")
    answered = PlvChainRequest.from_json_value({k: v for k, v in fields.items() if k != "encPlvs"}, reader)
    if answered.chain_id is None or asked.chain_id not in (None, answered.chain_id):
        raise reader.fail("the chain identifier does not answer the request")
    if (answered.i_first, answered.i_count, answered.j_max) != (asked.i_first, asked.i_count, asked.j_max):
        raise reader.fail("the i / j ranges do not answer the request")
    texts = fields["encPlvs"]
    if not isinstance(texts, list) or len(texts) != asked.i_count * asked.j_max:
        raise reader.fail("encPlvs holds one value per (i, j)")
    plvs = tuple(EncryptedPlv.from_bytes(reader.octets(text, "encPlvs entry", _ENC_PLV_MAX)) for text in texts)
    if any(plv.la_id != la_id for plv in plvs):
        raise reader.fail(f"an encrypted pre-linkage value does not come from LA {la_id}")
    return ChainPlvs(answered.chain_id, asked.i_first, asked.i_count, asked.j_max, plvs)


def answer_plv_request(
    request: PlvRequest, chains: Sequence[LinkageChain], aca_key: SymmetricEncryptionKey
) -> PlvResponse:
    """LA: the response to `request`, given the chain for each of its entries (stored ones looked up by chainId,
    `LinkageChain.new(la_id, i_first)` for new ones) and the key this LA shares with the ACA.

    ValueError when `chains` do not match the request (the caller's store); 400-32 for i-periods before a stored
    chain's first one.
    """
    if len(chains) != len(request.chains) or len({chain.la_id for chain in chains}) != 1:
        raise ValueError("one chain of this LA per chain request")
    for chain, asked in zip(chains, request.chains, strict=True):
        if asked.chain_id not in (None, chain.chain_id):
            raise ValueError("the chain does not have the requested identifier")
    answers = tuple(
        encrypted_pre_linkage_values(chain, asked.i_first, asked.i_count, asked.j_max, aca_key)
        for chain, asked in zip(chains, request.chains, strict=True)
    )
    return PlvResponse(chains[0].la_id, answers)
