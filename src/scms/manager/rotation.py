"""Roll a CA or component key over: `rotate(directory, component, now)` (`scms manager rotate ...`; 1609.2.1 §4.1).

The successor is a new key and a new certificate from the same template as the first (`scms.manager.profiles`,
linted before it is signed), valid from `now`, issued by the component's current issuer: the current root CA for
the ICA and the CRL signer (so after `scms manager ctl add-root` they move under the new root), the current ICA for
the ECA, RA, ACA, LA1, LA2 and MA (their CRACA: the root their ICA chains to). The RA and MA get a new encryption
key too. The old certificate and keys stay (in `Manifest.history`): the old certificate is valid until its expiry,
and stays in the CCF while its root is approved, so what it issued still verifies.

A CRL signer under a root that has no CRLs yet (a new root) also signs the first, empty CRL of every series for
it, and the composite CRL is republished. Every rotation publishes the next CCF.
"""

from __future__ import annotations

from pathlib import Path

from scms.crypto import Curve, SoftwareKey
from scms.deployment.config import CURVES, DeploymentConfig
from scms.deployment.errors import DeploymentError
from scms.deployment.layout import ENCRYPTION, SIGNING
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.time import Time32
from scms.manager.crls import initial_crls
from scms.manager.hierarchy import ENCRYPTING_COMPONENTS, Hierarchy, Holder, issue_certificate
from scms.manager.profiles import COMPONENT_ROLES, component_template, crl_signer_template, ica_template
from scms.manager.update import Applied, Update

__all__ = ["ROTATABLE", "rotate"]

ROTATABLE = ("ica", "crl-signer", *COMPONENT_ROLES)
"""Components `rotate` rolls over (electors and the root CA change through the CTL: `ctl_changes`)."""


def _template(
    config: DeploymentConfig, component: str, key: SoftwareKey, issuer: Certificate, root: Certificate, now: Time32,
    encryption: SoftwareKey | None,
) -> CertificateTemplate:
    if component == "ica":
        return ica_template(config, key.public_point, issuer, now)
    if component == "crl-signer":
        return crl_signer_template(config, key.public_point, issuer, now)
    point = None if encryption is None else encryption.public_point
    return component_template(config, component, key.public_point, issuer, root, now, point)


def _curve(config: DeploymentConfig, component: str) -> str:
    if component == "ica":
        return config.manager.ica.curve
    if component == "crl-signer":
        return config.manager.crl.curve
    return config.service(component).curve


def _first_crls(update: Update, root: Holder, signer: Holder) -> None:
    """The first CRL of every series of a CRACA that has none yet (a CRL signer under a new root)."""
    craca = root.certificate.hashed_id8().hex()
    if any(entry.craca == craca for entry in update.manifest.crls):
        return
    hierarchy = Hierarchy({"root": root, "crl-signer": signer})
    for crl in initial_crls(update.deployment.config, hierarchy, update.now):
        update.add_crl(crl)
    update.refresh_composite_crl()


def rotate(directory: Path, component: str, now: Time32) -> Applied:
    """A successor key and certificate for `component` (one of `ROTATABLE`), the old ones kept."""
    if component not in ROTATABLE:
        raise DeploymentError(f"{component!r}: rotate one of {', '.join(ROTATABLE)}")
    update = Update.open(directory, now)
    config = update.deployment.config
    issuer = update.holder("root" if component in ("ica", "crl-signer") else "ica")
    root = update.inventory.root_of(issuer.certificate)
    if root is None:
        raise DeploymentError(f"{issuer.name}: its chain does not reach a root CA of this deployment")
    key = SoftwareKey.generate(CURVES[_curve(config, component)])
    encryption = SoftwareKey.generate(Curve.P256) if component in ENCRYPTING_COMPONENTS else None
    template = _template(config, component, key, issuer.certificate, root, now, encryption)
    certificate = issue_certificate(template, issuer, key, profile=component)
    keys = {SIGNING: key} if encryption is None else {SIGNING: key, ENCRYPTION: encryption}
    update.put_certificate(component, certificate, keys)
    if component == "crl-signer":
        _first_crls(update, issuer, Holder(component, certificate, key))
    update.refresh_ccf()
    return update.commit()
