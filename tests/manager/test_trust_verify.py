"""`verify_deployment` on a fresh deployment and on damaged ones: every defect is refused with a `TrustError` that
names the artifact, real bytes and real signatures throughout (one deployment per module, copied per test)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scms import asn1
from scms.cli import app
from scms.crypto import Curve, SoftwareKey, signing_digest
from scms.deployment import DeploymentConfig, load_deployment
from scms.deployment.keystore import write_symmetric_key
from scms.deployment.layout import Layout
from scms.deployment.verification import TrustError, verify_deployment
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import IssuerId
from scms.dot2.crl import CrlHeader, build_hash_crl
from scms.dot2.curve_points import signature_to_coer
from scms.dot2.lint import LintError
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidGroupPermissions, PsidSspRange
from scms.dot2.spdu.data import unsecured
from scms.dot2.spdu.encryption_key import SymmetricEncryptionKey
from scms.dot2.spdu.header import HeaderInfo
from scms.dot2.spdu.signed import sign_data
from scms.dot2.spdu.signer import SignerDigest
from scms.dot2.time import Time32
from scms.manager import add_elector, issue_certificate
from scms.manager.hierarchy import Holder
from scms.manager.profiles import component_template, elector_template
from scms.protocol import (
    assemble_ctl,
    build_ccf,
    build_composite_crl,
    build_tbs_ctl,
    elector_id,
    parse_ctl,
    root_ca_id,
    sign_ctl,
)

from ._deployment import LATER, NOW
from ._trust import flip_byte, read_manifest, write_manifest

runner = CliRunner()


def _refused(directory: Path, at: Time32 = LATER) -> TrustError:
    """The defect `verify_deployment` finds; `scms trust verify` names the same artifact in its one line."""
    with pytest.raises(TrustError) as refused:
        verify_deployment(directory, at)
    error = refused.value
    when = at.to_datetime().strftime("%Y-%m-%dT%H:%M:%SZ")
    result = runner.invoke(app, ["trust", "verify", str(directory), "--at", when])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"error: {directory / error.artifact}: {error.reason}\n"
    return error


def test_a_new_deployment_verifies_and_every_file_is_checked(pristine: Path) -> None:
    report = verify_deployment(pristine, LATER)
    manifest = read_manifest(pristine)
    files = [entry["file"] for entry in manifest["certificates"].values()]
    files += [c["file"] for c in manifest["ctls"]] + [c["file"] for c in manifest["crls"]]
    files += [manifest["ccf"]["file"], manifest["composite_crl"]["file"], manifest["global_policy"]]
    files += [*manifest["device_policies"].values(), "scms.toml", "deployment.json", "ra/secrets/operator-token",
              "la1/secrets/release-token", "la2/secrets/release-token"]
    files += [file for purposes in manifest["keys"].values() for file in purposes.values()]
    checked = {item.artifact for item in report.checked}
    assert set(files) <= checked and len(files) == 45  # 12 certificates, 4 CRLs, 18 keys, 3 tokens, ...
    chains = [item for item in report.checked if item.kind == "chain"]
    assert len(chains) == 9 and all("approved by CTL 1" in item.detail for item in chains)
    assert report.warnings == () and report.trust.sequence_number == 1 and report.trust.quorum == 2


def test_an_overdue_crl_is_a_warning(pristine: Path) -> None:
    week_later = Time32(NOW + 169 * 3600)  # nextCrl is issueDate + 168 h
    report = verify_deployment(pristine, week_later)
    assert len(report.warnings) == 4 and all("nextCrl" in w and "has passed" in w for w in report.warnings)


def _artifact(directory: Path, kind: str) -> str:
    manifest = read_manifest(directory)
    files = {
        "root": manifest["certificates"]["root"]["file"],
        "ica": manifest["certificates"]["ica"]["file"],
        "ra": manifest["certificates"]["ra"]["file"],
        "elector-2": manifest["certificates"]["elector-2"]["file"],
        "ctl": manifest["ctls"][0]["file"],
        "crl-hash": manifest["crls"][0]["file"],
        "crl-linkage": manifest["crls"][-1]["file"],
        "ccf": manifest["ccf"]["file"],
        "composite-crl": manifest["composite_crl"]["file"],
    }
    return str(files[kind])


@pytest.mark.parametrize("offset", [40, -1, -40], ids=["early", "last", "signature"])
@pytest.mark.parametrize(
    "kind", ["root", "ica", "ra", "elector-2", "ctl", "crl-hash", "crl-linkage", "ccf", "composite-crl"]
)
def test_one_flipped_byte_is_refused_naming_the_file(copy: Path, kind: str, offset: int) -> None:
    artifact = _artifact(copy, kind)
    flip_byte(copy / artifact, offset)
    assert _refused(copy).artifact == artifact


def _ctl2(directory: Path, signers: list[tuple[Certificate, SoftwareKey]], extra: list[Certificate]) -> str:
    """CTL 2 approving CTL 1's members plus `extra` electors, signed by `signers`, written into the deployment."""
    deployment = load_deployment(directory)
    electors = [deployment.certificate(name) for name in deployment.elector_names] + extra
    root = deployment.certificate("root")
    series = bytes.fromhex(deployment.manifest.ctl_series_id)
    approve = [elector_id(c) for c in electors]
    tbs = build_tbs_ctl(series, 2, LATER, elector_approve=approve, root_ca_approve=[root_ca_id(root)], quorum=2)
    ctl = assemble_ctl(tbs, [sign_ctl(tbs, key, cert, LATER) for cert, key in signers], [*electors, root])
    path = Layout(directory).ctl(series, 2)
    path.write_bytes(ctl)
    manifest = read_manifest(directory)
    relative = str(path.relative_to(directory))
    manifest["ctls"].append({"sequence_number": 2, "file": relative})
    write_manifest(directory, manifest)
    return relative


