"""The enrollment CA (1609.2.1 clause 4.1.2) as a service: `POST /v3/enrollment-certificate` (clause 6.3.4.2).

- `create_eca_app(deployment, transport_to_ra=..., clock=...)` -> `EcaApps` (public app, internal app, service,
  engine);
- `enroll(service, request_bytes)`: the enrollment flow, `enroll_successor`: a successor request the RA forwards
  (`flows`; the internal route in `internal_api`); their steps in `policy` (what to issue),
  `store` (issue exactly once, rate limits), `issuer` (lint and sign), `registry` (the RA's device registry:
  `RaRegistry`, over HTTP `HttpRaRegistry`).
"""

from scms.services.eca.app import EcaApps, create_eca_app
from scms.services.eca.flows import enroll, enroll_successor
from scms.services.eca.internal_api import INTERNAL_CALLERS, SuccessorForward
from scms.services.eca.issuer import EcaIssuer, Issued, eca_chain
from scms.services.eca.policy import DeviceTypeRules, IssuingRules, plan_enrollment
from scms.services.eca.registry import HttpRaRegistry, RaRegistry, Registration
from scms.services.eca.service import EcaService
from scms.services.eca.settings import EcaSettings
from scms.services.eca.store import RATE_WINDOW, Enrollment, EnrollmentStore, RateLimits

__all__ = [
    "INTERNAL_CALLERS",
    "RATE_WINDOW",
    "DeviceTypeRules",
    "EcaApps",
    "EcaIssuer",
    "EcaService",
    "EcaSettings",
    "Enrollment",
    "EnrollmentStore",
    "HttpRaRegistry",
    "Issued",
    "IssuingRules",
    "RaRegistry",
    "RateLimits",
    "Registration",
    "SuccessorForward",
    "create_eca_app",
    "eca_chain",
    "enroll",
    "enroll_successor",
    "plan_enrollment",
]
