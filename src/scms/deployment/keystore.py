"""Private keys as files in the owning component's key directory (`layout.Layout.key_dir`).

Format (version 1), two files per key:
* `<purpose>.key`: the key itself, mode 0600, created with `os.open(..., 0o600)` and never overwritten: a PKCS#8 PEM
  private key (unencrypted; the file mode and the 0700 directory protect it) for an elliptic-curve key, the 32 hex
  digits of the key for an AES-128 key (the LA-ACA pre-linkage value key, 1609.2.1 §7.3 / standards notes §7.3);
* `<purpose>.json`: what the key is, never secret: `{"format": "scms-key", "format_version": 1, "kind":
  "ec-private" | "aes128", "curve": <OpenSSL name>, "component": ..., "purpose": ..., "public_key": <compressed
  point hex>}`.

`load_private_key` / `load_symmetric_key` refuse a key file that is not a regular file of ours, is readable or
writable by group or other (the mode is read from the open descriptor), or disagrees with its description (kind,
curve, public key). Keys come back as `scms.crypto.SoftwareKey` (a `Signer` and `KeyAgreement`) or
`scms.dot2.spdu.encryption_key.SymmetricEncryptionKey`; their reprs, and every error message here, name the file,
never the key.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from scms.crypto import InvalidKey, SoftwareKey
from scms.deployment.errors import KeyFileError
from scms.dot2.spdu.encryption_key import SymmetricEncryptionKey

__all__ = [
    "KEY_FORMAT_VERSION",
    "KeyDescription",
    "ensure_private_dir",
    "load_private_key",
    "load_symmetric_key",
    "read_secret_file",
    "write_private_key",
    "write_secret_file",
    "write_symmetric_key",
]

KEY_FORMAT_VERSION = 1
_FORMAT = "scms-key"
KeyKind = Literal["ec-private", "aes128"]


@dataclass(frozen=True)
class KeyDescription:
    """The sidecar of a key file: what the key is and whom it belongs to (no secret)."""

    kind: KeyKind
    component: str
    purpose: str
    curve: str | None = None
    public_key: str | None = None

    def to_json(self) -> bytes:
        value: dict[str, Any] = {"format": _FORMAT, "format_version": KEY_FORMAT_VERSION, "kind": self.kind}
        value |= {"component": self.component, "purpose": self.purpose}
        if self.curve is not None:
            value |= {"curve": self.curve, "public_key": self.public_key}
        return (json.dumps(value, indent=2) + "\n").encode()

    @classmethod
    def read(cls, path: Path) -> KeyDescription:
        try:
            value = json.loads(path.read_bytes())
            if value.get("format") != _FORMAT or value.get("format_version") != KEY_FORMAT_VERSION:
                raise ValueError("not an scms-key description of format version 1")
            return cls(value["kind"], value["component"], value["purpose"], value.get("curve"), value.get("public_key"))
        except OSError as error:
            raise KeyFileError(f"{path}: cannot read the key description ({error.strerror or error})") from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise KeyFileError(f"{path}: bad key description ({error})") from None


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) with mode 0700 if missing; refuse one that others may read or write."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(f"{path}: key directory has mode {mode:04o}; it must be 0700")
    return path


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.fchmod(fd, 0o600)  # exactly 0600 whatever the umask
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write(path: Path, secret: bytes, description: KeyDescription) -> None:
    ensure_private_dir(path.parent)
    try:
        _write_new(_sidecar(path), description.to_json())
        _write_new(path, secret)
    except FileExistsError:
        raise KeyFileError(f"{path}: a key file is already there; keys are never overwritten") from None


def _public_hex(key: SoftwareKey) -> str:
    return key.public_point.encode(compressed=True).hex()


def write_private_key(path: Path, key: SoftwareKey, *, component: str, purpose: str) -> None:
    """Write an elliptic-curve private key (PKCS#8 PEM, 0600) and its description; never overwrites."""
    description = KeyDescription("ec-private", component, purpose, key.curve.openssl_name, _public_hex(key))
    _write(path, key.to_pkcs8_pem(), description)


def write_symmetric_key(path: Path, key: SymmetricEncryptionKey, *, component: str, purpose: str) -> None:
    """Write an AES-128 key (hex, 0600) and its description; never overwrites."""
    _write(path, key.key.hex().encode() + b"\n", KeyDescription("aes128", component, purpose))


def write_secret_file(path: Path, data: bytes) -> None:
    """Write another secret (e.g. an API token) the way keys are written: new file, mode 0600, 0700 directory."""
    ensure_private_dir(path.parent)
    try:
        _write_new(path, data)
    except FileExistsError:
        raise KeyFileError(f"{path}: a secret file is already there; it is never overwritten") from None


def read_secret_file(path: Path) -> bytes:
    """Read a secret file, refusing one that is not a regular file or is open to group or other."""
    return _read_private(path)


def _read_private(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise KeyFileError(f"{path}: cannot open ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(f"{path}: not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise KeyFileError(f"{path}: mode {mode:04o} opens this secret to group or other; it must be 0600")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    finally:
        os.close(fd)


def _expect(path: Path, description: KeyDescription, kind: KeyKind, component: str | None) -> None:
    if description.kind != kind:
        raise KeyFileError(f"{path}: holds a {description.kind} key, not {kind}")
    if component is not None and description.component != component:
        raise KeyFileError(f"{path}: belongs to {description.component}, not {component}")


def load_private_key(path: Path, *, component: str | None = None) -> SoftwareKey:
    """Load an elliptic-curve key written by `write_private_key`, checking mode, owner name, curve and public key."""
    description = KeyDescription.read(_sidecar(path))
    _expect(path, description, "ec-private", component)
    try:
        key = SoftwareKey.from_pkcs8_pem(_read_private(path))
    except InvalidKey as error:
        raise KeyFileError(f"{path}: {error}") from None
    if key.curve.openssl_name != description.curve or _public_hex(key) != description.public_key:
        raise KeyFileError(f"{path}: the key does not match its description {_sidecar(path).name}")
    return key


def load_symmetric_key(path: Path, *, component: str | None = None) -> SymmetricEncryptionKey:
    """Load an AES-128 key written by `write_symmetric_key`, checking mode and owner name."""
    description = KeyDescription.read(_sidecar(path))
    _expect(path, description, "aes128", component)
    text = _read_private(path).strip()
    try:
        return SymmetricEncryptionKey(bytes.fromhex(text.decode("ascii")))
    except ValueError:
        raise KeyFileError(f"{path}: not a 16-octet hex AES key") from None
