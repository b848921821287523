"""Step 6 of `verify_deployment`: every CRL (1609.2 §7.3-7.4; `scms.dot2.verify_crl`).

Each CRL the manifest lists is under its name (`crl_<craca>_<series>_<n>.oer`), verifies (signature, x-only r,
header psid 256 only, the receipt lint rules) with a signer among the deployment's certificates whose `CrlSsp` lets
it sign CRLs of that CRACA and series (scope: `crl_signer_ssp`), and says what the manifest says: CRACA (a root CA
of the deployment), series (one of the configuration's, linkage-based exactly for the pseudonym series), kind,
number (consecutive from 1 per CRACA and series; crlSerial = number for hash CRLs). The CRACA of the current CRL
signer has a CRL of every series. A newest CRL past its nextCrl is a warning, not a defect.
"""

from __future__ import annotations

from scms.crypto import HashedId8
from scms.deployment.config import DeploymentConfig
from scms.deployment.inventory import Inventory
from scms.deployment.layout import Layout
from scms.deployment.manifest import CrlEntry, Manifest
from scms.deployment.verification.report import Recorder
from scms.dot2.crl import VerifiedCrl, verify_crl
from scms.dot2.time import Time32
from scms.protocol.security_mgmt_ssp import Role

__all__ = ["check_crls"]


def _check_entry(
    layout: Layout, config: DeploymentConfig, entry: CrlEntry, inventory: Inventory, recorder: Recorder
) -> VerifiedCrl:
    file = entry.file
    craca = HashedId8(bytes.fromhex(entry.craca))
    expected = str(layout.crl(craca, entry.series, entry.number).relative_to(layout.root))
    if file != expected:
        raise recorder.fail(file, f"CRL {entry.number} of {entry.craca} series {entry.series} belongs in {expected}")
    try:
        data = (layout.root / file).read_bytes()
    except OSError as error:
        raise recorder.fail(file, f"cannot read ({error.strerror or error})") from None
    with recorder.artifact(file):
        crl = verify_crl(data, certificates=inventory.certificates)
    found = (crl.craca.hex(), crl.series, "hash" if crl.kind.is_hash_based else "linkage")
    if found != (entry.craca, entry.series, entry.kind):
        raise recorder.fail(file, f"is a {found[2]} CRL of CRACA {found[0]} series {found[1]}; deployment.json differs")
    held = inventory.find(craca)
    if held is None or held.entry.role != Role.ROOT.value:
        raise recorder.fail(file, f"crlCraca {entry.craca} is not a root CA of this deployment")
    crl_config = config.manager.crl
    if entry.series not in crl_config.all_series:
        raise recorder.fail(file, f"series {entry.series} is not one of scms.toml's {list(crl_config.all_series)}")
    if (entry.series == crl_config.pseudonym_series) != (entry.kind == "linkage"):
        raise recorder.fail(file, f"series {entry.series}: only the pseudonym series is linkage-based")
    if crl.crl_serial is not None and crl.crl_serial != entry.number:
        raise recorder.fail(file, f"crlSerial {crl.crl_serial}, but it is CRL {entry.number} of its series")
    return crl


def check_crls(
    layout: Layout, config: DeploymentConfig, manifest: Manifest, inventory: Inventory, now: Time32, recorder: Recorder
) -> None:
    """Every CRL (see the module docstring)."""
    numbers: dict[tuple[str, int], list[int]] = {}
    newest: dict[tuple[str, int], tuple[int, VerifiedCrl, str]] = {}
    for entry in manifest.crls:
        crl = _check_entry(layout, config, entry, inventory, recorder)
        key = (entry.craca, entry.series)
        numbers.setdefault(key, []).append(entry.number)
        if key not in newest or entry.number > newest[key][0]:
            newest[key] = (entry.number, crl, entry.file)
        count = len(crl.hash_entries) + len(crl.linkage_entries) + len(crl.group_entries)
        detail = f"{entry.kind} CRL {entry.number} of series {entry.series}, {count} entries"
        recorder.ok(entry.file, "CRL", f"{detail}; signed by {crl.signer.hashed_id8()}")
    for (root, series), listed in numbers.items():
        if sorted(listed) != list(range(1, len(listed) + 1)):
            raise recorder.fail("deployment.json", f"CRLs of {root} series {series} are numbered {sorted(listed)}")
    for _, crl, file in newest.values():
        if crl.next_crl <= now:
            recorder.warn(file, f"nextCrl {int(crl.next_crl)} has passed: issue the next CRL (scms manager crl issue)")
    signer = inventory.current_held("crl-signer")
    craca = None if signer is None else inventory.issuer(signer.certificate)
    for series in config.manager.crl.all_series:
        if craca is not None and (craca.entry.hashed_id8, series) not in numbers:
            raise recorder.fail("deployment.json", f"no CRL of series {series} for CRACA {craca.entry.hashed_id8}")
