"""`scms spdu show` / `scms spdu verify` on real files: exit 0 only on a verified signature, one line otherwise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scms.cli import app
from scms.crypto import Curve, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.spdu import (
    CertRecipient,
    HeaderInfo,
    RecipientPrivateKey,
    SignerDigest,
    decrypt,
    encrypt,
    sign_data,
    unsecured,
)
from scms.dot2.time import Time64
from vectors import VECTORS_DIR, load_json, read_bytes, unhex

from ._spdu_fixtures import Holder, make_explicit

runner = CliRunner()
SCMS = Path(sys.executable).parent / "scms"
CMIS = "CertificateManagementInfoStatusSpdu.dat"


@pytest.fixture(scope="module")
def signer() -> Holder:
    return make_explicit(name="cli.example", psids=(35,))


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _signed(signer: Holder) -> bytes:
    header = HeaderInfo(psid=35, generation_time=Time64(700_000_000_000_000))
    return sign_data(unsecured(b"payload"), header=header, key=signer.key, signer=SignerDigest(signer.certificate))


def _one_error_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("error: ")
    assert "Traceback" not in output
    return lines[0]


def test_verify_with_the_right_certificate(tmp_path: Path, signer: Holder) -> None:
    spdu = _write(tmp_path, "spdu.oer", _signed(signer))
    cert = _write(tmp_path, "signer.cert", signer.certificate.data)
    result = runner.invoke(app, ["spdu", "verify", spdu, "--cert", cert])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"OK: signedData psid 35, signer digest {signer.certificate.hashed_id8()}"


def test_verify_tampered_file_fails_with_one_line(tmp_path: Path, signer: Holder) -> None:
    data = bytearray(_signed(signer))
    data[-5] ^= 0x10
    spdu = _write(tmp_path, "spdu.oer", bytes(data))
    cert = _write(tmp_path, "signer.cert", signer.certificate.data)
    result = runner.invoke(app, ["spdu", "verify", spdu, "--cert", cert])
    assert result.exit_code == 1
    assert "400-43 failed signature verification" in _one_error_line(result.output)


def test_verify_unknown_signer_fails_with_one_line(tmp_path: Path, signer: Holder) -> None:
    other = make_explicit(name="other.example")
    spdu = _write(tmp_path, "spdu.oer", _signed(signer))
    cert = _write(tmp_path, "other.cert", other.certificate.data)
    result = runner.invoke(app, ["spdu", "verify", spdu, "--cert", cert])
    assert result.exit_code == 1
    line = _one_error_line(result.output)
    assert "400-40" in line
    assert f"unknown signer digest {signer.certificate.hashed_id8()}" in line


def test_verify_real_signed_spdu_carrying_its_signer(tmp_path: Path) -> None:
    read_bytes(VECTORS_DIR / "openscms" / CMIS)  # skips when the vectors are absent
    path = str(VECTORS_DIR / "openscms" / CMIS)
    result = runner.invoke(app, ["spdu", "verify", path])
    assert result.exit_code == 0, result.output
    assert "signer certificate 15e298fe7b1d9199" in result.stdout


def test_verify_real_request_with_implicit_signer_needs_the_eca(tmp_path: Path) -> None:
    kat = load_json("openscms/kat/ee-ra-cert-request-obk.json")["input"]
    ra = Certificate.from_bytes(unhex(kat["ra_certificate"]))
    ra_key = SoftwareKey.from_private_bytes(Curve.P256, unhex(kat["ra_encryption_private_key"]))
    inner = decrypt(unhex(kat["ee_ra_cert_request_spdu"]), [RecipientPrivateKey.for_certificate(ra_key, ra)])
    request = _write(tmp_path, "request.oer", inner)
    eca = _write(tmp_path, "eca.cert", unhex(kat["eca_certificate"]))
    without = runner.invoke(app, ["spdu", "verify", request])
    assert without.exit_code == 1
    assert "issuer is not given" in _one_error_line(without.output)
    with_eca = runner.invoke(app, ["spdu", "verify", request, "--cert", eca])
    assert with_eca.exit_code == 0, with_eca.output
    assert with_eca.stdout.startswith("OK: signedCertificateRequest ee-ra/eeRaCertRequest, signer certificate ")


def test_verify_self_signed_request() -> None:
    path = VECTORS_DIR / "openscms" / "EeEcaCertRequestSpdu.dat"
    read_bytes(path)
    result = runner.invoke(app, ["spdu", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "OK: signedCertificateRequest eca-ee/eeEcaCertRequest, signer self"


def test_verify_refuses_unsigned_and_bad_inputs(tmp_path: Path, signer: Holder) -> None:
    encrypted = _write(tmp_path, "enc.oer", read_bytes(VECTORS_DIR / "openscms" / "EeRaCertRequest.dat"))
    result = runner.invoke(app, ["spdu", "verify", encrypted])
    assert result.exit_code == 1
    assert "encryptedData carries no signature" in _one_error_line(result.output)
    garbage = _write(tmp_path, "garbage.oer", b"\x03\x81\x00")
    result = runner.invoke(app, ["spdu", "verify", garbage])
    assert result.exit_code == 1
    assert "400-42" in _one_error_line(result.output)
    spdu = _write(tmp_path, "spdu.oer", _signed(signer))
    result = runner.invoke(app, ["spdu", "verify", spdu, "--cert", garbage])
    assert result.exit_code == 2
    assert "not a certificate" in _one_error_line(result.output)
    result = runner.invoke(app, ["spdu", "verify", str(tmp_path / "missing.oer")])
    assert result.exit_code == 2
    assert "cannot read" in _one_error_line(result.output)


def test_check_permissions_option(tmp_path: Path, signer: Holder) -> None:
    header = HeaderInfo(psid=0x20)
    data = sign_data(unsecured(b"x"), header=header, key=signer.key, signer=SignerDigest(signer.certificate))
    spdu = _write(tmp_path, "spdu.oer", data)
    cert = _write(tmp_path, "signer.cert", signer.certificate.data)
    assert runner.invoke(app, ["spdu", "verify", spdu, "--cert", cert]).exit_code == 0
    strict = runner.invoke(app, ["spdu", "verify", spdu, "--cert", cert, "--check-permissions"])
    assert strict.exit_code == 1
    assert "does not permit psid 32" in _one_error_line(strict.output)


def test_show_layers(tmp_path: Path, signer: Holder) -> None:
    ra = make_explicit(name="ra.example", encryption_curve=Curve.P256)
    encrypted = encrypt(_signed(signer), [CertRecipient(ra.certificate)])
    outer = sign_data(
        unsecured(encrypted), header=HeaderInfo(psid=35), key=signer.key, signer=SignerDigest(signer.certificate)
    )
    result = runner.invoke(app, ["spdu", "show", _write(tmp_path, "outer.oer", outer)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Ieee1609Dot2Data signedData ({len(outer)} bytes)"
    assert "  psid: 35 (0x23)" in lines
    assert f"  signer: digest {signer.certificate.hashed_id8()}" in lines
    assert "    Ieee1609Dot2Data encryptedData" in "\n".join(lines)
    assert f"      recipient: certRecipInfo {ra.certificate.hashed_id8()} (eciesNistP256)" in lines


def test_show_real_files() -> None:
    read_bytes(VECTORS_DIR / "openscms" / CMIS)  # skips when the vectors are absent
    cmis = runner.invoke(app, ["spdu", "show", str(VECTORS_DIR / "openscms" / CMIS)])
    assert cmis.exit_code == 0, cmis.output
    assert cmis.stdout.splitlines() == [
        "Ieee1609Dot2Data signedData (316 bytes)",
        "  hashId: sha256",
        "  psid: 35 (0x23)",
        "  signer: certificate 15e298fe7b1d9199 (explicit)",
        "  Ieee1609Dot2Data unsecuredData (51 bytes)",
        "    payload: ScmsPdu cert/infoStatus, 48 bytes",
    ]
    request = runner.invoke(app, ["spdu", "show", str(VECTORS_DIR / "openscms" / "EeEcaCertRequestSpdu.dat")])
    assert request.stdout.splitlines()[2:] == ["  tbsRequest: ScmsPdu eca-ee/eeEcaCertRequest", "  signer: self"]
    cmis_type = "CertificateManagementInformationStatusSpdu"
    as_json = runner.invoke(app, ["spdu", "show", "--json", "--type", cmis_type, str(VECTORS_DIR / "openscms" / CMIS)])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    inner = document["content"]["signedData"]["tbsData"]["payload"]["data"]["content"]["unsecuredData"]
    assert inner["$type"] == "ScmsPdu"


def test_show_not_an_spdu_is_one_line() -> None:
    path = VECTORS_DIR / "openscms" / "RaCertificate.dat"
    read_bytes(path)
    result = runner.invoke(app, ["spdu", "show", str(path)])
    assert result.exit_code == 1
    assert "400-42" in _one_error_line(result.output)


def test_installed_command(tmp_path: Path, signer: Holder) -> None:
    spdu = _write(tmp_path, "spdu.oer", _signed(signer))
    cert = _write(tmp_path, "signer.cert", signer.certificate.data)
    ok = subprocess.run(
        [str(SCMS), "spdu", "verify", spdu, "--cert", cert], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([str(SCMS), "spdu", "verify", spdu], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert _one_error_line(bad.stderr).endswith(f"unknown signer digest {signer.certificate.hashed_id8()}")
