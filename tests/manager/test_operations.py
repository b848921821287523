"""The manager's operations on a deployment (fixed clock): key rotation of each component, CRL issue, CTL changes
and their refusals, and the update rules (files never overwritten, manifest compare-and-set, cleanup)."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

import pytest

from scms.crypto import SoftwareKey, linkage_seed_after, linkage_value, pre_linkage_value
from scms.deployment import DeploymentError, load_deployment
from scms.deployment.inventory import load_inventory
from scms.deployment.layout import Layout
from scms.deployment.verification import verify_deployment
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateId, LinkageData, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.chain import verify_chain
from scms.dot2.crl import RevocationStatus, VerifiedCrl, revocation_status, verify_crl
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidSsp
from scms.dot2.time import IValue, Time32
from scms.manager import (
    ROTATABLE,
    Update,
    add_elector,
    add_root,
    issue_crl,
    linkage_revocation,
    remove_elector,
    remove_root,
    rotate,
)
from scms.manager.profiles import hierarchy_start
from scms.manager.update import LOCK_FILE
from scms.protocol import parse_ccf, parse_composite_crl, parse_ctl, verify_first_ctl, verify_next_ctl

from ._deployment import NOW

T1 = Time32(NOW + 3600)
T2 = Time32(NOW + 7200)


def _verified(directory: Path, at: Time32) -> None:
    report = verify_deployment(directory, at)
    assert report.checked and report.warnings == ()


def test_a_rotated_aca_covers_the_i_period_it_is_rotated_in(copy: Path) -> None:
    """Rotated eight days after init (the next i-period): the new ACA certificate starts at that i-period's start,
    before the rotation, so the ACA can still issue that i-period's pseudonym certificates."""
    later = Time32(NOW + 8 * 86_400)
    rotate(copy, "aca", later)
    deployment = load_deployment(copy)
    parameters = deployment.global_policy.parameters
    periods = parameters.i_periods()
    start = periods.start(periods.i_at(later))
    aca = deployment.certificate("aca")
    assert NOW < start < later and aca.validity.start == start
    current = ValidityPeriod.hours(start, parameters.pseudonym_validity_seconds // 3600)
    assert current.within(aca.validity) and aca.validity.within(deployment.certificate("ica").validity)

@pytest.mark.parametrize("component", ROTATABLE)
def test_rotate_each_component(copy: Path, component: str) -> None:
    before = load_deployment(copy)
    old = before.certificate(component)
    old_bytes = {p: p.read_bytes() for p in (copy / "public").rglob("*") if p.is_file()}
    applied = rotate(copy, component, T1)
    _verified(copy, T1)
    after = load_deployment(copy)
    new = after.certificate(component)
    assert new != old and new.validity.start == hierarchy_start(after.config, T1)
    assert after.manifest.certificates[component].file.endswith("-2.oer")
    (past,) = after.manifest.history
    assert (past.component, past.hashed_id8) == (component, old.hashed_id8().hex())
    assert past.successor == new.hashed_id8().hex() and past.until == T1
    assert all(path.read_bytes() == data for path, data in old_bytes.items())  # nothing published was rewritten
    key = copy / after.manifest.keys[component]["signing"]
    assert key.name == "signing-2.key" and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert after.signing_key(component).public_point == new.verification_key
    assert set(past.keys) <= {"signing", "encryption"} and past.keys["signing"] == f"{component}/keys/signing.key"
    issuer = load_inventory(after).issuer(new)
    assert issuer is not None and issuer.component == ("root" if component in ("ica", "crl-signer") else "ica")
    assert "public/ccf/ccf_2.oer" in applied.files
    ccf = parse_ccf(after.ccf()).others
    if component in ("la1", "la2"):
        assert new not in ccf
    else:  # the successor is published, and the predecessor still verifies until it expires
        assert new in ccf and old in ccf
        verify_chain(old, ccf, [after.certificate("root")], T1)
    if component in ("ra", "ma"):
        assert after.encryption_key(component).public_point != before.encryption_key(component).public_point
    if component == "aca":  # the LA-ACA keys belong to the component, not to one certificate
        assert after.symmetric_key("aca", "plv-la1") == before.symmetric_key("aca", "plv-la1")
    assert after.manifest.composite_crl.version == 1  # the root has its CRLs: nothing new to publish


def test_components_rotated_after_the_ica_are_issued_by_the_new_ica(copy: Path) -> None:
    rotate(copy, "ica", T1)
    rotate(copy, "eca", T2)
    _verified(copy, T2)
    deployment = load_deployment(copy)
    assert deployment.certificate("eca").issuer.digest == deployment.certificate("ica").hashed_id8()
    assert deployment.manifest.certificates["eca"].issuer == "ica"
    assert len(parse_ccf(deployment.ccf()).others) == 8  # six current, the old ICA and the old ECA


def _newest_crl(directory: Path, series: int) -> VerifiedCrl:
    deployment = load_deployment(directory)
    entry = max((e for e in deployment.manifest.crls if e.series == series), key=lambda e: e.number)
    return verify_crl(deployment.read(entry.file), certificates=[deployment.certificate("crl-signer")])


def test_crl_issue_hash_series(copy: Path) -> None:
    deployment = load_deployment(copy)
    la1 = deployment.certificate("la1")
    applied = issue_crl(copy, 256, T1, certificates=[la1])
    _verified(copy, T1)
    crl = _newest_crl(copy, 256)
    assert (crl.crl_serial, crl.issue_date, revocation_status(la1, crl)) == (2, T1, RevocationStatus.REVOKED)
    assert revocation_status(deployment.certificate("la2"), crl) is RevocationStatus.NOT_REVOKED
    composite = parse_composite_crl(load_deployment(copy).composite_crl())
    assert crl.raw in composite.crls and len(composite.crls) == 4
    assert applied.files[0].endswith("_256_2.oer") and applied.manifest.composite_crl.version == 2
    issue_crl(copy, 256, T2)  # the next CRL keeps the entry
    assert revocation_status(la1, _newest_crl(copy, 256)) is RevocationStatus.REVOKED
    _verified(copy, T2)


def test_crl_issue_refusals(copy: Path) -> None:
    deployment = load_deployment(copy)
    elector = deployment.certificate("elector-1")  # not in the scope of the root's CRLs
    with pytest.raises(DeploymentError, match="outside CRLs of"):
        issue_crl(copy, 256, T1, certificates=[elector])
    chain = linkage_revocation(deployment.config, T1, (bytes(16), bytes(16)))
    with pytest.raises(DeploymentError, match="hash-based"):
        issue_crl(copy, 256, T1, linkage=[chain])
    with pytest.raises(DeploymentError, match="linkage-based"):
        issue_crl(copy, 1, T1, certificates=[deployment.certificate("la1")])
    with pytest.raises(DeploymentError, match="not one of this deployment's"):
        issue_crl(copy, 9, T1)
    with pytest.raises(DeploymentError, match="are not this deployment's"):
        linkage_revocation(deployment.config, T1, (bytes(16), bytes(16)), la_ids=(1, 7))
    assert load_deployment(copy).manifest == deployment.manifest


def _pseudonym(directory: Path, seeds: tuple[bytes, bytes], since: int, i: int, j: int) -> Certificate:
    """A pseudonym certificate for (i, j) of the chain whose seeds at i-period `since` are `seeds` (LAs 1 and 2),
    issued by the ACA; its linkage value is the CAMP one (1609.2 §5.1.3.4)."""
    deployment = load_deployment(directory)
    aca = deployment.certificate("aca")
    plv1 = pre_linkage_value(1, linkage_seed_after(1, seeds[0], i - since), j)
    plv2 = pre_linkage_value(2, linkage_seed_after(2, seeds[1], i - since), j)
    start = deployment.config.policy.i_periods().start(IValue(i))
    template = CertificateTemplate(
        id=CertificateId.linkage_data(LinkageData(IValue(i), linkage_value(plv1, plv2))),
        validity=ValidityPeriod(start, "hours", 169),
        craca_id=bytes(deployment.certificate("root").hashed_id3()),
        crl_series=1,
        app_permissions=(PsidSsp(32),),
        verification_key=SoftwareKey.generate().public_point,
    )
    return sign_explicit(lint_certificate(template, aca), aca, deployment.signing_key("aca"))


def test_crl_issue_linkage_series(copy: Path) -> None:
    config = load_deployment(copy).config
    i_now = int(config.policy.i_periods().i_at(T1))
    seeds = (os.urandom(16), os.urandom(16))  # the device's ls1(i-2), ls2(i-2)
    chain = linkage_revocation(config, T1, seeds, i=i_now - 2, i_max=i_now + 2)
    issue_crl(copy, 1, T1, linkage=[chain])
    _verified(copy, T1)
    crl = _newest_crl(copy, 1)
    assert (crl.i_rev, crl.index_within_i, len(crl.linkage_entries)) == (i_now, 1, 1)  # init's CRL 1 was index 0
    def status(chain_seeds: tuple[bytes, bytes], i: int, j: int) -> RevocationStatus:
        return revocation_status(_pseudonym(copy, chain_seeds, i_now - 2, i, j), crl)

    # (pseudonym certificates from the next i-period on: the ACA's certificate starts in this one)
    assert status(seeds, i_now + 1, 3) is status(seeds, i_now + 2, 19) is RevocationStatus.REVOKED
    assert status(seeds, i_now + 2, 20) is RevocationStatus.NOT_REVOKED  # j >= jmax (time-baseCertNumber)
    assert status(seeds, i_now + 3, 0) is RevocationStatus.NOT_REVOKED  # i > iMax
    assert status((os.urandom(16), os.urandom(16)), i_now + 1, 0) is RevocationStatus.NOT_REVOKED
    issue_crl(copy, 1, T2)  # same i-period: the entry stays, indexWithinI counts up
    again = _newest_crl(copy, 1)
    assert (again.index_within_i, len(again.linkage_entries)) == (2, 1)
    three_weeks = Time32(T1 + 3 * config.policy.i_period_length)
    issue_crl(copy, 1, three_weeks)  # past iMax: the chain is dropped
    dropped = _newest_crl(copy, 1)
    assert (dropped.i_rev, dropped.index_within_i, dropped.linkage_entries) == (i_now + 3, 0, ())


def _signers(directory: Path, sequence: int) -> list[str]:
    deployment = load_deployment(directory)
    names = {deployment.certificate(n): n for n in deployment.manifest.certificates}
    ctl = parse_ctl(deployment.read(next(c.file for c in deployment.manifest.ctls if c.sequence_number == sequence)))
    return [names[s.signer] for s in ctl.signatures if s.signer is not None]


def test_add_elector_and_who_signs(copy: Path) -> None:
    with pytest.raises(DeploymentError, match="elector-4: not an elector approved by CTL 1"):
        add_elector(copy, T1, signers=["elector-1", "elector-4"])
    with pytest.raises(DeploymentError, match="CTL 2 needs 2 signatures of CTL 1's electors"):
        add_elector(copy, T1, signers=["elector-3"])
    applied = add_elector(copy, T1, signers=["elector-3", "elector-2"])
    assert _signers(copy, 2) == ["elector-3", "elector-2"]
    assert "elector-4/keys/signing.key" in applied.files and applied.manifest.certificates["elector-4"].issuer is None
    deployment = load_deployment(copy)
    trust2 = verify_next_ctl(verify_first_ctl(deployment.ctls()[0], T1), deployment.latest_ctl(), T1)
    assert len(trust2.electors) == 4 and deployment.certificate("elector-4") in trust2.elector_certificates
    _verified(copy, T1)
    (copy / "elector-1/keys/signing.key").unlink()  # kept offline: the next quorum here signs
    add_elector(copy, T2)
    assert _signers(copy, 3) == ["elector-2", "elector-3"]
    for name in ("elector-2", "elector-3", "elector-4"):
        (copy / f"{name}/keys/signing.key").unlink()
    with pytest.raises(DeploymentError, match="only 1 of the 2 elector keys CTL 4 needs are here"):
        add_elector(copy, Time32(T2 + 1))
    assert verify_deployment(copy, T2, key_owners=("elector-5",)).trust.sequence_number == 3


def test_remove_elector_and_the_quorum(copy: Path) -> None:
    remove_elector(copy, "elector-1", T1)
    assert _signers(copy, 2) == ["elector-2", "elector-3"]  # the removed one signs only if needed
    deployment = load_deployment(copy)
    ctl = parse_ctl(deployment.latest_ctl())
    assert len(ctl.tbs.elector_approve) == 2 and len(ctl.tbs.elector_remove) == 1
    assert "elector-1" not in deployment.manifest.certificates and deployment.manifest.history[0].successor is None
    _verified(copy, T1)
    with pytest.raises(DeploymentError, match="quorum 2 needs 1 to 1 approved electors"):
        remove_elector(copy, "elector-2", T2)
    with pytest.raises(DeploymentError, match="elector-1: not an elector approved by CTL 2"):
        remove_elector(copy, "elector-1", T2)
    remove_elector(copy, "elector-2", T2, quorum=1)
    assert verify_deployment(copy, T2).trust.quorum == 1


def test_root_changes_and_their_refusals(copy: Path) -> None:
    old_root = load_deployment(copy).certificate("root")
    with pytest.raises(DeploymentError, match="approved besides the current root: none"):
        remove_root(copy, T1)
    with pytest.raises(DeploymentError, match="is the current root; add a new root first"):
        remove_root(copy, T1, hashed_id8=old_root.hashed_id8().hex())
    add_root(copy, T1)
    _verified(copy, T1)
    deployment = load_deployment(copy)
    assert deployment.certificate("root") != old_root
    assert len(parse_ctl(deployment.latest_ctl()).tbs.root_ca_approve) == 2
    with pytest.raises(DeploymentError, match="crl-signer still chains to root"):
        remove_root(copy, T2)
    with pytest.raises(DeploymentError, match="root 00: not a root CA approved by CTL 2"):
        remove_root(copy, T2, hashed_id8="00")


def test_a_commit_is_compare_and_set_and_cleans_up(copy: Path) -> None:
    update = Update.open(copy, T1)
    update.refresh_ccf()
    manifest = copy / "deployment.json"
    manifest.write_bytes(manifest.read_bytes() + b" ")  # another operation committed meanwhile
    with pytest.raises(DeploymentError, match="changed since this operation began"):
        update.commit()
    assert not (copy / "public/ccf/ccf_2.oer").exists()
    blocker = Layout(copy).key_file("ra", "encryption", 2)
    blocker.parent.mkdir(exist_ok=True)
    blocker.write_bytes(b"")  # the second key of the RA cannot be written
    before = (copy / "deployment.json").read_bytes()
    with pytest.raises(DeploymentError, match="keys are never overwritten"):
        rotate(copy, "ra", T2)
    assert not Layout(copy).key_file("ra", "signing", 2).exists()  # the first one was removed again ...
    assert not blocker.with_suffix(".json").exists() and blocker.exists()  # ... and only what it created
    assert not (copy / "public/certificates/ra-2.oer").exists() and (copy / "deployment.json").read_bytes() == before


def test_published_files_are_never_overwritten_and_one_operation_at_a_time(copy: Path) -> None:
    (copy / "public/certificates/ma-2.oer").write_bytes(b"someone else's")
    with pytest.raises(DeploymentError, match="never overwritten"):
        rotate(copy, "ma", T1)
    fd = os.open(copy / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(DeploymentError, match="another manager operation is running"):
            rotate(copy, "aca", T1)
    finally:
        os.close(fd)
    with pytest.raises(DeploymentError, match="rotate one of"):
        rotate(copy, "root", T1)
