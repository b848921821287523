"""A deployment as the components and the manager see it: `load_deployment(dir)`.

It reads what is public (the configuration, the manifest, every certificate, the policy files) and loads private
keys only on request, one component at a time, through `scms.deployment.keystore` (mode checked, key checked
against the component's certificate). Services use it at start (their config, certificate, keys, CTL, CCF);
the manager's operations (CTL, rotation, CRLs, `scms trust verify`) use it to find the current artifacts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scms.crypto import SoftwareKey
from scms.deployment.config import DeploymentConfig
from scms.deployment.config_file import load_config
from scms.deployment.errors import DeploymentError, KeyFileError
from scms.deployment.keystore import load_private_key, load_symmetric_key, read_secret_file
from scms.deployment.layout import ENCRYPTION, SIGNING, Layout
from scms.deployment.manifest import CertificateEntry, Manifest, read_manifest
from scms.deployment.policy import DevicePolicy, GlobalPolicy, load_device_policy, load_global_policy
from scms.deployment.tokens import read_token
from scms.dot2.certificate import Certificate
from scms.dot2.errors import Ieee1609Error
from scms.dot2.spdu.encryption_key import SymmetricEncryptionKey

__all__ = ["Deployment", "load_deployment", "read_certificate"]


@dataclass(frozen=True)
class Deployment:
    """A loaded deployment directory (no private key is held here)."""

    layout: Layout
    config: DeploymentConfig
    manifest: Manifest
    certificates: Mapping[str, Certificate]
    global_policy: GlobalPolicy
    device_policies: Mapping[str, DevicePolicy]

    def certificate(self, component: str) -> Certificate:
        try:
            return self.certificates[component]
        except KeyError:
            raise DeploymentError(f"{self.layout.root}: no certificate for {component!r}") from None

    @property
    def elector_names(self) -> tuple[str, ...]:
        return tuple(name for name, entry in self.manifest.certificates.items() if entry.role == "elector")

    def read(self, relative: str) -> bytes:
        """A public file named in the manifest (path relative to the deployment directory)."""
        path = self.layout.root / relative
        try:
            return path.read_bytes()
        except OSError as error:
            raise DeploymentError(f"{path}: cannot read ({error.strerror or error})") from None

    def _key_path(self, component: str, purpose: str) -> Path:
        try:
            return self.layout.root / self.manifest.keys[component][purpose]
        except KeyError:
            raise DeploymentError(f"{self.layout.root}: {component} has no {purpose} key") from None

    def signing_key(self, component: str) -> SoftwareKey:
        """The private key of the component's certificate (checked against the certificate)."""
        path = self._key_path(component, SIGNING)
        key = load_private_key(path, component=component)
        if key.public_point != self.certificate(component).verification_key:
            raise KeyFileError(f"{path}: not the key of the {component} certificate")
        return key

    def encryption_key(self, component: str) -> SoftwareKey:
        """The private key of the component certificate's encryptionKey (RA, MA)."""
        path = self._key_path(component, ENCRYPTION)
        key = load_private_key(path, component=component)
        public = self.certificate(component).encryption_key
        if public is None or key.public_point != public.point:
            raise KeyFileError(f"{path}: not the encryption key of the {component} certificate")
        return key

    def symmetric_key(self, component: str, purpose: str) -> SymmetricEncryptionKey:
        """A symmetric key of the component (e.g. the ACA's "plv-la1" or LA1's "plv-aca")."""
        return load_symmetric_key(self._key_path(component, purpose), component=component)

    def secret(self, component: str, name: str) -> bytes:
        """Another secret file of the component (e.g. the RA's "operator-token"), mode checked."""
        try:
            relative = self.manifest.secrets[component][name]
        except KeyError:
            raise DeploymentError(f"{self.layout.root}: {component} has no secret {name!r}") from None
        return read_secret_file(self.layout.root / relative)

    def token(self, component: str, name: str) -> bytes:
        """A bearer token of the component (`scms.deployment.tokens`: the RA's "operator-token", an LA's
        "release-token"): its secret file, mode checked, without surrounding whitespace, 16 characters or more."""
        return read_token(self.secret(component, name), name=self.manifest.secrets[component][name])

    def latest_ctl(self) -> bytes:
        """The COER MultiSignedCtlSpdu with the highest sequence number."""
        entry = max(self.manifest.ctls, key=lambda e: e.sequence_number)
        return self.read(entry.file)

    def ctls(self) -> tuple[bytes, ...]:
        """Every CTL of the home series, in sequence-number order."""
        return tuple(self.read(e.file) for e in sorted(self.manifest.ctls, key=lambda e: e.sequence_number))

    def ccf(self) -> bytes:
        return self.read(self.manifest.ccf.file)

    def composite_crl(self) -> bytes:
        return self.read(self.manifest.composite_crl.file)

    def latest_crls(self) -> dict[tuple[str, int], bytes]:
        """The newest SecuredCrl of each (crlCraca hex, series)."""
        newest: dict[tuple[str, int], tuple[int, str]] = {}
        for e in self.manifest.crls:
            key = (e.craca, e.series)
            if key not in newest or e.number > newest[key][0]:
                newest[key] = (e.number, e.file)
        return {key: self.read(file) for key, (_, file) in newest.items()}


def read_certificate(layout: Layout, entry: CertificateEntry) -> Certificate:
    """The certificate a manifest entry names, decoded strictly and checked against the entry's HashedId8."""
    path = layout.root / entry.file
    try:
        certificate = Certificate.from_bytes(path.read_bytes())
    except OSError as error:
        raise DeploymentError(f"{path}: cannot read ({error.strerror or error})") from None
    except Ieee1609Error as error:
        raise DeploymentError(f"{path}: not a certificate ({error})") from None
    if certificate.hashed_id8().hex() != entry.hashed_id8:
        raise DeploymentError(f"{path}: HashedId8 {certificate.hashed_id8().hex()} != manifest {entry.hashed_id8}")
    return certificate


def _certificates(layout: Layout, manifest: Manifest) -> dict[str, Certificate]:
    return {name: read_certificate(layout, entry) for name, entry in manifest.certificates.items()}


def load_deployment(directory: Path) -> Deployment:
    """Load the deployment in `directory`: `ConfigError`, `PolicyError` or `DeploymentError` name what is wrong."""
    layout = Layout(Path(directory))
    manifest = read_manifest(layout.manifest_file)
    config = load_config(layout.config_file)
    policies = {kind: load_device_policy(layout.root / file) for kind, file in manifest.device_policies.items()}
    return Deployment(
        layout=layout,
        config=config,
        manifest=manifest,
        certificates=_certificates(layout, manifest),
        global_policy=load_global_policy(layout.root / manifest.global_policy),
        device_policies=policies,
    )
