"""A component refuses to start on a deployment that does not verify (style rule 13: a missing trust anchor stops
start-up; it never "fails open").

Each app factory (`create_ra_app`, `create_eca_app`, `create_aca_app`, `create_la_app`) calls
`require_verified(deployment, component, clock, verified)` first, before it opens its database or loads a key:

- `verified` None: `verify_deployment(directory, now, key_owners=(component,))` (docs/trust.md; about 60 ms for
  a new deployment): every certificate, chain, CTL, CCF, CRL and policy file, and the component's own key and secret
  files. The first defect raises `TrustError` naming the artifact (a path relative to the deployment directory) and
  the reason; the error is logged naming the component too.
- `verified` a `TrustReport`: whoever starts several components verified once for all (`scms up` verifies the
  keys of every component it serves); the report must be of this deployment's directory and must have checked
  every key and secret file of `component`, else `ValueError` (a report of another directory, or one made with
  other `key_owners`, would let an unchecked key through).

`now` is the clock's time as Time32 (time-leapSeconds of the global policy), as the components read it.
"""

from __future__ import annotations

import logging

from scms.deployment import Deployment
from scms.deployment.verification import TrustError, TrustReport, verify_deployment
from scms.dot2.time import LeapSeconds, Time32
from scms.services.common.tasks import Clock

__all__ = ["require_verified"]

_LOG = logging.getLogger(__name__)


def _own_files(deployment: Deployment, component: str) -> set[str]:
    manifest = deployment.manifest
    return {*manifest.keys.get(component, {}).values(), *manifest.secrets.get(component, {}).values()}


def require_verified(deployment: Deployment, component: str, clock: Clock,
                     verified: TrustReport | None = None) -> TrustReport:
    """The report that `deployment` verifies for `component` now (see the module docstring); raises `TrustError`."""
    root = deployment.layout.root
    if verified is not None:
        if verified.directory.resolve() != root.resolve():
            raise ValueError(f"{component}: the trust report is of {verified.directory}, not of {root}")
        unchecked = _own_files(deployment, component) - {item.artifact for item in verified.checked}
        if unchecked:
            raise ValueError(f"{component}: the trust report did not check {', '.join(sorted(unchecked))}")
        return verified
    leap = LeapSeconds.fixed(deployment.global_policy.parameters.leap_seconds)
    try:
        return verify_deployment(root, Time32.from_datetime(clock(), leap), key_owners=(component,))
    except TrustError as error:
        _LOG.error("%s does not start: the deployment does not verify: %s", component, error)
        raise