def test_a_ctl_with_fewer_than_quorum_signatures(copy: Path) -> None:
    deployment = load_deployment(copy)
    elector = (deployment.certificate("elector-1"), deployment.signing_key("elector-1"))
    file = _ctl2(copy, [elector], [])
    assert len(parse_ctl((copy / file).read_bytes()).signatures) == 1
    refused = _refused(copy)
    assert refused.artifact == file and refused.code == "400-40"
    assert "1 valid signatures of approved electors, quorum 2" in refused.reason


def _new_elector(number: int) -> tuple[Certificate, SoftwareKey]:
    key = SoftwareKey.generate(Curve.P384)
    template = elector_template(DeploymentConfig(), number, key.public_point, NOW)
    return issue_certificate(template, None, key, profile="elector"), key


def test_a_ctl_signed_by_electors_the_previous_ctl_did_not_approve(copy: Path) -> None:
    strangers = [_new_elector(8), _new_elector(9)]  # real elector certificates, approved only by CTL 2 itself
    file = _ctl2(copy, strangers, [cert for cert, _ in strangers])
    refused = _refused(copy)
    assert refused.artifact == file and "0 valid signatures of approved electors, quorum 2" in refused.reason


def _sign_unlinted(tbs: dict, issuer: Holder) -> Certificate:  # type: ignore[type-arg]
    """What a malicious tool does: encode a tbs nobody linted and sign it with the issuer's key."""
    tbs_bytes = asn1.encode("ToBeSignedCertificate", tbs)
    digest = signing_digest(Curve.P256, tbs_bytes, issuer.certificate.canonical_bytes)
    signature = issuer.signing_key.sign_digest(digest)
    issuer_id = IssuerId(issuer.certificate.hash_algorithm, issuer.certificate.hashed_id8())
    value = {
        "version": 3,
        "type": "explicit",
        "issuer": issuer_id.to_coer(),
        "toBeSigned": tbs,
        "signature": signature_to_coer(signature.to_x_only()),
    }
    return Certificate.from_bytes(asn1.encode("Certificate", value))


