"""The device's exchanges with the SCMS as I/O-free generators (`scms.ee.exchange`): each yields the HTTP requests
it needs and the waits it wants, and returns what it verified. A driver (`scms.ee.client`) runs them; the EE client,
the fleet simulator and the tests share them.

| module | flow | 1609.2.1 |
|---|---|---|
| `registration` | `register`, `fetch_policies` (operator credential; the DCM role) | 4.1.4.2 (left to the SCMS) |
| `bootstrap` | `bootstrap`: CTLs, CCF, RA certificate, composite CRL, verified from the anchor CTL | 6.3.5.7-12 |
| `enrollment` | `prepare_enrollment`, `enroll` | 6.3.4.2 |
| `authorization` | `prepare_authorization`, `submit_authorization` | 6.3.5.2, 9.3 |
| `download` | `download` (a batch per i-period, resumable); `fetch.fetch_file` waits while not ready | 6.3.5.3, 8.2 |
| `successor` | `prepare_successor`, `request_successor`, `download_successor` | 6.3.5.4, 6.3.5.5 |

`prepare_*` are plain functions (keys and the request bytes, to be kept before sending); the others are flows.
"""

from scms.ee.flows.authorization import (
    AuthorizationSpec,
    PreparedAuthorization,
    prepare_authorization,
    submit_authorization,
)
from scms.ee.flows.bootstrap import bootstrap
from scms.ee.flows.download import DownloadedBatch, DownloadPlan, download
from scms.ee.flows.enrollment import EnrollmentCredential, PreparedEnrollment, enroll, prepare_enrollment
from scms.ee.flows.fetch import fetch_file, not_ready
from scms.ee.flows.registration import Policies, Registration, fetch_policies, parse_policies, register
from scms.ee.flows.successor import PreparedSuccessor, download_successor, prepare_successor, request_successor

__all__ = [
    "AuthorizationSpec",
    "DownloadPlan",
    "DownloadedBatch",
    "EnrollmentCredential",
    "Policies",
    "PreparedAuthorization",
    "PreparedEnrollment",
    "PreparedSuccessor",
    "Registration",
    "bootstrap",
    "download",
    "download_successor",
    "enroll",
    "fetch_file",
    "fetch_policies",
    "not_ready",
    "parse_policies",
    "prepare_authorization",
    "prepare_enrollment",
    "prepare_successor",
    "register",
    "request_successor",
    "submit_authorization",
]
