"""The ECA's signing side: lint and sign (explicit) or ECQV-issue (implicit) a planned enrollment certificate, and
sign the `EcaEeCertResponseSpdu` (1609.2.1 clause 6.3.4.2; 1609.2 clauses 5.3.1, 5.3.2).

The key comes from the deployment's key store (`eca/keys/signing.key`, checked against the ECA certificate) and is
never shown: the issuer's repr names only its certificate. Every signature is audited by the certificate builder
(logger `scms.audit`, profile "enrollment").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scms.crypto import HashedId8, SoftwareKey
from scms.deployment import Deployment, DeploymentError
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import issue_implicit, sign_explicit
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.time import Time32
from scms.protocol.ee_eca import build_enrollment_response

__all__ = ["EcaIssuer", "Issued", "eca_chain"]

_PROFILE = "enrollment"


def eca_chain(deployment: Deployment) -> tuple[Certificate, ...]:
    """The ECA certificate and the issuers the manifest names above it, up to the self-signed root."""
    chain: list[Certificate] = []
    name: str | None = "eca"
    while name is not None:
        if len(chain) > 8 or name not in deployment.manifest.certificates:
            raise DeploymentError(f"{deployment.layout.root}: the ECA's chain breaks at {name!r}")
        chain.append(deployment.certificate(name))
        name = deployment.manifest.certificates[name].issuer
    return tuple(chain)


@dataclass(frozen=True)
class Issued:
    certificate: Certificate
    response: bytes
    """The signed EcaEeCertResponseSpdu."""


@dataclass(frozen=True, repr=False)
class EcaIssuer:
    key: SoftwareKey
    chain: tuple[Certificate, ...]
    """The ECA certificate first, then each issuer up to the root (the response's ecaCertChain)."""

    @classmethod
    def from_deployment(cls, deployment: Deployment) -> EcaIssuer:
        """The ECA key (from the key store, checked against the certificate) and its chain."""
        return cls(deployment.signing_key("eca"), eca_chain(deployment))

    @property
    def certificate(self) -> Certificate:
        return self.chain[0]

    @property
    def root(self) -> Certificate:
        return self.chain[-1]

    def issue(self, plan: CertificateTemplate, kind: CertificateType, request_hash: HashedId8, now: Time32) -> Issued:
        """Issue `plan` (its verification key: the requested key) as an explicit or implicit certificate and sign
        the response to the request `request_hash` at `now`."""
        eca = self.certificate
        requested = plan.verification_key
        if requested is None:
            raise ValueError("the plan names no requested key")
        if kind is CertificateType.EXPLICIT:
            certificate = sign_explicit(lint_certificate(plan, eca), eca, self.key, profile=_PROFILE)
            private_key_info = None
        else:
            linted = lint_certificate(replace(plan, verification_key=None), eca)
            certificate, private_key_info = issue_implicit(linted, requested, eca, self.key, profile=_PROFILE)
        response = build_enrollment_response(request_hash, certificate, private_key_info, self.key, self.chain, now)
        return Issued(certificate, response)

    def __repr__(self) -> str:
        return f"EcaIssuer({self.certificate.hashed_id8()}, [secure])"
