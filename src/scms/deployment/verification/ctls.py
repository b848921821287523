"""Step 3 of `verify_deployment`: the home CTLs, from the first to the last (1609.2.1 §4.1.6, §8; `ctl_trust`).

The manifest lists consecutive sequence numbers, each CTL under its 1609.2.1 name (`ctl_<series>_<n>.oer`). CTL 1 is
verified as a device verifies the CTL it receives out of band (`verify_first_ctl`: its own quorum of its own
electors), every later one as the next CTL (`verify_next_ctl`: the previous CTL's quorum of the previous CTL's
electors, sequence number + 1, same series, effective date not going back). Then the latest CTL and the manifest
agree: every elector it approves is a current elector of the deployment and every current elector is approved;
every root CA it approves is a root certificate of the deployment, the current root among them.
"""

from __future__ import annotations

from scms.deployment.inventory import Inventory
from scms.deployment.layout import Layout
from scms.deployment.manifest import Manifest
from scms.deployment.verification.report import Recorder
from scms.dot2.time import Time32
from scms.protocol.ctl_contents import elector_id, root_ca_id
from scms.protocol.ctl_trust import TrustState, verify_first_ctl, verify_next_ctl
from scms.protocol.security_mgmt_ssp import Role

__all__ = ["check_ctls"]


def _read(layout: Layout, file: str, recorder: Recorder) -> bytes:
    try:
        return (layout.root / file).read_bytes()
    except OSError as error:
        raise recorder.fail(file, f"cannot read ({error.strerror or error})") from None


def _members(trust: TrustState, file: str, inventory: Inventory, recorder: Recorder) -> None:
    electors = {elector_id(h.certificate): h for h in inventory.current if h.component.startswith("elector-")}
    roots = {root_ca_id(h.certificate) for h in inventory if h.entry.role == Role.ROOT.value}
    for identity in trust.electors:
        if identity not in electors:
            raise recorder.fail(file, f"approves elector …{identity.hex()[-16:]}, not a current elector here")
    for identity, held in electors.items():
        if identity not in trust.electors:
            raise recorder.fail(held.entry.file, f"{held.component} is not approved by CTL {trust.sequence_number}")
    for root in trust.root_cas:
        if root not in roots:
            raise recorder.fail(file, f"approves root CA …{root.hex()[-16:]}, not a root certificate here")


def check_ctls(
    layout: Layout, manifest: Manifest, inventory: Inventory, now: Time32, recorder: Recorder
) -> tuple[TrustState, bytes]:
    """Verify every CTL in order; returns the trust of the latest and its bytes."""
    entries = sorted(manifest.ctls, key=lambda e: e.sequence_number)
    if not entries:
        raise recorder.fail("deployment.json", "lists no CTL")
    series = bytes.fromhex(manifest.ctl_series_id)
    trust: TrustState | None = None
    data = b""
    for entry in entries:
        expected = str(layout.ctl(series, entry.sequence_number).relative_to(layout.root))
        if entry.file != expected:
            raise recorder.fail(entry.file, f"CTL {entry.sequence_number} of the home series belongs in {expected}")
        data = _read(layout, entry.file, recorder)
        with recorder.artifact(entry.file):
            trust = verify_first_ctl(data, now) if trust is None else verify_next_ctl(trust, data, now)
        if trust.series_id != series or trust.sequence_number != entry.sequence_number:
            raise recorder.fail(entry.file, f"is CTL {trust.sequence_number} of series {trust.series_id.hex()}")
        how = "out of band (its own quorum)" if entry is entries[0] else "by the previous CTL's quorum"
        detail = f"CTL {trust.sequence_number}: {len(trust.electors)} electors, {len(trust.root_cas)} root CAs, "
        recorder.ok(entry.file, "CTL", detail + f"quorum {trust.quorum}; verified {how}")
    assert trust is not None
    _members(trust, entries[-1].file, inventory, recorder)
    return trust, data
