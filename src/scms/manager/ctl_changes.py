"""Change the home CTL: add or remove an elector or a root CA (1609.2.1 §4.1.6, §8; `scms manager ctl ...`).

Each operation makes the next CTL of the series (sequence number + 1, effective at `now`): the approved electors and
root CAs of the current CTL plus or minus one, the removed one in `electorRemove` / `rootCaRemove`, the quorum kept
unless a new one is given. It is signed by a quorum of electors that the CURRENT CTL approves, so a device holding
the current CTL can verify the next one without physical access (`verify_next_ctl`); a new elector signs only from
the CTL after the one that approves it. Signers are chosen by name, or by default the first quorum of approved
electors whose keys are here (an elector being removed signs only when the others are not enough).

* `add_elector`: a new elector key (the configured curve) and self-signed elector certificate, `elector-<n+1>`;
* `remove_elector(name)`: the elector's certificate moves to the history (its files stay);
* `add_root`: a new root CA key and self-signed certificate, which becomes the current root (the ICA and CRL signer
  are re-issued under it by `scms manager rotate`); the old root stays approved until `remove_root`;
* `remove_root(hashed_id8=None)`: refuses the current root and any root a current certificate still chains to.

Every operation then publishes the next CCF and composite CRL, whose home CTL is the new one (`update.Update`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scms.crypto import SoftwareKey
from scms.deployment.config import CURVES
from scms.deployment.errors import DeploymentError, KeyFileError
from scms.deployment.layout import SIGNING, elector_name
from scms.dot2.certificate import Certificate
from scms.dot2.time import Time32
from scms.manager.hierarchy import Holder, issue_certificate
from scms.manager.profiles import elector_template, root_template
from scms.manager.trust_list import sign_by_electors
from scms.manager.update import Applied, Update
from scms.protocol.ctl import assemble_ctl, build_tbs_ctl
from scms.protocol.ctl_contents import elector_id, root_ca_id

__all__ = ["add_elector", "add_root", "choose_signers", "remove_elector", "remove_root"]


def _elector_names(update: Update) -> dict[str, Certificate]:
    """Current electors approved by the current CTL, in the CTL's order."""
    current = update.inventory.current
    by_id = {elector_id(h.certificate): h.component for h in current if h.component.startswith("elector-")}
    return {by_id[i]: c for i, c in update.trust.electors.items() if i in by_id}


def choose_signers(update: Update, names: Sequence[str] | None, avoid: Sequence[str] = ()) -> list[Holder]:
    """The electors that sign the next CTL: `names` (each approved by the current CTL), or by default the first
    quorum of approved electors whose keys are here, those in `avoid` last."""
    approved = _elector_names(update)
    quorum = update.trust.quorum
    sequence = update.trust.sequence_number
    if names:
        unknown = [n for n in names if n not in approved]
        if unknown:
            raise DeploymentError(f"{', '.join(unknown)}: not an elector approved by CTL {sequence}; cannot sign")
        if len(set(names)) < quorum:
            raise DeploymentError(f"CTL {sequence + 1} needs {quorum} signatures of CTL {sequence}'s electors")
        return [update.holder(n) for n in dict.fromkeys(names)]
    ordered = [n for n in approved if n not in avoid] + [n for n in approved if n in avoid]
    signers: list[Holder] = []
    for name in ordered:
        if len(signers) == quorum:
            break
        try:
            signers.append(update.holder(name))
        except (KeyFileError, DeploymentError):
            continue  # this elector's key is elsewhere (offline): try the next one
    if len(signers) < quorum:
        raise DeploymentError(f"only {len(signers)} of the {quorum} elector keys CTL {sequence + 1} needs are here")
    return signers


def _next_ctl(
    update: Update,
    signers: list[Holder],
    *,
    electors: Sequence[Certificate],
    roots: Sequence[Certificate],
    removed_electors: Sequence[Certificate] = (),
    removed_roots: Sequence[Certificate] = (),
    quorum: int | None = None,
) -> None:
    quorum = update.trust.quorum if quorum is None else quorum
    if not 1 <= quorum <= len(electors):
        raise DeploymentError(f"quorum {quorum} needs 1 to {len(electors)} approved electors; give another quorum")
    tbs = build_tbs_ctl(
        bytes.fromhex(update.manifest.ctl_series_id),
        update.trust.sequence_number + 1,
        update.now,
        elector_approve=[elector_id(c) for c in electors],
        root_ca_approve=[root_ca_id(c) for c in roots],
        quorum=quorum,
        elector_remove=[elector_id(c) for c in removed_electors],
        root_ca_remove=[root_ca_id(c) for c in removed_roots],
    )
    update.add_ctl(assemble_ctl(tbs, sign_by_electors(tbs, signers, update.now), [*electors, *roots]))
    update.refresh_ccf()
    update.refresh_composite_crl()


