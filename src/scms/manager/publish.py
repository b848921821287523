"""Write a new deployment into a directory: each file where `scms.deployment.layout` says, then the manifest.

Public artifacts (certificates, CTL, CCF, CRLs, composite CRL, policy files, `scms.toml`) are 0644 files under
`public/` and at the top; each private key goes into its own component's `keys/` directory (0700, files 0600) and
nowhere else; the bearer tokens (`scms.deployment.tokens`: the RA's registration operator token, each LA's
seed-release token) into the component's `secrets/` (0700, files 0600). Nothing secret is written anywhere another
component reads. `deployment.json` is written last: a directory without it is not a deployment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scms.deployment.config import DeploymentConfig
from scms.deployment.config_file import render_config
from scms.deployment.files import write_public_file
from scms.deployment.keystore import ensure_private_dir, write_private_key, write_secret_file, write_symmetric_key
from scms.deployment.layout import ENCRYPTION, SERVICE_COMPONENTS, SIGNING, Layout
from scms.deployment.manifest import CertificateEntry, CrlEntry, CtlEntry, Manifest, VersionedFile, dump_manifest
from scms.deployment.policy import DevicePolicy, DeviceType, GlobalPolicy, dump_policy
from scms.deployment.tokens import OPERATOR_TOKEN, RELEASE_TOKEN, new_token
from scms.dot2.time import Time32
from scms.manager.crls import IssuedCrl
from scms.manager.hierarchy import Hierarchy
from scms.protocol.security_mgmt_ssp import certificate_role

__all__ = ["NewDeployment", "write_deployment"]


@dataclass(frozen=True)
class NewDeployment:
    """Everything `scms init` made, before it is written."""

    config: DeploymentConfig
    now: Time32
    hierarchy: Hierarchy
    ctl: bytes
    ccf: bytes
    crls: tuple[IssuedCrl, ...]
    composite_crl: bytes
    global_policy: GlobalPolicy
    device_policies: Mapping[DeviceType, DevicePolicy]


def _relative(layout: Layout, path: Path) -> str:
    return str(path.relative_to(layout.root)) if path.is_relative_to(layout.root) else str(path)


def _public(layout: Layout, path: Path, data: bytes) -> str:
    write_public_file(path, data)
    return _relative(layout, path)


def _certificates(layout: Layout, new: NewDeployment) -> dict[str, CertificateEntry]:
    by_id = {h.certificate.hashed_id8(): name for name, h in new.hierarchy.holders.items()}
    entries = {}
    for name, holder in new.hierarchy.holders.items():
        certificate = holder.certificate
        digest = certificate.issuer.digest
        role = certificate_role(certificate)
        entries[name] = CertificateEntry(
            file=_public(layout, layout.certificate(name), certificate.data),
            hashed_id8=certificate.hashed_id8().hex(),
            issuer=None if digest is None else by_id[digest],
            role="" if role is None else role.value,
        )
    return entries


def _keys(layout: Layout, new: NewDeployment) -> dict[str, dict[str, str]]:
    keys: dict[str, dict[str, str]] = {}
    for name, holder in new.hierarchy.holders.items():
        ensure_private_dir(layout.component_dir(name))
        owned = {SIGNING: holder.signing_key, ENCRYPTION: holder.encryption_key}
        for purpose, key in owned.items():
            if key is not None:
                path = layout.key_file(name, purpose)
                write_private_key(path, key, component=name, purpose=purpose)
                keys.setdefault(name, {})[purpose] = _relative(layout, path)
    for name, by_purpose in new.hierarchy.symmetric_keys.items():
        for purpose, symmetric in by_purpose.items():
            path = layout.key_file(name, purpose)
            write_symmetric_key(path, symmetric, component=name, purpose=purpose)
            keys.setdefault(name, {})[purpose] = _relative(layout, path)
    for name in SERVICE_COMPONENTS:
        ensure_private_dir(layout.data_dir(name))
    return keys


def _secrets(layout: Layout, config: DeploymentConfig) -> dict[str, dict[str, str]]:
    """A fresh bearer token for each component that needs one (`scms.deployment.tokens`): the RA's where `[ra]
    operator_token_file` says (an absolute path is the operator's own, e.g. a mounted secret: not written), each
    LA's in its `secrets/`."""
    files = {"ra": {OPERATOR_TOKEN: config.ra.operator_token_file}}
    for la in ("la1", "la2"):
        files[la] = {RELEASE_TOKEN: _relative(layout, layout.secrets_dir(la) / RELEASE_TOKEN)}
    for named in files.values():
        for file in named.values():
            if not Path(file).is_absolute():
                write_secret_file(layout.resolve(file), new_token())
    return files


def write_deployment(layout: Layout, new: NewDeployment) -> Manifest:
    """Write every file of `new` under `layout.root` (which must be empty); returns the manifest written last."""
    config = new.config
    series = config.manager.ctl.series_bytes
    crls = tuple(
        CrlEntry(
            craca=bytes(c.craca).hex(),
            series=c.series,
            number=c.number,
            kind=c.kind,
            file=_public(layout, layout.crl(c.craca, c.series, c.number), c.secured),
        )
        for c in new.crls
    )
    manifest = Manifest(
        created=int(new.now),
        ctl_series_id=series.hex(),
        certificates=_certificates(layout, new),
        keys=_keys(layout, new),
        ctls=(CtlEntry(sequence_number=1, file=_public(layout, layout.ctl(series, 1), new.ctl)),),
        ccf=VersionedFile(version=1, file=_public(layout, layout.ccf(1), new.ccf)),
        crls=crls,
        composite_crl=VersionedFile(version=1, file=_public(layout, layout.composite_crl(1), new.composite_crl)),
        global_policy=_public(layout, layout.global_policy, dump_policy(new.global_policy)),
        device_policies={
            kind: _public(layout, layout.device_policy(kind), dump_policy(policy))
            for kind, policy in new.device_policies.items()
        },
        secrets=_secrets(layout, config),
    )
    write_public_file(layout.config_file, render_config(config).encode())
    write_public_file(layout.manifest_file, dump_manifest(manifest))
    return manifest
