"""The `SecurityMgmtSsp` role of each component's certificate (1609.2.1 §6.3) and of the certificate issuing it.

One table for the manager, which puts the role into each certificate it issues, and the trust verifier, which
checks that each certificate carries the role of its component.
"""

from __future__ import annotations

from scms.deployment.layout import SERVICE_COMPONENTS
from scms.protocol.security_mgmt_ssp import Role

__all__ = ["ISSUER_ROLES", "ROLES", "expected_role"]

ROLES: dict[str, Role] = {
    "root": Role.ROOT,
    "ica": Role.ICA,
    "crl-signer": Role.CRL_SIGNER,
    "eca": Role.ECA,
    "ra": Role.RA,
    "aca": Role.ACA,
    "la1": Role.LA,
    "la2": Role.LA,
    "ma": Role.MA,
}
"""The role of each component's certificate (electors: `Role.ELECTOR`, see `expected_role`)."""

ISSUER_ROLES: dict[str, Role] = {
    "ica": Role.ROOT,
    "crl-signer": Role.ROOT,
    **dict.fromkeys(SERVICE_COMPONENTS, Role.ICA),
}
"""The role of the certificate that issues each component's certificate."""


def expected_role(component: str) -> Role | None:
    """The role a component's certificate carries (None: not a component of a deployment)."""
    return Role.ELECTOR if component.startswith("elector-") else ROLES.get(component)
