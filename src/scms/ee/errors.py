"""What can go wrong for a device, as exceptions that say it in one line (never with key material).

* `ServerError`: an SCMS component answered with an error. Its `code` is the `Ieee-1609.2.1-Error` header value
  (`400-43`, 1609.2.1 clause 6.2; standards notes §10.3) and `error` the matching `ErrorCode`, both None when the
  answer carried no such header (a coarse-mode 500, a 401 from the registration API, a 404).
* `Unreachable`: no answer at all (connection refused, timeout) after the driver's bounded retries.
* `NotReady`: a download was still not ready when the flow stopped waiting; `next_try` says when to come back.
* `BadAnswer`: a JSON answer of our own APIs (registration, policy files) that is not what it must be.
* `StateError`: the device state directory is missing, damaged, or the step needs an earlier one first
  (enroll before bootstrap, download before request).

Answers the device verified and found wrong (a bad signature on an acknowledgement, a certificate that does not
chain) raise `scms.dot2.Ieee1609Error` from the protocol layer, with the code of what failed.
"""

from __future__ import annotations

from scms.dot2.errors import ErrorCode
from scms.dot2.time import Time32

__all__ = ["BadAnswer", "EeError", "NotReady", "ServerError", "StateError", "Unreachable", "error_code_of"]

_CODES = {code.header_value: code for code in ErrorCode}


def error_code_of(header_value: str | None) -> ErrorCode | None:
    """The ErrorCode an `Ieee-1609.2.1-Error` value names (None for none, or a value 1609.2.1 does not define)."""
    return None if header_value is None else _CODES.get(header_value.strip())


class EeError(Exception):
    """Base of the device's own errors."""


class ServerError(EeError):
    """An SCMS component refused a request: HTTP status and, when sent, the `Ieee-1609.2.1-Error` code."""

    def __init__(self, method: str, url: str, status: int, code: str | None, detail: str = "") -> None:
        self.method = method
        self.url = url
        self.status = status
        self.code = code
        self.error = error_code_of(code)
        meaning = f" {self.error.meaning}" if self.error is not None else ""
        said = f"{code}{meaning}" if code else f"HTTP {status}"
        more = f" ({detail})" if detail and detail not in meaning else ""
        super().__init__(f"{method} {url}: {said}{more}")


class Unreachable(EeError):
    """No answer from a component (after the driver's retries)."""

    def __init__(self, method: str, url: str, reason: str) -> None:
        self.method = method
        self.url = url
        self.reason = reason
        super().__init__(f"{method} {url}: no answer ({reason})")


class NotReady(EeError):
    """A download that was not ready before the flow's deadline."""

    def __init__(self, filename: str, next_try: Time32) -> None:
        self.filename = filename
        self.next_try = next_try
        super().__init__(f"{filename} is not ready yet; try again at Time32 {int(next_try)}")


class BadAnswer(EeError):
    """An answer of the registration API (JSON, ours) that does not make sense."""


class StateError(EeError):
    """The device state directory cannot serve the step asked for."""
