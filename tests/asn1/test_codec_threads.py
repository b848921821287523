"""Encoders and decoders built at first use are shared by threads (the fleet simulator's devices, the services'
worker threads): a thread that meets a recursive node while another thread resolves it must wait for the real
encoder, never take the builder's placeholder, which would send every later value of the type to the checked
encoder. And the checked encoder takes what the one-walk one takes, `Encoded` components included."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from scms.asn1 import Encoded, _fast_decode, _flat_encode, _schema, decode, encode
from scms.asn1._compile import compiled
from scms.asn1.codec import _checked_encode

THREADS, ROUNDS = 6, 2
_INNER = encode("Ieee1609Dot2Data", {"protocolVersion": 3, "content": ("unsecuredData", b"hello")})
# ToBeSignedData holds Ieee1609Dot2Data (recursive through SignedData): resolved at the first value.
_VALUE = {"payload": {"data": Encoded("Ieee1609Dot2Data", _INNER)}, "headerInfo": {"psid": 35, "generationTime": 9}}


def _all_at_once(call: Callable[[], Any]) -> list[Any]:
    """`call` in THREADS threads released together; each result, or the exception it raised."""
    gate, results = threading.Barrier(THREADS), []

    def run() -> None:
        gate.wait()
        try:
            results.append(call())
        except Exception as error:  # collected: the test asserts there is none
            results.append(error)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def slow_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a node takes a moment, as it does in a fresh process: the window in which a second thread meets
    a node that another is building is wide open."""
    for builder in (_flat_encode._closures._Builder, _fast_decode._Builder):
        make = builder._make

        def slow(self: Any, *args: Any, make: Any = make) -> Any:
            time.sleep(0.002)
            return make(self, *args)

        monkeypatch.setattr(builder, "_make", slow)


@pytest.mark.usefixtures("slow_builds")
def test_a_new_encoder_used_by_threads_at_once_encodes_in_every_thread() -> None:
    compiled_type = compiled().types["ToBeSignedData"]
    expected = _checked_encode("ToBeSignedData", _VALUE)
    for _ in range(ROUNDS):
        encoder = _flat_encode._generate(_schema.node(compiled().qualified["ToBeSignedData"]), compiled_type)

        def one(encoder: Any = encoder) -> bytes:
            out = bytearray()
            encoder(_VALUE, out)              # raises Bail if it took the placeholder
            return bytes(out)

        assert _all_at_once(one) == [expected] * THREADS


@pytest.mark.usefixtures("slow_builds")
def test_a_new_decoder_used_by_threads_at_once_decodes_in_every_thread() -> None:
    compiled_type = compiled().types["ToBeSignedData"]
    data = encode("ToBeSignedData", _VALUE)
    for _ in range(ROUNDS):
        decoder = _fast_decode._Builder().build(compiled_type.type, compiled_type.constraints_checker.type)
        results = _all_at_once(lambda decoder=decoder: decoder(data, 0))
        assert results == [(decode("ToBeSignedData", data), len(data))] * THREADS


def test_the_checked_encoder_takes_encoded_components() -> None:
    plain = {**_VALUE, "payload": {"data": decode("Ieee1609Dot2Data", _INNER)}}
    assert _checked_encode("ToBeSignedData", _VALUE) == encode("ToBeSignedData", _VALUE) == encode(
        "ToBeSignedData", plain)
