"""Steps 5 and 7 of `verify_deployment`: the CCF and the composite CRL a device downloads (1609.2.1 §8.4, §8.5).

The current CCF (`ccf_<version>.oer`) verifies as a device verifies it (`verify_ccf`: its home CTL followed, every
certificate chained to an approved root CA), its home CTL is exactly the latest CTL, and it carries exactly what
`scms.deployment.publication.ccf_certificates` says it should: the current CA, RA, MA and CRL-signer certificates
and the past ones still valid under an approved root, nothing that is not a certificate of this deployment.

The current composite CRL (`composite-crl_<version>.oer`) verifies (`verify_composite_crl`: home CTL followed, every
CRL's signer chained to an approved root at `now`), its home CTL is the latest CTL, and its CRLs are exactly the
newest CRL of every series of every approved CRACA (`publication.composite_crl_entries`).
"""

from __future__ import annotations

from scms.deployment.inventory import Inventory
from scms.deployment.layout import Layout
from scms.deployment.manifest import Manifest, VersionedFile
from scms.deployment.publication import ccf_certificates, composite_crl_entries
from scms.deployment.verification.report import Recorder
from scms.dot2.time import Time32
from scms.protocol.ccf import verify_ccf
from scms.protocol.composite_crl import parse_composite_crl, verify_composite_crl
from scms.protocol.ctl import Ctl
from scms.protocol.ctl_trust import TrustState

__all__ = ["check_ccf", "check_composite_crl"]


def _read(layout: Layout, versioned: VersionedFile, expected: str, recorder: Recorder) -> bytes:
    if versioned.file != expected:
        raise recorder.fail(versioned.file, f"version {versioned.version} belongs in {expected}")
    try:
        return (layout.root / versioned.file).read_bytes()
    except OSError as error:
        raise recorder.fail(versioned.file, f"cannot read ({error.strerror or error})") from None


def _home_is_latest(home: Ctl, latest: bytes, trust: TrustState, file: str, recorder: Recorder) -> None:
    if home.raw != latest:
        raise recorder.fail(file, f"home CTL is CTL {home.sequence_number}, not the latest CTL {trust.sequence_number}")


def check_ccf(
    layout: Layout, manifest: Manifest, inventory: Inventory, trust: TrustState, latest: bytes, now: Time32,
    recorder: Recorder,
) -> None:
    """The current CCF (see the module docstring)."""
    file = manifest.ccf.file
    data = _read(layout, manifest.ccf, str(layout.ccf(manifest.ccf.version).relative_to(layout.root)), recorder)
    with recorder.artifact(file):
        verified = verify_ccf(data, trust, now)
    _home_is_latest(verified.ccf.home_ctl, latest, trust, file, recorder)
    carried = verified.ccf.others
    held = set(inventory.certificates)
    for certificate in carried:
        if certificate not in held:
            raise recorder.fail(file, f"carries {certificate}, which is not a certificate of this deployment")
    for certificate in ccf_certificates(inventory, trust, now):
        if certificate not in carried:
            owner = inventory.find(certificate.hashed_id8())
            name = "" if owner is None else f" ({owner.component}, {owner.entry.file})"
            raise recorder.fail(file, f"lacks {certificate}{name}")
    detail = f"version {manifest.ccf.version}: home CTL {trust.sequence_number}, {len(carried)} certificates"
    recorder.ok(file, "CCF", detail)


def check_composite_crl(
    layout: Layout, manifest: Manifest, inventory: Inventory, trust: TrustState, latest: bytes, now: Time32,
    recorder: Recorder,
) -> None:
    """The current composite CRL (see the module docstring)."""
    versioned = manifest.composite_crl
    file = versioned.file
    expected = str(layout.composite_crl(versioned.version).relative_to(layout.root))
    data = _read(layout, versioned, expected, recorder)
    with recorder.artifact(file):
        verify_composite_crl(data, trust, now, certificates=inventory.certificates)
        parsed = parse_composite_crl(data)
    _home_is_latest(parsed.home_ctl, latest, trust, file, recorder)
    wanted = {}
    for entry in composite_crl_entries(manifest, trust):
        wanted[(layout.root / entry.file).read_bytes()] = entry.file
    for crl in parsed.crls:
        if crl not in wanted:
            raise recorder.fail(file, "carries a CRL that is not the newest of its series in this deployment")
    for crl, crl_file in wanted.items():
        if crl not in parsed.crls:
            raise recorder.fail(file, f"lacks the newest CRL {crl_file}")
    detail = f"version {versioned.version}: home CTL {trust.sequence_number}, {len(parsed.crls)} CRLs"
    recorder.ok(file, "composite CRL", detail)
