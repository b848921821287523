"""Where everything of a deployment lives: one place for every path (the directory `scms init` creates).

    DIR/
      scms.toml                      the configuration every component reads (no secrets: paths only)
      deployment.json                the manifest: what init (and later operations) produced, by name
      public/                        what any component or device may read
        certificates/<name>.oer      every CA, component and elector certificate (COER); <name>-<g>.oer for the
                                     g-th certificate of a component (rotation, a new root; g >= 2)
        ctl/ctl_<series>_<seq>.oer   MultiSignedCtlSpdu, one per CTL sequence number (1609.2.1 §8.6 names)
        ccf/ccf_<version>.oer        CertificateChainSpdu (version in hex; 1609.2.1 §8.4 names)
        crl/crl_<craca>_<series>_<n>.oer   SecuredCrl, n-th CRL of that CRACA (HashedId8 hex) and series
        composite-crl/composite-crl_<version>.oer   CompositeCrlSpdu (version in hex; 1609.2.1 §8.5 names)
        policy/global.json, policy/device-<type>.json
      <component>/                   one directory per component, mode 0700, read by that component only
        keys/<purpose>.key (+ .json) its private keys (mode 0600; `scms.deployment.keystore`); <purpose>-<g>.key
                                     for the keys of its g-th certificate
        secrets/                     its bearer tokens (`tokens`: the RA's operator token, an LA's release token)
        data/<component>.sqlite      its database (default; `scms.toml` may name another)

Components: the manager's `root`, `ica`, `crl-signer` and `elector-<n>`; the services `eca`, `ra`, `aca`, `la1`,
`la2`, `ma`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scms.crypto import HashedId8
from scms.protocol.ccf import ccf_file_name
from scms.protocol.composite_crl import composite_crl_file_name

__all__ = [
    "CONFIG_FILE",
    "ENCRYPTION",
    "MANAGER_COMPONENTS",
    "MANIFEST_FILE",
    "SERVICE_COMPONENTS",
    "SIGNING",
    "Layout",
    "elector_name",
    "plv_key_purpose",
]

CONFIG_FILE = "scms.toml"
MANIFEST_FILE = "deployment.json"

MANAGER_COMPONENTS = ("root", "ica", "crl-signer")
"""Trust-anchor side components held by the SCMS manager (electors are named by `elector_name`)."""

SERVICE_COMPONENTS = ("eca", "ra", "aca", "la1", "la2", "ma")
"""The online components (issue 4's services)."""

SIGNING = "signing"
"""Key purpose: the key of the component's certificate (verifyKeyIndicator)."""

ENCRYPTION = "encryption"
"""Key purpose: the private key of the certificate's encryptionKey (RA, MA)."""


def elector_name(number: int) -> str:
    """The component name of elector `number` (1-based)."""
    if number < 1:
        raise ValueError("electors are numbered from 1")
    return f"elector-{number}"


def plv_key_purpose(peer: str) -> str:
    """Purpose name of the LA-ACA symmetric key (1609.2.1 §7.3 `EncryptedIndividualPLV`) held for `peer`."""
    return f"plv-{peer}"


def _versioned(name: str, generation: int) -> str:
    if generation < 1:
        raise ValueError("generations are numbered from 1")
    return name if generation == 1 else f"{name}-{generation}"


@dataclass(frozen=True)
class Layout:
    """The paths of the deployment rooted at `root`."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def manifest_file(self) -> Path:
        return self.root / MANIFEST_FILE

    @property
    def public_dir(self) -> Path:
        return self.root / "public"

    @property
    def certificates_dir(self) -> Path:
        return self.public_dir / "certificates"

    def certificate(self, name: str, generation: int = 1) -> Path:
        """The `generation`-th certificate of component `name` (1: the one init made)."""
        return self.certificates_dir / f"{_versioned(name, generation)}.oer"

    def ctl(self, series_id: bytes, sequence: int) -> Path:
        return self.public_dir / "ctl" / f"ctl_{series_id.hex()}_{sequence}.oer"

    def ccf(self, version: int) -> Path:
        return self.public_dir / "ccf" / ccf_file_name(version)

    def crl(self, craca: HashedId8, series: int, number: int) -> Path:
        return self.public_dir / "crl" / f"crl_{bytes(craca).hex()}_{series}_{number}.oer"

    def composite_crl(self, version: int) -> Path:
        return self.public_dir / "composite-crl" / composite_crl_file_name(version)

    @property
    def policy_dir(self) -> Path:
        return self.public_dir / "policy"

    @property
    def global_policy(self) -> Path:
        return self.policy_dir / "global.json"

    def device_policy(self, device_type: str) -> Path:
        return self.policy_dir / f"device-{device_type.lower()}.json"

    def component_dir(self, component: str) -> Path:
        return self.root / component

    def key_dir(self, component: str) -> Path:
        return self.component_dir(component) / "keys"

    def key_file(self, component: str, purpose: str, generation: int = 1) -> Path:
        """The key of `purpose` that goes with the component's `generation`-th certificate."""
        return self.key_dir(component) / f"{_versioned(purpose, generation)}.key"

    def secrets_dir(self, component: str) -> Path:
        return self.component_dir(component) / "secrets"

    def data_dir(self, component: str) -> Path:
        return self.component_dir(component) / "data"

    def database_file(self, component: str) -> Path:
        return self.data_dir(component) / f"{component}.sqlite"

    def default_database_url(self, component: str) -> str:
        """SQLAlchemy URL of the component's default SQLite database."""
        return f"sqlite:///{self.database_file(component).resolve()}"

    def resolve(self, path: str) -> Path:
        """A path from `scms.toml`: relative paths are relative to the deployment directory."""
        candidate = Path(path)
        return candidate if candidate.is_absolute() else self.root / candidate
