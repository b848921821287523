"""Step 8 of `verify_deployment`: the private files (`scms.deployment.keystore`; style rule 14).

Every key file the manifest names, for the current certificates and the past ones, is a regular file of mode 0600
in a 0700 directory of its owner, agrees with its description, and holds the private key of the certificate it
goes with (signing: the verification key; encryption: the encryptionKey). The LA-ACA pre-linkage value keys
(1609.2.1 §7.3) are the same on both sides; the other secret files are 0600 in a 0700 directory. Every bearer
token of `scms.deployment.tokens.REQUIRED_TOKENS` (the RA's operator token, each LA's seed-release token) is named
in `deployment.json` and has 16 characters or more. Only the keys and secrets of `owners` are read (None: every
component's): a host that holds one component checks that one's.
"""

from __future__ import annotations

import stat
from collections.abc import Collection
from pathlib import Path

from scms.deployment.inventory import Inventory
from scms.deployment.keystore import load_private_key, load_symmetric_key, read_secret_file
from scms.deployment.layout import ENCRYPTION, SIGNING, Layout, plv_key_purpose
from scms.deployment.manifest import Manifest, PastCertificate
from scms.deployment.tokens import REQUIRED_TOKENS, read_token
from scms.deployment.verification.report import Recorder
from scms.dot2.certificate import Certificate

__all__ = ["check_keys"]


def _check_directory(path: Path, file: str, recorder: Recorder) -> None:
    mode = stat.S_IMODE(path.parent.stat().st_mode) if path.parent.exists() else 0
    if mode & 0o077:
        raise recorder.fail(file, f"its directory has mode {mode:04o}; key directories are 0700")


def _check_key(
    layout: Layout, component: str, purpose: str, file: str, certificate: Certificate, recorder: Recorder
) -> bytes | None:
    """Check one key file; returns the AES key of a symmetric key (to compare both sides)."""
    path = layout.root / file
    _check_directory(path, file, recorder)
    with recorder.artifact(file):
        if purpose not in (SIGNING, ENCRYPTION):
            return load_symmetric_key(path, component=component).key
        key = load_private_key(path, component=component)
    if purpose == SIGNING:
        expected = certificate.verification_key
    else:
        encryption = certificate.encryption_key
        expected = None if encryption is None else encryption.point
    if key.public_point != expected:
        raise recorder.fail(file, f"not the {purpose} key of {component}'s certificate {certificate.hashed_id8()}")
    recorder.ok(file, f"{component} {purpose} key", f"mode 0600; matches {certificate.hashed_id8()}")
    return None


def check_keys(
    layout: Layout, manifest: Manifest, inventory: Inventory, owners: Collection[str] | None, recorder: Recorder
) -> None:
    """Every key and secret file of `owners` (see the module docstring)."""
    symmetric: dict[tuple[str, str], bytes] = {}
    for held in inventory:
        component = held.component
        if owners is not None and component not in owners:
            continue
        keys = held.entry.keys if isinstance(held.entry, PastCertificate) else manifest.keys.get(component, {})
        if held.current and SIGNING not in keys:
            raise recorder.fail(held.entry.file, f"deployment.json names no signing key of {component}")
        for purpose, file in keys.items():
            secret = _check_key(layout, component, purpose, file, held.certificate, recorder)
            if secret is not None:
                symmetric[(component, purpose)] = secret
                recorder.ok(file, f"{component} {purpose} key", "mode 0600; AES-128")
    for la in ("la1", "la2"):
        aca_side, la_side = symmetric.get(("aca", plv_key_purpose(la))), symmetric.get((la, plv_key_purpose("aca")))
        if aca_side is not None and la_side is not None and aca_side != la_side:
            raise recorder.fail(manifest.keys[la][plv_key_purpose("aca")], f"not the key the ACA holds for {la}")
    _check_secrets(layout, manifest, owners, recorder)


def _check_secrets(layout: Layout, manifest: Manifest, owners: Collection[str] | None, recorder: Recorder) -> None:
    for component, names in REQUIRED_TOKENS.items():
        missing = [name for name in names if name not in manifest.secrets.get(component, {})]
        if missing and (owners is None or component in owners):
            raise recorder.fail("deployment.json", f"names no {missing[0]} of {component} (docs/trust.md, Secrets)")
    for component, named in manifest.secrets.items():
        if owners is not None and component not in owners:
            continue
        for name, file in named.items():
            if not Path(file).is_absolute():  # an absolute path is the operator's own (e.g. a mounted secret)
                _check_directory(layout.resolve(file), file, recorder)
            with recorder.artifact(file):
                data = read_secret_file(layout.resolve(file))
                if name in REQUIRED_TOKENS.get(component, ()):
                    read_token(data, name=file)
            recorder.ok(file, f"{component} {name}", "mode 0600")
