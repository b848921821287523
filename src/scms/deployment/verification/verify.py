"""`verify_deployment(directory, now)`: check everything a deployment holds, stop at the first defect
(`scms trust verify`; for the services to run at start-up, so that a missing or broken trust anchor stops them).

Steps, in order (each its own module; the report lists every artifact that passed):
1. `files`: `scms.toml`, `deployment.json` and the policy files load and agree;
2. `certificates`: every certificate (current and past) decodes strictly, its signature verifies, its HashedId8,
   issuer and `SecurityMgmtSsp` role are what the manifest and the configuration say;
3. `ctls`: CTL 1 verifies out of band and every later CTL by the previous one's quorum (1609.2.1 §8); the latest
   approves exactly the deployment's electors and only its root CAs;
4. `certificates.check_chains`: every current certificate chains to a root CA the latest CTL approves (1609.2
   §5.1.2: permissions, validity, region) under an issuer of the right role;
5. `published.check_ccf`: the CCF verifies, carries the latest CTL and the certificates it should;
6. `crls`: every CRL verifies, within the scope of its signer's CrlSsp, numbered and named as the manifest says;
7. `published.check_composite_crl`: the composite CRL verifies and carries the latest CTL and newest CRLs;
8. `keys`: the key and secret files of `key_owners` (default: all) are 0600 and match their certificates; their
   bearer tokens (`scms.deployment.tokens`) exist.

A defect raises `TrustError` naming the artifact (path relative to `directory`) and the reason; `now` is the time
everything must be valid at (the CLI reads the clock).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from scms.deployment.layout import Layout
from scms.deployment.verification.certificates import check_certificates, check_chains
from scms.deployment.verification.crls import check_crls
from scms.deployment.verification.ctls import check_ctls
from scms.deployment.verification.files import check_files
from scms.deployment.verification.keys import check_keys
from scms.deployment.verification.published import check_ccf, check_composite_crl
from scms.deployment.verification.report import Recorder, TrustReport
from scms.dot2.time import Time32

__all__ = ["REQUIRED_COMPONENTS", "verify_deployment"]

REQUIRED_COMPONENTS = ("root", "ica", "crl-signer", "eca", "ra", "aca", "la1", "la2", "ma")
"""Components that must have a current certificate (besides at least one elector)."""


def verify_deployment(directory: Path, now: Time32, *, key_owners: Collection[str] | None = None) -> TrustReport:
    """Verify the deployment in `directory` at `now` (see the module docstring); raises `TrustError`."""
    layout = Layout(Path(directory))
    recorder = Recorder(layout.root)
    config, manifest = check_files(layout, recorder)
    missing = [c for c in REQUIRED_COMPONENTS if c not in manifest.certificates]
    if missing or not any(name.startswith("elector-") for name in manifest.certificates):
        raise recorder.fail("deployment.json", f"no current certificate for {', '.join(missing) or 'any elector'}")
    inventory = check_certificates(layout, config, manifest, recorder)
    trust, latest = check_ctls(layout, manifest, inventory, now, recorder)
    check_chains(inventory, trust, now, recorder)
    check_ccf(layout, manifest, inventory, trust, latest, now, recorder)
    check_crls(layout, config, manifest, inventory, now, recorder)
    check_composite_crl(layout, manifest, inventory, trust, latest, now, recorder)
    check_keys(layout, manifest, inventory, key_owners, recorder)
    return TrustReport(layout.root, now, tuple(recorder.checked), tuple(recorder.warnings), trust)