def _electors(update: Update) -> list[Certificate]:
    return list(update.trust.elector_certificates)


def _roots(update: Update) -> list[Certificate]:
    return list(update.trust.root_certificates)


def add_elector(
    directory: Path, now: Time32, *, signers: Sequence[str] | None = None, quorum: int | None = None
) -> Applied:
    """A new elector (key + self-signed certificate), approved by the next CTL."""
    update = Update.open(directory, now)
    config = update.deployment.config
    chosen = choose_signers(update, signers)
    held = update.inventory
    numbers = [int(h.component.removeprefix("elector-")) for h in held if h.component.startswith("elector-")]
    number = max(numbers, default=0) + 1
    name = elector_name(number)
    key = SoftwareKey.generate(CURVES[config.manager.electors.curve])
    certificate = issue_certificate(elector_template(config, number, key.public_point, now), None, key, profile=name)
    update.put_certificate(name, certificate, {SIGNING: key})
    _next_ctl(update, chosen, electors=[*_electors(update), certificate], roots=_roots(update), quorum=quorum)
    return update.commit()


def remove_elector(
    directory: Path, name: str, now: Time32, *, signers: Sequence[str] | None = None, quorum: int | None = None
) -> Applied:
    """The next CTL without elector `name`; its certificate moves to the history."""
    update = Update.open(directory, now)
    if name not in _elector_names(update):
        raise DeploymentError(f"{name}: not an elector approved by CTL {update.trust.sequence_number}")
    chosen = choose_signers(update, signers, avoid=[name])
    certificate = update.current(name)
    update.retire(name)
    remaining = [c for c in _electors(update) if c != certificate]
    _next_ctl(update, chosen, electors=remaining, roots=_roots(update), removed_electors=[certificate], quorum=quorum)
    return update.commit()


def add_root(directory: Path, now: Time32, *, signers: Sequence[str] | None = None) -> Applied:
    """A new root CA (key + self-signed certificate), approved beside the current one and made current."""
    update = Update.open(directory, now)
    config = update.deployment.config
    chosen = choose_signers(update, signers)
    key = SoftwareKey.generate(CURVES[config.manager.root.curve])
    certificate = issue_certificate(root_template(config, key.public_point, now), None, key, profile="root")
    update.put_certificate("root", certificate, {SIGNING: key})
    _next_ctl(update, chosen, electors=_electors(update), roots=[*_roots(update), certificate])
    return update.commit()


def _root_to_remove(update: Update, hashed_id8: str | None) -> Certificate:
    current = update.current("root")
    approved = _roots(update)
    if hashed_id8 is not None:
        matches = [c for c in approved if c.hashed_id8().hex() == hashed_id8.lower()]
        if not matches:
            raise DeploymentError(f"root {hashed_id8}: not a root CA approved by CTL {update.trust.sequence_number}")
        target = matches[0]
    else:
        others = [c for c in approved if c != current]
        if len(others) != 1:
            listed = ", ".join(c.hashed_id8().hex() for c in others) or "none"
            raise DeploymentError(f"name the root CA to remove (approved besides the current root: {listed})")
        target = others[0]
    if target == current:
        raise DeploymentError(f"root {target.hashed_id8().hex()} is the current root; add a new root first")
    for held in update.inventory.current:
        if held.certificate != target and update.inventory.root_of(held.certificate) == target:
            raise DeploymentError(
                f"{held.component} still chains to root {target.hashed_id8().hex()}: rotate it under the current root"
            )
    return target


def remove_root(
    directory: Path, now: Time32, *, hashed_id8: str | None = None, signers: Sequence[str] | None = None
) -> Applied:
    """The next CTL without a root CA that nothing current chains to any more."""
    update = Update.open(directory, now)
    target = _root_to_remove(update, hashed_id8)
    chosen = choose_signers(update, signers)
    roots = [c for c in _roots(update) if c != target]
    _next_ctl(update, chosen, electors=_electors(update), roots=roots, removed_roots=[target])
    return update.commit()