def test_a_ca_certificate_whose_permissions_exceed_its_issuers(copy: Path) -> None:
    deployment = load_deployment(copy)
    ica = Holder("ica", deployment.certificate("ica"), deployment.signing_key("ica"))
    eca = deployment.certificate("eca")
    assert eca.verification_key is not None
    template = component_template(deployment.config, "eca", eca.verification_key, ica.certificate,
                                  deployment.certificate("root"), NOW)
    extra = PsidGroupPermissions((PsidSspRange(0x8007),), 1, 0, app=True, enrol=False)  # a PSID the ICA cannot issue
    greedy = dataclasses.replace(template, cert_issue_permissions=(*template.cert_issue_permissions, extra))
    with pytest.raises(LintError):
        lint_certificate(greedy, ica.certificate)  # the builder refuses it ...
    forged = _sign_unlinted(greedy.tbs_value(), ica)  # ... a malicious tool signs it anyway
    forged.verify_signature(ica.certificate)  # a genuine ICA signature
    file = deployment.manifest.certificates["eca"].file
    (copy / file).write_bytes(forged.data)
    manifest = read_manifest(copy)
    manifest["certificates"]["eca"]["hashed_id8"] = forged.hashed_id8().hex()
    write_manifest(copy, manifest)
    refused = _refused(copy)
    assert refused.artifact == file and refused.code == "400-40" and "certIssuePermissions" in refused.reason


def test_a_crl_outside_its_signers_scope(copy: Path) -> None:
    deployment = load_deployment(copy)
    signer, root = deployment.certificate("crl-signer"), deployment.certificate("root")
    header = CrlHeader(7, root.hashed_id8(), LATER, Time32(LATER + 3600))  # series 7: not in the signer's CrlSsp
    contents = build_hash_crl(header, [], crl_serial=1)
    secured = sign_data(unsecured(contents.encoded), header=HeaderInfo(psid=256),
                        key=deployment.signing_key("crl-signer"), signer=SignerDigest(signer))
    file = f"public/crl/crl_{root.hashed_id8().hex()}_7_1.oer"
    (copy / file).write_bytes(secured)
    manifest = read_manifest(copy)
    manifest["crls"].append({"craca": root.hashed_id8().hex(), "series": 7, "number": 1, "kind": "hash", "file": file})
    write_manifest(copy, manifest)
    refused = _refused(copy)
    assert refused.artifact == file and "may sign CRL series [1, 2, 3, 256], not 7" in refused.reason


def test_key_files_open_to_others_or_of_another_component(copy: Path) -> None:
    key = Layout(copy).key_file("ma", "encryption")
    os.chmod(key, 0o640)
    refused = _refused(copy)
    assert refused.artifact == "ma/keys/encryption.key" and "mode 0640" in refused.reason
    os.chmod(key, 0o600)
    for suffix in (".key", ".json"):  # the RA's signing key replaced by the MA's, description and all
        target = key.with_name("signing").with_suffix(suffix)
        target.unlink()
        target.write_bytes(Layout(copy).key_file("ra", "signing").with_suffix(suffix).read_bytes())
        os.chmod(target, 0o600)
    assert "belongs to ra, not ma" in _refused(copy).reason


def test_only_the_named_key_owners_are_read(copy: Path) -> None:
    os.chmod(Layout(copy).key_file("la1", "signing"), 0o644)
    assert verify_deployment(copy, LATER, key_owners=("ra", "eca")).warnings == ()
    assert _refused(copy).artifact == "la1/keys/signing.key"


@pytest.mark.parametrize(
    ("file", "content", "reason"),
    [
        ("scms.toml", "[ra]\ncolour = 1\n", "ra.colour: unknown option"),
        ("public/policy/device-obu.json", "{}", "version: Field required"),
        ("deployment.json", "{", "unreadable manifest"),
    ],
)
def test_configuration_policy_and_manifest_must_load(copy: Path, file: str, content: str, reason: str) -> None:
    (copy / file).write_text(content)
    refused = _refused(copy)
    assert refused.artifact == file and reason in refused.reason


def test_a_missing_trust_anchor_stops_verification(copy: Path) -> None:
    (copy / "public/certificates/root.oer").unlink()
    refused = _refused(copy)
    assert refused.artifact == "public/certificates/root.oer" and "cannot read" in refused.reason


def test_everything_must_still_be_valid(pristine: Path) -> None:
    much_later = Time32(NOW + 6 * 365 * 86_400)  # after the 5-year RA certificate
    refused = _refused(pristine, much_later)
    assert refused.artifact.startswith("public/") and "not valid at" in refused.reason


def _edit(key_path: tuple[str, ...], value: object) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        manifest = read_manifest(directory)
        target = manifest
        for key in key_path[:-1]:
            target = target[key]
        target[key_path[-1]] = value
        write_manifest(directory, manifest)

    return apply


