"""The reference end entity (OBU or RSU): a client library that does what a device does, over the 1609.2.1 REST API
v3 and the SCMS's registration API. It imports no service: it is a client, as a device is (docs/architecture.md).
Reference: docs/api-ee.md.

* `exchange`, `errors`: the vocabulary of flows and drivers, and what can go wrong;
* `flows`: each exchange as an I/O-free generator (registration, bootstrap, enrollment, authorization requests,
  downloads, successor enrollment);
* `trust`, `ctl_file`: the trust material verified from the anchor CTL;
* `state`: the device state directory; `request_secrets`: the versioned file of a request's secrets;
* `client`: the sync and async drivers and the `Device` facade;
* `messages`: V2X message signing and verification.
"""

from scms.ee.client import AsyncDriver, Device, SyncDriver
from scms.ee.errors import BadAnswer, EeError, NotReady, ServerError, StateError, Unreachable
from scms.ee.messages import MessageRejected, Rejection, VerifiedMessage, sign_message, verify_message
from scms.ee.state import DeviceState
from scms.ee.trust import TrustMaterial

__all__ = [
    "AsyncDriver",
    "BadAnswer",
    "Device",
    "DeviceState",
    "EeError",
    "MessageRejected",
    "NotReady",
    "Rejection",
    "ServerError",
    "StateError",
    "SyncDriver",
    "TrustMaterial",
    "Unreachable",
    "VerifiedMessage",
    "sign_message",
    "verify_message",
]
