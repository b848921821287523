"""Batched transport between RA and ACA: many standard SPDUs in one call (our own versioned JSON; the SPDUs inside
stay exactly the standard's). Layouts in docs/api-protocol-internal.md.

    RA -> ACA  {"version": 1, "type": "ra-aca-requests", "requests": ["<base64 RaAcaCertRequestSpdu>", ...]}
    ACA -> RA  {"version": 1, "type": "aca-ra-responses",
                "responses": [{"spdu": "<base64 AcaRaCertResponseSpdu>"} | {"error": "<status>-<code>"}, ...]}

The ACA answers every request in request order: the signed response, or the 1609.2.1 error that refused that
request alone (a bad request never fails the others). The batch says nothing about devices: the RA shuffles the
requests of many devices before it cuts them into batches (privacy by separation, docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.protocol._json_message import JsonReader, b64, dump_message

__all__ = ["MAX_BATCH", "MAX_SPDU", "AcaRaBatch", "RaAcaBatch", "answer_ra_aca_batch"]

MAX_BATCH = 4096
"""SPDUs in one batch: four device-years of pseudonym certificates."""
MAX_SPDU = 4096
"""Octets of one SPDU in a batch (a request or response is well under 1 kB)."""

_REQUESTS = JsonReader("ra-aca-requests")
_RESPONSES = JsonReader("aca-ra-responses")
_ERRORS = {code.header_value: code for code in ErrorCode}


@dataclass(frozen=True)
class RaAcaBatch:
    """RA -> ACA: `RaAcaCertRequestSpdu`s, as COER bytes."""

    requests: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.requests) <= MAX_BATCH or any(len(r) > MAX_SPDU for r in self.requests):
            raise ValueError(f"1..{MAX_BATCH} requests of at most {MAX_SPDU} octets")

    def to_json(self) -> bytes:
        return dump_message(_REQUESTS.kind, requests=[b64(r) for r in self.requests])

    @classmethod
    def from_json(cls, data: bytes) -> RaAcaBatch:
        """ACA: parse a batch; 400-42 for anything but the documented layout within the caps. The SPDUs are
        verified one by one afterwards (`verify_ra_aca_request`)."""
        items = _REQUESTS.items(_REQUESTS.load(data, {"requests"})["requests"], "requests", MAX_BATCH)
        return cls(tuple(_REQUESTS.octets(item, "a request", MAX_SPDU) for item in items))


@dataclass(frozen=True)
class AcaRaBatch:
    """ACA -> RA: for each request of the batch, its `AcaRaCertResponseSpdu` or the error that refused it."""

    responses: tuple[bytes | ErrorCode, ...]

    def to_json(self) -> bytes:
        entries = [
            {"error": r.header_value} if isinstance(r, ErrorCode) else {"spdu": b64(r)} for r in self.responses
        ]
        return dump_message(_RESPONSES.kind, responses=entries)

    @classmethod
    def from_json(cls, data: bytes, batch: RaAcaBatch) -> AcaRaBatch:
        """RA: parse the answer to `batch`; 400-42 unless it has one entry per request. Each response SPDU is then
        checked by `open_aca_ra_response`, whose request hash names the request it answers."""
        items = _RESPONSES.items(_RESPONSES.load(data, {"responses"})["responses"], "responses", MAX_BATCH)
        if len(items) != len(batch.requests):
            raise _RESPONSES.fail("not one entry per request of the batch")
        return cls(tuple(_entry(item) for item in items))


def _entry(item: object) -> bytes | ErrorCode:
    if isinstance(item, dict) and set(item) == {"error"}:
        code = _ERRORS.get(item["error"]) if isinstance(item["error"], str) else None
        if code is None:
            raise _RESPONSES.fail("error is not a 1609.2.1 error code")
        return code
    return _RESPONSES.octets(_RESPONSES.record(item, {"spdu"}, "a response")["spdu"], "a response", MAX_SPDU)


def answer_ra_aca_batch(batch: RaAcaBatch, answer: Callable[[bytes], bytes]) -> AcaRaBatch:
    """ACA: `answer(request_spdu)` for each request (e.g. verify, then `issue_pseudonym`); an `Ieee1609Error` it
    raises becomes that request's error entry. Any other exception is a fault of ours and propagates."""
    responses: list[bytes | ErrorCode] = []
    for request in batch.requests:
        try:
            responses.append(answer(request))
        except Ieee1609Error as error:
            responses.append(error.error)
    return AcaRaBatch(tuple(responses))