def _swap_entries(directory: Path) -> None:
    manifest = read_manifest(directory)
    ra, eca = manifest["certificates"]["ra"], manifest["certificates"]["eca"]
    for field in ("file", "hashed_id8"):
        ra[field], eca[field] = eca[field], ra[field]
    write_manifest(directory, manifest)


def _copy_file(source: str, target: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        (directory / target).write_bytes((directory / source).read_bytes())

    return apply


def _text(file: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / file
        path.write_text(path.read_text().replace(old, new))

    return apply


def _ccf_without_ma(directory: Path) -> None:
    deployment = load_deployment(directory)
    others = [deployment.certificate(n) for n in ("ica", "eca", "aca", "ra", "crl-signer")]
    (directory / deployment.manifest.ccf.file).write_bytes(build_ccf(deployment.latest_ctl(), others))


def _composite_without_one(directory: Path) -> None:
    deployment = load_deployment(directory)
    crls = [deployment.read(e.file) for e in deployment.manifest.crls[1:]]
    (directory / deployment.manifest.composite_crl.file).write_bytes(build_composite_crl(crls, deployment.latest_ctl()))


def _extra_elector(directory: Path) -> None:
    certificate, _ = _new_elector(9)
    (directory / "public/certificates/elector-9.oer").write_bytes(certificate.data)
    entry = {"file": "public/certificates/elector-9.oer", "hashed_id8": certificate.hashed_id8().hex(),
             "issuer": None, "role": "elector"}
    _edit(("certificates", "elector-9"), entry)(directory)


def _other_plv_key(directory: Path) -> None:
    path = Layout(directory).key_file("la1", "plv-aca")
    path.unlink()
    path.with_suffix(".json").unlink()
    write_symmetric_key(path, SymmetricEncryptionKey(os.urandom(16)), component="la1", purpose="plv-aca")


def _ctl_elsewhere(directory: Path) -> None:
    _copy_file("public/ctl/ctl_53434d5300000001_1.oer", "public/ctl/first.oer")(directory)
    _edit(("ctls",), [{"sequence_number": 1, "file": "public/ctl/first.oer"}])(directory)


def _linkage_crl_numbered(number: int) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        manifest = read_manifest(directory)
        entry = manifest["crls"][-1]
        new = entry["file"].replace("_1.oer", f"_{number}.oer")
        (directory / new).write_bytes((directory / entry["file"]).read_bytes())
        entry["file"], entry["number"] = new, number
        write_manifest(directory, manifest)

    return apply


def _chmod(file: str, mode: int) -> Callable[[Path], None]:
    return lambda directory: os.chmod(directory / file, mode)


def _without_secret(component: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        manifest = read_manifest(directory)
        del manifest["secrets"][component]
        write_manifest(directory, manifest)

    return apply


def _token(file: str, data: bytes) -> Callable[[Path], None]:
    return lambda directory: (directory / file).write_bytes(data)  # the file keeps its mode 0600


LIES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "role in the manifest": (_edit(("certificates", "ra", "role"), "eca"), "public/certificates/ra.oer",
                             "deployment.json says role 'eca', the certificate ra"),
    "issuer in the manifest": (_edit(("certificates", "ra", "issuer"), "root"), "public/certificates/ra.oer",
                               "issued by ica, deployment.json says root"),
    "another certificate under a name": (_copy_file("public/certificates/eca.oer", "public/certificates/ra.oer"),
                                         "public/certificates/ra.oer", "deployment.json says"),
    "two components swapped": (_swap_entries, "public/certificates/ra.oer",  # now listed as the ECA's
                               "carries SecurityMgmtSsp ra; a eca certificate needs eca"),
    "la id": (_text("scms.toml", "la_id = 1", "la_id = 7"), "public/certificates/la1.oer",
              "laId 1, scms.toml gives la1 laId 7"),
    "unknown component": (_edit(("certificates", "pca"), {"file": "public/certificates/ma.oer", "hashed_id8": "0" * 16,
                                                          "issuer": "ica", "role": "ma"}),
                          "public/certificates/ma.oer", "deployment.json says"),
    "missing component": (_edit(("certificates", "ma"), None), "deployment.json", "certificates.ma"),
    "series in scms.toml": (_text("scms.toml", "53434d5300000001", "53434d5300000002"), "deployment.json",
                            "scms.toml says 53434d5300000002"),
    "series in the policy": (_text("public/policy/global.json", "53434d5300000001", "53434d5300000002"),
                             "public/policy/global.json", "CTL series 53434d5300000002, expected"),
    "device policy swapped": (_edit(("device_policies", "OBU"), "public/policy/device-rsu.json"),
                              "public/policy/device-rsu.json", "the policy of RSU, listed for OBU"),
    "CTL under another name": (_ctl_elsewhere, "public/ctl/first.oer", "belongs in public/ctl/ctl_"),
    "no CTL": (_edit(("ctls",), []), "deployment.json", "lists no CTL"),
    "elector the CTL does not approve": (_extra_elector, "public/certificates/elector-9.oer",
                                         "elector-9 is not approved by CTL 1"),
    "CCF version": (_edit(("ccf", "version"), 2), "public/ccf/ccf_1.oer", "version 2 belongs in public/ccf/ccf_2.oer"),
    "CCF without the MA": (_ccf_without_ma, "public/ccf/ccf_1.oer", "lacks certificate"),
    "composite CRL without a CRL": (_composite_without_one, "public/composite-crl/composite-crl_1.oer",
                                    "lacks the newest CRL public/crl/crl_"),
    "CRL kind": (_edit(("crls", 0, "kind"), "linkage"), "public/crl/", "deployment.json differs"),
    "CRL number": (_linkage_crl_numbered(2), "deployment.json", "series 1 are numbered [2]"),
    "key directory mode": (_chmod("eca/keys", 0o755), "eca/keys/signing.key", "its directory has mode 0755"),
    "LA-ACA key": (_other_plv_key, "la1/keys/plv-aca.key", "not the key the ACA holds for la1"),
    "secret mode": (_chmod("ra/secrets/operator-token", 0o644), "ra/secrets/operator-token", "mode 0644"),
    "release token mode": (_chmod("la2/secrets/release-token", 0o640), "la2/secrets/release-token", "mode 0640"),
    "release token directory": (_chmod("la1/secrets", 0o750), "la1/secrets/release-token",
                                "its directory has mode 0750"),
    "no release token": (_without_secret("la1"), "deployment.json", "names no release-token of la1"),
    "short release token": (_token("la2/secrets/release-token", b"short-token\n"), "la2/secrets/release-token",
                            "the token must have 16 characters or more"),
    "release token gone": (lambda directory: os.remove(directory / "la1/secrets/release-token"),
                           "la1/secrets/release-token", "cannot open"),
}


@pytest.mark.parametrize("case", list(LIES))
def test_what_the_manifest_and_the_files_say_must_agree(copy: Path, case: str) -> None:
    damage, artifact, reason = LIES[case]
    damage(copy)
    refused = _refused(copy)
    assert refused.artifact.startswith(artifact) and reason in refused.reason, refused


@pytest.mark.parametrize(("kind", "first"), [("ccf", "public/ccf/ccf_1.oer"),
                                             ("composite_crl", "public/composite-crl/composite-crl_1.oer")])
def test_published_files_carry_the_latest_ctl(copy: Path, kind: str, first: str) -> None:
    add_elector(copy, LATER)  # CTL 2, with the next CCF and composite CRL
    current = read_manifest(copy)[kind]["file"]
    (copy / current).write_bytes((copy / first).read_bytes())  # the file of CTL 1 again, under the new name
    refused = _refused(copy)
    assert refused.artifact == current and refused.reason == "home CTL is CTL 1, not the latest CTL 2"


def test_a_host_checks_only_the_tokens_of_the_components_it_holds(copy: Path) -> None:
    _without_secret("la1")(copy)
    report = verify_deployment(copy, LATER, key_owners=("ra", "la2"))
    checked = {item.artifact for item in report.checked}
    assert {"ra/secrets/operator-token", "la2/secrets/release-token"} <= checked
    assert "la1/secrets/release-token" not in checked
    with pytest.raises(TrustError, match="names no release-token of la1"):
        verify_deployment(copy, LATER, key_owners=("la1",))
