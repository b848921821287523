"""`load_deployment` on a real deployment and on damaged ones: each defect is named, keys are checked against
their certificates, nothing fails open."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scms.crypto import SoftwareKey
from scms.deployment import DeploymentError, KeyFileError, PolicyError, load_deployment
from scms.deployment.files import write_public_file
from scms.deployment.keystore import write_private_key
from scms.deployment.layout import Layout, elector_name
from scms.protocol.ctl import parse_ctl

from ._trust import read_manifest, write_manifest


def test_artifacts_by_name(pristine: Path) -> None:
    deployment = load_deployment(pristine)
    assert deployment.elector_names == ("elector-1", "elector-2", "elector-3")
    (ctl,) = deployment.ctls()
    assert ctl == deployment.latest_ctl() and parse_ctl(ctl).sequence_number == 1
    assert deployment.read(deployment.manifest.ccf.file) == deployment.ccf()
    with pytest.raises(DeploymentError, match="no certificate for 'pca'"):
        deployment.certificate("pca")
    with pytest.raises(DeploymentError, match="la1 has no encryption key"):
        deployment.encryption_key("la1")
    with pytest.raises(DeploymentError, match="eca has no secret 'operator-token'"):
        deployment.secret("eca", "operator-token")
    with pytest.raises(DeploymentError, match="cannot read"):
        deployment.read("public/nothing.oer")


def test_not_a_deployment(tmp_path: Path) -> None:
    with pytest.raises(DeploymentError, match=r"no deployment here \(deployment.json missing"):
        load_deployment(tmp_path)
    (tmp_path / "deployment.json").write_text("{")
    with pytest.raises(DeploymentError, match="unreadable manifest"):
        load_deployment(tmp_path)


def test_manifest_errors_name_the_field(copy: Path) -> None:
    manifest = read_manifest(copy)
    manifest["certificates"]["ra"]["hashed_id8"] = "xyz"
    write_manifest(copy, manifest)
    with pytest.raises(DeploymentError, match=r"certificates.ra.hashed_id8"):
        load_deployment(copy)


def test_a_swapped_certificate_is_detected(copy: Path) -> None:
    layout = Layout(copy)
    layout.certificate("ra").chmod(0o644)
    layout.certificate("ra").write_bytes(layout.certificate("eca").read_bytes())
    with pytest.raises(DeploymentError, match=r"ra.oer: HashedId8 [0-9a-f]{16} != manifest"):
        load_deployment(copy)
    layout.certificate("ra").write_bytes(b"\x80\x03")
    with pytest.raises(DeploymentError, match=r"ra\.oer: not a certificate"):
        load_deployment(copy)
    layout.certificate("ra").unlink()
    with pytest.raises(DeploymentError, match=r"ra\.oer: cannot read"):
        load_deployment(copy)


def test_a_broken_policy_file_is_named(copy: Path) -> None:
    path = Layout(copy).device_policy("OBU")
    value = json.loads(path.read_text())
    value["authorization"][0]["kind"] = "alias"
    path.write_text(json.dumps(value))
    with pytest.raises(PolicyError, match=r"device-obu.json: authorization\[0\].kind"):
        load_deployment(copy)


def test_a_key_of_another_component_or_another_key_is_refused(copy: Path) -> None:
    layout = Layout(copy)
    for suffix in (".key", ".json"):
        target = layout.key_file("ra", "signing").with_suffix(suffix)
        target.unlink()
        shutil.copy2(layout.key_file("la1", "signing").with_suffix(suffix), target)
    deployment = load_deployment(copy)
    with pytest.raises(KeyFileError, match="belongs to la1, not ra"):
        deployment.signing_key("ra")
    manifest = read_manifest(copy)
    stray = layout.key_file("ra", "stray")
    write_private_key(stray, SoftwareKey.generate(), component="ra", purpose="signing")
    manifest["keys"]["ra"]["signing"] = "ra/keys/stray.key"
    manifest["keys"]["ra"]["encryption"] = "ra/keys/stray.key"
    write_manifest(copy, manifest)
    deployment = load_deployment(copy)
    with pytest.raises(KeyFileError, match="not the key of the ra certificate"):
        deployment.signing_key("ra")
    with pytest.raises(KeyFileError, match="not the encryption key of the ra certificate"):
        deployment.encryption_key("ra")


def test_public_files_are_never_overwritten_unless_replaced(tmp_path: Path) -> None:
    path = tmp_path / "public" / "x.oer"
    write_public_file(path, b"one")
    with pytest.raises(DeploymentError, match="never overwritten"):
        write_public_file(path, b"two")
    write_public_file(path, b"three", replace=True)
    assert path.read_bytes() == b"three" and [p.name for p in path.parent.iterdir()] == ["x.oer"]


def test_layout_names() -> None:
    layout = Layout(Path("/srv/d"))
    assert layout.resolve("/run/secret") == Path("/run/secret") and layout.resolve("ra/x") == Path("/srv/d/ra/x")
    assert elector_name(2) == "elector-2"
    with pytest.raises(ValueError, match="from 1"):
        elector_name(0)
