"""`init_deployment`: everything is created, consistent, verifiable, secret where it must be, and refused twice."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from scms.crypto import SoftwareKey
from scms.deployment import DeploymentConfig, DeploymentError, Layout, load_deployment
from scms.deployment.keystore import load_private_key
from scms.dot2 import Ieee1609Error, verify_chain
from scms.dot2.crl import verify_crl
from scms.manager import init_deployment
from scms.protocol.ccf import verify_ccf
from scms.protocol.composite_crl import verify_composite_crl
from scms.protocol.ctl import parse_ctl
from scms.protocol.ctl_contents import elector_id, root_ca_id
from scms.protocol.ctl_trust import verify_first_ctl

from ._deployment import COMPONENTS, LATER, NOW


@pytest.fixture(scope="module")
def deployment_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("init") / "scms-data"
    started = time.perf_counter()
    init_deployment(directory, DeploymentConfig(), NOW)
    assert time.perf_counter() - started < 10  # about 0.3 s here once the codec is compiled
    return directory


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_manifest_lists_every_artifact_and_each_exists(deployment_dir: Path) -> None:
    manifest = json.loads((deployment_dir / "deployment.json").read_text())
    assert manifest["format"] == "scms-deployment" and manifest["format_version"] == 1
    assert manifest["created"] == NOW
    names = set(manifest["certificates"])
    assert names == {*COMPONENTS, "elector-1", "elector-2", "elector-3"}
    files = [e["file"] for e in manifest["certificates"].values()]
    files += [c["file"] for c in manifest["ctls"]] + [c["file"] for c in manifest["crls"]]
    files += [manifest["ccf"]["file"], manifest["composite_crl"]["file"], manifest["global_policy"]]
    files += list(manifest["device_policies"].values())
    files += [f for purposes in manifest["keys"].values() for f in purposes.values()]
    for file in files:
        assert (deployment_dir / file).is_file(), file
    assert {(c["series"], c["kind"]) for c in manifest["crls"]} == {(256, "hash"), (2, "hash"), (3, "hash"),
                                                                      (1, "linkage")}
    assert manifest["keys"]["ra"].keys() == {"signing", "encryption"}
    assert manifest["keys"]["ma"].keys() == {"signing", "encryption"}
    assert manifest["keys"]["aca"].keys() == {"signing", "plv-la1", "plv-la2"}
    assert manifest["keys"]["la1"].keys() == {"signing", "plv-aca"}


def test_private_files_are_owner_only_and_public_files_are_not_secret(deployment_dir: Path) -> None:
    deployment = load_deployment(deployment_dir)
    key_files = {deployment_dir / f for purposes in deployment.manifest.keys.values() for f in purposes.values()}
    tokens = {deployment_dir / "ra" / "secrets" / "operator-token",
              *(deployment_dir / la / "secrets" / "release-token" for la in ("la1", "la2"))}
    assert {deployment_dir / f for named in deployment.manifest.secrets.values() for f in named.values()} == tokens
    for path in [*key_files, *tokens]:
        assert _mode(path) == 0o600, path
        assert _mode(path.parent) == 0o700 and _mode(path.parent.parent) == 0o700, path
    secrets = [p.read_bytes() for p in key_files] + [p.read_bytes() for p in tokens]
    for component, purposes in deployment.manifest.keys.items():
        for purpose, file in purposes.items():
            assert Path(file).parts[:2] == (component, "keys"), (component, purpose, file)
    for path in deployment_dir.rglob("*"):
        if path.is_dir() or path in key_files or path in tokens:
            continue
        data = path.read_bytes()
        assert b"PRIVATE KEY" not in data, path
        assert not any(s.strip() in data for s in secrets), path
        if not path.is_relative_to(deployment_dir / "public"):
            continue
        assert _mode(path) == 0o644, path


def test_keys_load_and_match_their_certificates(deployment_dir: Path) -> None:
    deployment = load_deployment(deployment_dir)
    for name in (*COMPONENTS, *deployment.elector_names):
        key = deployment.signing_key(name)
        assert isinstance(key, SoftwareKey)
        assert key.public_point == deployment.certificate(name).verification_key
    for name in ("ra", "ma"):
        assert deployment.encryption_key(name).public_point == deployment.certificate(name).encryption_key.point  # type: ignore[union-attr]
    assert deployment.symmetric_key("aca", "plv-la1").key == deployment.symmetric_key("la1", "plv-aca").key
    assert deployment.symmetric_key("aca", "plv-la2").key == deployment.symmetric_key("la2", "plv-aca").key
    assert deployment.symmetric_key("la1", "plv-aca").key != deployment.symmetric_key("la2", "plv-aca").key
    tokens = [deployment.token("ra", "operator-token"), deployment.token("la1", "release-token"),
              deployment.token("la2", "release-token")]
    assert all(len(token) == 43 for token in tokens) and len(set(tokens)) == 3   # 256 random bits each


def test_a_key_made_readable_is_refused(deployment_dir: Path, tmp_path: Path) -> None:
    deployment = load_deployment(deployment_dir)
    path = deployment_dir / deployment.manifest.keys["ma"]["signing"]
    path.chmod(0o640)
    try:
        with pytest.raises(Exception, match="0640"):
            deployment.signing_key("ma")
    finally:
        path.chmod(0o600)
    assert load_private_key(path, component="ma").public_point == deployment.certificate("ma").verification_key


def test_first_ctl_quorum_signed_approves_electors_and_root(deployment_dir: Path) -> None:
    deployment = load_deployment(deployment_dir)
    ctl = deployment.latest_ctl()
    trust = verify_first_ctl(ctl, LATER)
    electors = [deployment.certificate(n) for n in deployment.elector_names]
    assert set(trust.electors) == {elector_id(c) for c in electors}
    assert trust.root_certificates == (deployment.certificate("root"),)
    assert set(trust.root_cas) == {root_ca_id(deployment.certificate("root"))}
    assert trust.quorum == 2 and trust.sequence_number == 1
    assert trust.series_id == bytes.fromhex("53434d5300000001")
    parsed = parse_ctl(ctl)
    assert len(parsed.signatures) == 2
    # Only the electors themselves: a CTL trusting none of its signers is not enough.
    with pytest.raises(Ieee1609Error, match=r"quorum|signature"):
        verify_first_ctl(ctl, LATER, trusted_electors=electors[2:])


def test_every_certificate_chains_to_the_root_of_the_ctl(deployment_dir: Path) -> None:
    deployment = load_deployment(deployment_dir)
    anchors = verify_first_ctl(deployment.latest_ctl(), LATER).root_certificates
    intermediates = [deployment.certificate("ica")]
    depth = {"root": 1, "crl-signer": 2, "ica": 2}
    for name in COMPONENTS:
        chain = verify_chain(deployment.certificate(name), intermediates, anchors, LATER)
        assert len(chain.certificates) == depth.get(name, 3), name
        assert chain.anchor == deployment.certificate("root")


def test_ccf_crls_and_composite_crl_verify(deployment_dir: Path) -> None:
    deployment = load_deployment(deployment_dir)
    trust = verify_first_ctl(deployment.latest_ctl(), LATER)
    ccf = verify_ccf(deployment.ccf(), trust, LATER)
    carried = {c.hashed_id8() for c in ccf.ccf.others}
    assert carried == {deployment.certificate(n).hashed_id8() for n in ("ica", "eca", "aca", "ra", "ma", "crl-signer")}
    signer, root = deployment.certificate("crl-signer"), deployment.certificate("root")
    crls = deployment.latest_crls()
    assert {series for _, series in crls} == {256, 1, 2, 3}
    for (craca, series), secured in crls.items():
        verified = verify_crl(secured, certificates=[signer])
        assert craca == root.hashed_id8().hex() == bytes(verified.craca).hex()
        assert verified.series == series and verified.issue_date == NOW
        assert verified.next_crl == NOW + 168 * 3600
    composite = verify_composite_crl(deployment.composite_crl(), trust, LATER, certificates=[signer, root])
    assert len(composite.crls) == 4


def test_policy_files_follow_the_configuration(deployment_dir: Path) -> None:
    deployment = load_deployment(deployment_dir)
    config = deployment.config
    assert deployment.global_policy.version == 1 and deployment.global_policy.parameters == config.policy
    assert deployment.global_policy.urls["ra"] == "http://127.0.0.1:8080/ra"
    assert deployment.global_policy.ctl_series_id == config.manager.ctl.series_id
    assert set(deployment.device_policies) == {"OBU", "RSU"}
    assert deployment.device_policies["OBU"].authorization == config.devices.obu.authorization
    raw = json.loads((deployment_dir / "public/policy/global.json").read_text())
    assert raw["parameters"]["time-iPeriodEpoch"] == 347619603


def test_second_init_is_refused(deployment_dir: Path) -> None:
    before = sorted(str(p) for p in deployment_dir.rglob("*"))
    with pytest.raises(DeploymentError, match="already holds a deployment"):
        init_deployment(deployment_dir, DeploymentConfig(), NOW)
    assert sorted(str(p) for p in deployment_dir.rglob("*")) == before


def test_non_empty_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DeploymentError, match=r"not empty \(notes.txt\)"):
        init_deployment(tmp_path, DeploymentConfig(), NOW)
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_existing_empty_directory_with_only_a_config(tmp_path: Path) -> None:
    (tmp_path / "scms.toml").write_text("# mine\n")
    init_deployment(tmp_path, DeploymentConfig(), NOW)
    assert (tmp_path / "deployment.json").is_file()
    assert (tmp_path / "scms.toml").read_text().startswith("# scms.toml: the configuration")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("existing", [False, True], ids=["new-dir", "existing-dir"])
@pytest.mark.parametrize("crash_at", ["crl_", "deployment.json"])
def test_a_failure_while_writing_leaves_no_deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool, crash_at: str
) -> None:
    """A crash at the first public file, or at the manifest (after every key), leaves nothing behind."""
    import scms.manager.publish as publish

    target = tmp_path / "scms-data"
    if existing:
        target.mkdir()
    real = publish.write_public_file

    def crash(path: Path, data: bytes) -> None:
        if path.name.startswith(crash_at):
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(publish, "write_public_file", crash)
    with pytest.raises(OSError, match="No space"):
        init_deployment(target, DeploymentConfig(), NOW)
    assert os.listdir(tmp_path) == (["scms-data"] if existing else [])
    if existing:
        assert os.listdir(target) == []
    monkeypatch.undo()
    init_deployment(target, DeploymentConfig(), NOW)
    assert Layout(target).manifest_file.is_file()
