"""Verify a whole deployment: `verify_deployment(directory, now)` (issue 3, `scms trust verify`; docs/trust.md).

Every certificate and signature, every chain to a root CA the CTL approves, the CTL sequence from the first CTL to
the last, the CCF, every CRL and its scope, the composite CRL, the configuration and policy files, the key files.
It returns a `TrustReport` (every artifact checked) or raises `TrustError` naming the first defective artifact.
It lives in the deployment layer so that the manager, the services (at start-up) and the CLI share it.
"""

from scms.deployment.verification.report import CheckedArtifact, TrustError, TrustReport
from scms.deployment.verification.verify import REQUIRED_COMPONENTS, verify_deployment

__all__ = ["REQUIRED_COMPONENTS", "CheckedArtifact", "TrustError", "TrustReport", "verify_deployment"]
