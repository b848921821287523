"""Build the certificate hierarchy of a new deployment: keys, then certificates top-down (1609.2.1 §4.1).

`build_hierarchy(config, now)` generates every key (curves from the configuration) and issues, in order: the
electors and the root CA (self-signed), the CRL signer (by the root), the ICA (by the root), then the ECA, RA, ACA,
LA1, LA2 and MA (by the ICA). Each certificate goes through `issue_certificate`: lint against its issuer, then sign
(`scms.dot2` lint before sign). Keys stay `SoftwareKey` objects (printing `[secure]`) until the deployment writer
puts each in its owner's key directory. The later operations (rotation) reuse `issue_certificate` and the
templates of `scms.manager.profiles`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from scms.crypto import Curve, SoftwareKey
from scms.deployment.config import CURVES, DeploymentConfig
from scms.deployment.layout import elector_name, plv_key_purpose
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.spdu.encryption_key import SymmetricEncryptionKey
from scms.dot2.time import Time32
from scms.manager.profiles import (
    COMPONENT_ROLES,
    component_template,
    crl_signer_template,
    elector_template,
    ica_template,
    root_template,
)

__all__ = ["ENCRYPTING_COMPONENTS", "Hierarchy", "Holder", "build_hierarchy", "issue_certificate"]

ENCRYPTING_COMPONENTS = ("ra", "ma")
"""Components whose certificate carries an encryptionKey: EEs encrypt requests to the RA, reports to the MA."""


@dataclass(frozen=True)
class Holder:
    """A certificate and the private keys of its holder (never printed: `SoftwareKey` shows `[secure]`)."""

    name: str
    certificate: Certificate
    signing_key: SoftwareKey
    encryption_key: SoftwareKey | None = None


@dataclass
class Hierarchy:
    """Every holder by component name, in issuing order, and the symmetric keys of each component."""

    holders: dict[str, Holder] = field(default_factory=dict)
    symmetric_keys: dict[str, dict[str, SymmetricEncryptionKey]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Holder:
        return self.holders[name]

    def certificate(self, name: str) -> Certificate:
        return self.holders[name].certificate

    @property
    def electors(self) -> tuple[Holder, ...]:
        return tuple(h for name, h in self.holders.items() if name.startswith("elector-"))


def issue_certificate(
    template: CertificateTemplate, issuer: Holder | None, own_key: SoftwareKey, *, profile: str
) -> Certificate:
    """Lint `template` against `issuer` (None: self-signed with `own_key`) and sign it with the issuer's key."""
    issuer_certificate = None if issuer is None else issuer.certificate
    signer = own_key if issuer is None else issuer.signing_key
    return sign_explicit(lint_certificate(template, issuer_certificate), issuer_certificate, signer, profile=profile)


def _self_signed(name: str, template: CertificateTemplate, key: SoftwareKey) -> Holder:
    return Holder(name, issue_certificate(template, None, key, profile=name), key)


def _add_plv_keys(hierarchy: Hierarchy) -> None:
    """The AES-128 key each LA shares with the ACA for `EncryptedIndividualPLV` (1609.2.1 §7.3): one copy each side."""
    for la in ("la1", "la2"):
        key = SymmetricEncryptionKey(os.urandom(16))
        hierarchy.symmetric_keys.setdefault("aca", {})[plv_key_purpose(la)] = key
        hierarchy.symmetric_keys.setdefault(la, {})[plv_key_purpose("aca")] = key


def build_hierarchy(config: DeploymentConfig, now: Time32) -> Hierarchy:
    """Generate every key and issue every certificate of a new deployment, valid from `now`."""
    hierarchy = Hierarchy()
    for number in range(1, config.manager.electors.count + 1):
        key = SoftwareKey.generate(CURVES[config.manager.electors.curve])
        name = elector_name(number)
        hierarchy.holders[name] = _self_signed(name, elector_template(config, number, key.public_point, now), key)
    root_key = SoftwareKey.generate(CURVES[config.manager.root.curve])
    root = _self_signed("root", root_template(config, root_key.public_point, now), root_key)
    hierarchy.holders["root"] = root
    for name, make in (("crl-signer", crl_signer_template), ("ica", ica_template)):
        key = SoftwareKey.generate(Curve.P256)
        template = make(config, key.public_point, root.certificate, now)
        hierarchy.holders[name] = Holder(name, issue_certificate(template, root, key, profile=name), key)
    ica = hierarchy["ica"]
    for name in COMPONENT_ROLES:
        key = SoftwareKey.generate(CURVES[config.service(name).curve])
        encryption = SoftwareKey.generate(Curve.P256) if name in ENCRYPTING_COMPONENTS else None
        template = component_template(
            config,
            name,
            key.public_point,
            ica.certificate,
            root.certificate,
            now,
            None if encryption is None else encryption.public_point,
        )
        certificate = issue_certificate(template, ica, key, profile=name)
        hierarchy.holders[name] = Holder(name, certificate, key, encryption)
    _add_plv_keys(hierarchy)
    return hierarchy
