"""The `ScmsPdu` envelope of the end-entity messages and the generationTime rules the requests share.

`ScmsPdu {version 2, content <interface>: <alternative>}` (1609.2.1 clause 6.3.1, Annex A `Ieee1609Dot2Dot1Protocol`;
COER `02 85 ...` for eca-ee, `02 87 ...` for ee-ra, `02 80 ...` for aca-ee). Every request carries its own
generationTime (Time32); a receiver refuses one from the future (400-50) or older than its `*-maxAge` parameter
(eca-maxAge 400-70, ra-maxAge 400-77, download-maxAge 400-74; 1609.2.1 clause 6.3.4.2 and 6.3.5).
"""

from __future__ import annotations

from typing import Any

from scms import asn1
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol._codec import decode

__all__ = ["SCMS_PDU_VERSION", "check_generation_time", "open_scms_pdu", "scms_pdu", "scms_pdu_content"]

SCMS_PDU_VERSION = 2


def scms_pdu(interface: str, alternative: str, value: Any) -> bytes:
    """COER `ScmsPdu` carrying `value` as `interface` (e.g. "ee-ra") alternative `alternative` (e.g. "raEeCertAck")."""
    return asn1.encode("ScmsPdu", {"version": SCMS_PDU_VERSION, "content": (interface, (alternative, value))})


def open_scms_pdu(data: bytes, interface: str, alternative: str) -> Any:
    """The value of `interface`/`alternative` inside the COER `ScmsPdu` `data`; 400-42 for any other content."""
    return scms_pdu_content(decode("ScmsPdu", data), interface, alternative)


def scms_pdu_content(pdu: dict[str, Any], interface: str, alternative: str) -> Any:
    """The value of `interface`/`alternative` inside a decoded `ScmsPdu`; 400-42 for any other content."""
    got_interface, (got_alternative, value) = pdu["content"]
    if (got_interface, got_alternative) != (interface, alternative):
        raise Ieee1609Error(
            ErrorCode.FAILED_PARSING,
            f"expected an ScmsPdu {interface} {alternative}, got {got_interface} {got_alternative}",
        )
    return value


def check_generation_time(generation_time: Time32, now: Time32, max_age: int | None, too_old: ErrorCode) -> None:
    """400-50 when `generation_time` is after `now`; `too_old` when it is more than `max_age` seconds before it.

    `max_age` None means the parameter is not enforced (the receiver's configuration decides).
    """
    if generation_time > now:
        raise Ieee1609Error(ErrorCode.GENERATION_TIME_IN_FUTURE, f"generationTime {int(generation_time)} > {int(now)}")
    if max_age is not None and now - generation_time > max_age:
        raise Ieee1609Error(too_old, f"generationTime {int(generation_time)} is {now - generation_time} s old")
