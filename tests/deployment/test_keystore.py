"""Key files: mode 0600 in a 0700 directory, refusal of loose modes, links and overwrites; no key in messages."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from scms.crypto import Curve, SoftwareKey
from scms.deployment import KeyFileError, load_private_key, load_symmetric_key, write_private_key, write_symmetric_key
from scms.deployment.keystore import ensure_private_dir, read_secret_file, write_secret_file
from scms.dot2.spdu.encryption_key import SymmetricEncryptionKey


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("curve", [Curve.P256, Curve.P384, Curve.BRAINPOOL_P384R1])
def test_write_and_load_private_key(tmp_path: Path, curve: Curve) -> None:
    key = SoftwareKey.generate(curve)
    path = tmp_path / "ra" / "keys" / "signing.key"
    write_private_key(path, key, component="ra", purpose="signing")
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    description = json.loads(path.with_suffix(".json").read_text())
    assert description["format_version"] == 1 and description["kind"] == "ec-private"
    assert description["curve"] == curve.openssl_name and description["component"] == "ra"
    assert description["public_key"] == key.public_point.encode(compressed=True).hex()
    loaded = load_private_key(path, component="ra")
    assert loaded.curve is curve and loaded.public_point == key.public_point
    assert repr(loaded) == "SoftwareKey([secure])"


def test_mode_is_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_private_key(tmp_path / "k" / "signing.key", SoftwareKey.generate(), component="x", purpose="signing")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "k" / "signing.key") == 0o600


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o602])
def test_loose_modes_are_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "keys" / "signing.key"
    write_private_key(path, SoftwareKey.generate(), component="ra", purpose="signing")
    path.chmod(mode)
    with pytest.raises(KeyFileError, match=f"mode {mode:04o}"):
        load_private_key(path)


def test_symlinked_key_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "keys" / "signing.key"
    write_private_key(real, SoftwareKey.generate(), component="ra", purpose="signing")
    link = tmp_path / "keys" / "link.key"
    link.symlink_to(real)
    link.with_suffix(".json").write_bytes(real.with_suffix(".json").read_bytes())
    with pytest.raises(KeyFileError, match="cannot open"):
        load_private_key(link)


def test_keys_are_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.key"
    first = SoftwareKey.generate()
    write_private_key(path, first, component="ra", purpose="signing")
    with pytest.raises(KeyFileError, match="never overwritten"):
        write_private_key(path, SoftwareKey.generate(), component="ra", purpose="signing")
    assert load_private_key(path).public_point == first.public_point


def test_description_must_match_the_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.key"
    write_private_key(path, SoftwareKey.generate(), component="ra", purpose="signing")
    with pytest.raises(KeyFileError, match="belongs to ra, not eca"):
        load_private_key(path, component="eca")
    other = tmp_path / "other" / "signing.key"
    write_private_key(other, SoftwareKey.generate(), component="ra", purpose="signing")
    sidecar = path.with_suffix(".json")
    sidecar.chmod(0o600)
    sidecar.write_bytes(other.with_suffix(".json").read_bytes())
    with pytest.raises(KeyFileError, match="does not match its description"):
        load_private_key(path)
    with pytest.raises(KeyFileError, match="not aes128"):
        load_symmetric_key(path)


def test_errors_never_carry_key_material(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.key"
    key = SoftwareKey.generate()
    write_private_key(path, key, component="ra", purpose="signing")
    pem = path.read_bytes()
    path.chmod(0o600)
    path.write_bytes(pem[:-40] + b"garbage-----END PRIVATE KEY-----\n")  # corrupt but still secret-looking
    with pytest.raises(KeyFileError) as caught:
        load_private_key(path)
    body = b"".join(pem.splitlines()[1:-1]).decode()
    assert body[:20] not in str(caught.value) and str(path) in str(caught.value)


def test_symmetric_key_round_trip(tmp_path: Path) -> None:
    key = SymmetricEncryptionKey(os.urandom(16))
    path = tmp_path / "aca" / "keys" / "plv-la1.key"
    write_symmetric_key(path, key, component="aca", purpose="plv-la1")
    assert _mode(path) == 0o600
    loaded = load_symmetric_key(path, component="aca")
    assert loaded.key == key.key and loaded.hashed_id8() == key.hashed_id8()
    assert "secure" in repr(loaded)
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="0644"):
        load_symmetric_key(path)


def test_secret_files_and_private_dirs(tmp_path: Path) -> None:
    path = tmp_path / "ra" / "secrets" / "operator-token"
    write_secret_file(path, b"token\n")
    assert _mode(path) == 0o600 and read_secret_file(path) == b"token\n"
    with pytest.raises(KeyFileError, match="never overwritten"):
        write_secret_file(path, b"other")
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    with pytest.raises(KeyFileError, match="0755"):
        ensure_private_dir(loose)
