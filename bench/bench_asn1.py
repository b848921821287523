"""scms.asn1: microseconds per COER operation on the real certificates of shared/vectors/real-certificates.

The ACA's target is about 2,500 pseudonym certificates per second per core (400 µs each, all work included); each
needs a certificate encode and a response SPDU encode, so the encode rows are the ones to watch.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from bench._timing import per_op_micros
from scms.asn1 import decode, decode_prefix, encode
from scms.asn1._compile import _build
from scms.asn1.layers import decode_deep

_VECTORS = Path(os.environ.get("SCMS_VECTORS", Path(__file__).resolve().parents[2] / "shared" / "vectors"))


def _certificates() -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for path in sorted((_VECTORS / "real-certificates").glob("*.json")):
        for item in json.loads(path.read_text())["cases"]:
            if "certificate" in item and "spdu" not in item:
                found[item["name"]] = bytes.fromhex(item["certificate"])
    return found


def _signed_spdu(certificate: dict[str, Any]) -> dict[str, Any]:
    """A response-like SPDU: signedData (signer = the certificate) around 200 opaque octets."""
    data = {"protocolVersion": 3, "content": ("unsecuredData", b"\x5a" * 200)}
    signature = ("ecdsaNistP256Signature", {"rSig": ("x-only", b"\x11" * 32), "sSig": b"\x22" * 32})
    tbs = {"payload": {"data": data}, "headerInfo": {"psid": 35, "generationTime": 600_000_000_000_000}}
    signed = {"hashId": "sha256", "tbsData": tbs, "signer": ("certificate", [certificate]), "signature": signature}
    return {"protocolVersion": 3, "content": ("signedData", signed)}


def _compile_micros() -> float:
    """Best of two full parse + compile + hardening runs (what the first encode/decode of a process pays)."""
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        _build()
        best = min(best, (time.perf_counter() - start) * 1e6)
    return best


def run() -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = [("compile all modules (once per process)", _compile_micros())]
    certificates = _certificates()
    if not certificates:
        print(f"(no real certificates under {_VECTORS}: only the compile time is measured)")
        return rows
    for name, data in certificates.items():
        value = decode("Certificate", data)
        rows.append(
            (
                f"Certificate decode, strict ({name}, {len(data)} B)",
                per_op_micros(lambda data=data: decode("Certificate", data)),
            )
        )
        rows.append((f"Certificate encode ({name})", per_op_micros(lambda value=value: encode("Certificate", value))))
    name, data = next(iter(certificates.items()))
    prefix = data + b"\x00"
    rows.append(
        (f"Certificate decode_prefix, strict ({name})", per_op_micros(lambda: decode_prefix("Certificate", prefix)))
    )
    spdu = _signed_spdu(decode("Certificate", data))
    encoded = encode("Ieee1609Dot2Data", spdu)
    rows.append(
        (
            f"signed SPDU carrying {name}, encode ({len(encoded)} B)",
            per_op_micros(lambda: encode("Ieee1609Dot2Data", spdu)),
        )
    )
    rows.append(("same SPDU, strict decode", per_op_micros(lambda: decode("Ieee1609Dot2Data", encoded))))
    rows.append(("same SPDU, decode_deep", per_op_micros(lambda: decode_deep("Ieee1609Dot2Data", encoded))))
    return rows
