"""Apply one manager operation to an existing deployment: new files beside the old ones, then the manifest.

An operation (a CTL change, a rotation, a CRL) opens an `Update` on the deployment (`Update.open(dir, now)`: loaded,
and its CTL sequence verified from CTL 1, so nothing is built on a broken trust), adds what it made and `commit`s:

1. each new private key into its owner's key directory (0600, `O_EXCL`: a key is never overwritten), named for
   the generation of the certificate it goes with (`signing-2.key`);
2. each new public file under a new name: `<name>-<g>.oer` for a component's g-th certificate, the next CTL
   sequence number, the next CRL number, the next CCF and composite CRL version (1609.2.1 §8.4-8.6 names); nothing
   published is overwritten, so devices and mirrors can fetch any earlier file;
3. `deployment.json` last, swapped in atomically, and only if it has not changed since the operation began
   (compare-and-set under a lock file, `_commit`): two operations at once cannot both win. Files of a commit
   that fails are removed again.

A replaced certificate moves to `Manifest.history` with its keys: it stays valid until its own expiry. Before the
commit every new CTL is verified against the current one (`verify_next_ctl`), and `refresh_ccf` /
`refresh_composite_crl` rebuild those files from `scms.deployment.publication`, the rules `scms trust verify`
checks them by.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scms.crypto import SoftwareKey
from scms.deployment.deployment import Deployment, load_deployment
from scms.deployment.errors import DeploymentError
from scms.deployment.inventory import Held, Inventory, load_inventory
from scms.deployment.layout import ENCRYPTION, MANIFEST_FILE, SIGNING
from scms.deployment.manifest import (
    CertificateEntry,
    CrlEntry,
    CtlEntry,
    Manifest,
    PastCertificate,
    VersionedFile,
)
from scms.deployment.publication import ccf_certificates, composite_crl_entries, home_trust
from scms.dot2.certificate import Certificate
from scms.dot2.time import Time32
from scms.manager._commit import LOCK_FILE, PrivateKeyFile, commit_files
from scms.manager.crls import IssuedCrl
from scms.manager.hierarchy import Holder
from scms.protocol.ccf import build_ccf
from scms.protocol.composite_crl import build_composite_crl
from scms.protocol.ctl import parse_ctl
from scms.protocol.ctl_trust import TrustState, verify_next_ctl
from scms.protocol.security_mgmt_ssp import certificate_role

__all__ = ["LOCK_FILE", "Applied", "Update"]

_CERTIFICATE_KEYS = (SIGNING, ENCRYPTION)
"""Key purposes that belong to one certificate (they change with it); other keys (symmetric) stay with the component."""


@dataclass(frozen=True)
class Applied:
    """What an operation wrote: the new manifest and every new file (relative paths, keys included)."""

    manifest: Manifest
    files: tuple[str, ...]


@dataclass
class Update:
    """The pending changes of one operation (see the module docstring)."""

    deployment: Deployment
    now: Time32
    trust: TrustState
    held: list[Held]
    manifest_bytes: bytes
    changes: dict[str, object] = field(default_factory=dict)
    public: dict[Path, bytes] = field(default_factory=dict)
    private: list[PrivateKeyFile] = field(default_factory=list)

    @classmethod
    def open(cls, directory: Path, now: Time32) -> Update:
        """Load the deployment in `directory` and verify its CTLs at `now`."""
        layout_manifest = Path(directory) / MANIFEST_FILE
        before = layout_manifest.read_bytes() if layout_manifest.exists() else b""
        deployment = load_deployment(Path(directory))
        inventory = load_inventory(deployment)
        return cls(deployment, now, home_trust(deployment, now), list(inventory.held), before)

    # --- what is current ---------------------------------------------------------------------------------------

    @property
    def manifest(self) -> Manifest:
        return self.deployment.manifest.model_copy(update=self.changes)

    @property
    def inventory(self) -> Inventory:
        return Inventory((*(h for h in self.held if h.current), *(h for h in self.held if not h.current)))

    def current(self, component: str) -> Certificate:
        """The component's current certificate (after the changes so far)."""
        held = self.inventory.current_held(component)
        if held is not None:
            return held.certificate
        raise DeploymentError(f"{self.deployment.layout.root}: no current certificate for {component!r}")

    def holder(self, component: str) -> Holder:
        """The component's current certificate with its signing key (loaded from its key file, checked)."""
        certificate = self.current(component)
        key = self.deployment.signing_key(component)
        if key.public_point != certificate.verification_key:
            raise DeploymentError(f"{component}: its signing key is not the key of its current certificate")
        return Holder(component, certificate, key)

    def latest_ctl(self) -> bytes:
        entry = max(self.manifest.ctls, key=lambda e: e.sequence_number)
        return self._read(entry.file)

    def _read(self, relative: str) -> bytes:
        return self.public.get(self.deployment.layout.root / relative) or self.deployment.read(relative)

    def _relative(self, path: Path) -> str:
        return str(path.relative_to(self.deployment.layout.root))

    def _publish(self, path: Path, data: bytes) -> str:
        if path.exists() or path in self.public:
            raise DeploymentError(f"{path}: already exists; published files are never overwritten")
        self.public[path] = data
        return self._relative(path)

    # --- changes -----------------------------------------------------------------------------------------------

    def _retire(self, component: str, successor: Certificate | None) -> None:
        manifest = self.manifest
        entry = manifest.certificates[component]
        past = PastCertificate(
            **entry.model_dump(),
            component=component,
            keys={p: f for p, f in manifest.keys.get(component, {}).items() if p in _CERTIFICATE_KEYS},
            until=int(self.now),
            successor=None if successor is None else successor.hashed_id8().hex(),
        )
        index = next(i for i, h in enumerate(self.held) if h.current and h.component == component)
        self.held[index] = Held(component, past, self.held[index].certificate)
        self.changes |= {"history": (*manifest.history, past)}
        if successor is None:  # removed: no current certificate or keys any more (a successor takes the place)
            certificates = {n: e for n, e in manifest.certificates.items() if n != component}
            keys = {n: k for n, k in manifest.keys.items() if n != component}
            self.changes |= {"certificates": certificates, "keys": keys}

    def retire(self, component: str) -> None:
        """Move a current certificate (an elector the CTL removes) to the history, keys and files kept."""
        self._retire(component, None)

    def put_certificate(self, component: str, certificate: Certificate, keys: Mapping[str, SoftwareKey]) -> None:
        """Make `certificate` the component's current one (the previous one, if any, moves to the history)."""
        layout = self.deployment.layout
        generation = self.inventory.next_generation(component)
        if component in self.manifest.certificates:
            self._retire(component, certificate)
        issuer = self.inventory.issuer(certificate)
        role = certificate_role(certificate)
        entry = CertificateEntry(
            file=self._publish(layout.certificate(component, generation), certificate.data),
            hashed_id8=certificate.hashed_id8().hex(),
            issuer=None if issuer is None else issuer.component,
            role="" if role is None else role.value,
        )
        kept = self.manifest.keys.get(component, {})
        files = {p: f for p, f in kept.items() if p not in _CERTIFICATE_KEYS}  # e.g. the PLV keys stay
        for purpose, key in keys.items():
            path = layout.key_file(component, purpose, generation)
            self.private.append((path, key, component, purpose))
            files[purpose] = self._relative(path)
        manifest = self.manifest
        self.held.append(Held(component, entry, certificate))
        self.changes |= {
            "certificates": {**manifest.certificates, component: entry},
            "keys": {**manifest.keys, component: files},
        }

    def add_ctl(self, ctl: bytes) -> TrustState:
        """Publish the next CTL of the home series after verifying it against the current one."""
        self.trust = verify_next_ctl(self.trust, ctl, self.now)
        series = bytes.fromhex(self.manifest.ctl_series_id)
        sequence = parse_ctl(ctl).sequence_number
        file = self._publish(self.deployment.layout.ctl(series, sequence), ctl)
        entry = CtlEntry(sequence_number=sequence, file=file)
        self.changes |= {"ctls": (*self.manifest.ctls, entry)}
        return self.trust

    def add_crl(self, crl: IssuedCrl) -> CrlEntry:
        path = self.deployment.layout.crl(crl.craca, crl.series, crl.number)
        entry = CrlEntry(
            craca=bytes(crl.craca).hex(), series=crl.series, number=crl.number, kind=crl.kind,
            file=self._publish(path, crl.secured),
        )
        self.changes |= {"crls": (*self.manifest.crls, entry)}
        return entry

    def refresh_ccf(self) -> None:
        """The next CCF version: the latest CTL and `publication.ccf_certificates`."""
        version = self.manifest.ccf.version + 1
        ccf = build_ccf(self.latest_ctl(), ccf_certificates(self.inventory, self.trust, self.now))
        file = self._publish(self.deployment.layout.ccf(version), ccf)
        self.changes |= {"ccf": VersionedFile(version=version, file=file)}

    def refresh_composite_crl(self) -> None:
        """The next composite CRL version: the latest CTL and the newest CRL of every approved CRACA's series."""
        version = self.manifest.composite_crl.version + 1
        crls = [self._read(e.file) for e in composite_crl_entries(self.manifest, self.trust)]
        data = build_composite_crl(crls, self.latest_ctl())
        file = self._publish(self.deployment.layout.composite_crl(version), data)
        self.changes |= {"composite_crl": VersionedFile(version=version, file=file)}

    # --- commit ------------------------------------------------------------------------------------------------

    def commit(self) -> Applied:
        """Write the keys, the public files, then the manifest (see the module docstring)."""
        manifest = Manifest.model_validate(self.manifest.model_dump())
        commit_files(self.deployment.layout, self.manifest_bytes, self.private, self.public, manifest)
        files = [self._relative(p) for p, *_ in self.private] + [self._relative(p) for p in self.public]
        return Applied(manifest, tuple(files))
