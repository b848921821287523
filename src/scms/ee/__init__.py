"""The reference end entity (OBU or RSU): a client library that does what a device does, over the 1609.2.1 REST API
v3 and the SCMS's registration API. It imports no service: it is a client, as a device is (docs/architecture.md).
Reference: docs/api-ee.md.

* `exchange`, `errors`: the vocabulary of flows and drivers, and what can go wrong;
* `flows`: each exchange as an I/O-free generator (registration, bootstrap, enrollment, authorization requests,
  downloads, successor enrollment);
* `trust`, `ctl_file`: the trust material verified from the anchor CTL;
* `request_secrets`: the versioned file of a request's secrets.
"""

from scms.ee.errors import BadAnswer, EeError, NotReady, ServerError, StateError, Unreachable
from scms.ee.trust import TrustMaterial

__all__ = ["BadAnswer", "EeError", "NotReady", "ServerError", "StateError", "TrustMaterial", "Unreachable"]
