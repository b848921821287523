"""What the published files of a deployment must carry (1609.2.1 §8.4 CCF, §8.5 composite CRL, §8.6 CTL).

One definition for the manager, which builds the files, and the trust verifier, which checks them:

* `home_trust(deployment, now)`: the trust of the latest home CTL, reached from CTL 1 through every CTL in between
  (`scms.protocol.verify_ctl_sequence`), as a device that bootstrapped with CTL 1 would reach it;
* `ccf_certificates(inventory, trust, now)`: the CCF's `others`: the current certificate of each `CCF_COMPONENTS`,
  then the past ones (rotated) still valid at `now` whose chain tops out at a root CA the CTL still approves;
* `composite_crl_entries(manifest, trust)`: the newest CRL of every (CRACA, series) whose CRACA is an approved root.
"""

from __future__ import annotations

from scms.deployment.deployment import Deployment
from scms.deployment.inventory import Inventory
from scms.deployment.manifest import CrlEntry, Manifest
from scms.dot2.certificate import Certificate
from scms.dot2.time import Time32
from scms.protocol.ctl_trust import TrustState, verify_ctl_sequence

__all__ = ["CCF_COMPONENTS", "approved_root_ids", "ccf_certificates", "composite_crl_entries", "home_trust"]

CCF_COMPONENTS = ("ica", "eca", "aca", "ra", "ma", "crl-signer")
"""Certificates the CCF carries beside its home CTL (1609.2.1 §8.4: the CA and MA certificates; also the RA's,
which EEs encrypt to, and the CRL signer's, which verifies the CRLs)."""


def home_trust(deployment: Deployment, now: Time32) -> TrustState:
    """The trust state of the latest CTL, verified from CTL 1 (raises `Ieee1609Error` on a broken sequence)."""
    first, *later = deployment.ctls()
    return verify_ctl_sequence(first, later, now)


def approved_root_ids(trust: TrustState) -> frozenset[str]:
    """HashedId8 (hex) of every root CA the CTL approves: the CRACAs whose CRLs are published."""
    return frozenset(c.hashed_id8().hex() for c in trust.root_certificates)


def ccf_certificates(inventory: Inventory, trust: TrustState, now: Time32) -> tuple[Certificate, ...]:
    """The certificates a CCF published at `now` under `trust` carries (see the module docstring)."""
    roots = approved_root_ids(trust)
    chosen = [h.certificate for name in CCF_COMPONENTS for h in inventory.current if h.component == name]
    for held in inventory:
        if held.current or held.component not in CCF_COMPONENTS or not held.certificate.valid_at(now):
            continue
        root = inventory.root_of(held.certificate)
        if root is not None and root.hashed_id8().hex() in roots and held.certificate not in chosen:
            chosen.append(held.certificate)
    return tuple(chosen)


def composite_crl_entries(manifest: Manifest, trust: TrustState) -> tuple[CrlEntry, ...]:
    """The newest CRL of each (CRACA, series) whose CRACA the CTL approves, in manifest order."""
    roots = approved_root_ids(trust)
    newest: dict[tuple[str, int], CrlEntry] = {}
    for entry in manifest.crls:
        key = (entry.craca, entry.series)
        if entry.craca in roots and (key not in newest or entry.number > newest[key].number):
            newest[key] = entry
    return tuple(newest.values())
