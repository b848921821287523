"""`scms asn1 decode/encode/types`: JSON out, COER back in, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scms.cli import app

from ._samples import dat, real_certificates

runner = CliRunner()
SCMS = Path(sys.executable).parent / "scms"


def _files(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "in.oer"
    path.write_bytes(data)
    return path


def test_decode_then_encode_gives_the_same_bytes(tmp_path: Path) -> None:
    for data in real_certificates():
        decoded = runner.invoke(app, ["asn1", "decode", "Certificate", str(_files(tmp_path, data))])
        assert decoded.exit_code == 0, decoded.output
        json_path = tmp_path / "value.json"
        json_path.write_text(decoded.stdout)
        encoded = runner.invoke(app, ["asn1", "encode", "Certificate", str(json_path)])
        assert encoded.exit_code == 0
        assert encoded.stdout_bytes == data
        out = tmp_path / "out.oer"
        assert runner.invoke(app, ["asn1", "encode", "Certificate", str(json_path), "-o", str(out)]).exit_code == 0
        assert out.read_bytes() == data


def test_deep_decode_then_encode_gives_the_same_bytes(tmp_path: Path) -> None:
    data = dat("composite-crl-file.dat")
    decoded = runner.invoke(app, ["asn1", "decode", "CompositeCrlSpdu", str(_files(tmp_path, data)), "--deep"])
    assert decoded.exit_code == 0
    assert '"$type": "CrlContents"' in decoded.stdout
    json_path = tmp_path / "deep.json"
    json_path.write_text(decoded.stdout)
    encoded = runner.invoke(app, ["asn1", "encode", "CompositeCrlSpdu", str(json_path)])
    assert encoded.stdout_bytes == data


def test_hex_input(tmp_path: Path) -> None:
    data = real_certificates()[1]
    path = tmp_path / "cert.hex"
    path.write_text(data.hex() + "\n")
    decoded = runner.invoke(app, ["asn1", "decode", "Certificate", str(path), "--hex"])
    assert decoded.exit_code == 0 and json.loads(decoded.stdout)["type"] == "implicit"


def test_types_lists_the_compiled_types() -> None:
    listed = runner.invoke(app, ["asn1", "types"]).stdout.split()
    assert {"Certificate", "Ieee1609Dot2.Certificate", "SecuredCrl", "CrlContents"} <= set(listed)


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["decode", "Certificate"], b"\x80\x03", "error: Certificate: truncated"),
        (["decode", "NoSuchType"], b"\x00", "error: NoSuchType: unknown ASN.1 type"),
        (["decode", "Certificate", "--hex"], b"zz", "is not hex text"),
        (["encode", "Certificate"], b"{not json", "is not JSON"),
        (["encode", "PsidSsp"], b'{"psid": 1, "x": 2}', "PsidSsp: cannot encode at PsidSsp: no component named x"),
    ],
)
def test_errors_are_one_line_and_exit_non_zero(tmp_path: Path, args: list[str], content: bytes, message: str) -> None:
    path = _files(tmp_path, content)
    result = runner.invoke(app, ["asn1", args[0], args[1], str(path), *args[2:]])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ") and message in result.stderr


def test_missing_file_is_one_line() -> None:
    result = runner.invoke(app, ["asn1", "decode", "Certificate", "/nonexistent/cert.oer"])
    assert result.exit_code == 1
    assert result.stderr == "error: cannot read /nonexistent/cert.oer: No such file or directory\n"


def test_installed_command_round_trip(tmp_path: Path) -> None:
    """The real `scms` entry point, through pipes: binary COER on stdout, errors without a traceback."""
    data = real_certificates()[2]
    source = _files(tmp_path, data)
    decoded = subprocess.run([SCMS, "asn1", "decode", "Certificate", source], capture_output=True, check=True)
    encoded = subprocess.run([SCMS, "asn1", "encode", "Certificate", "-"], input=decoded.stdout, capture_output=True)
    assert encoded.returncode == 0 and encoded.stdout == data
    failed = subprocess.run([SCMS, "asn1", "decode", "Certificate", "-"], input=data + b"\x00", capture_output=True)
    assert failed.returncode == 1 and b"Traceback" not in failed.stderr
    expected = f"error: Certificate: 1 trailing bytes after the value (byte offset {len(data)})"
    assert failed.stderr.decode().strip() == expected
