"""The device state directory: one folder a user can inspect, holding everything a device keeps (docs/api-ee.md,
"The state directory"). `DeviceState` reads and writes it; `device.json` (`scms.ee.state.index`) says what is
there. The directory and every secret file are private (0700, 0600); each file is written atomically and the index
last (`scms.ee.state.files`), so a crash at any point leaves the previous consistent state. One process at a time
changes a directory (`scms.ee.state.lock`): another waits a few seconds for it, then StateError names the holder.

    state = DeviceState.create(path, "OBU")      # a new canonical key
    state = DeviceState.open(path)               # the directory's lock held until state.close() (or `with`)
    state = DeviceState.open(path, read_only=True)   # no lock: to look, not to change
    with state.change() as index: ...            # edit a copy; written (atomically) when the block ends
    state.enrollments / state.requests           # the enrollment certificates; the authorization requests
    state = DeviceState.in_memory("OBU")         # the same, kept in memory (`scms.ee.state.store.MemoryStore`)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from pydantic import ValidationError

from scms.crypto import SoftwareKey, sha256
from scms.dot2.time import Time32
from scms.ee.errors import StateError
from scms.ee.flows.registration import DeviceType, Policies, Registration, parse_policies
from scms.ee.state.enrollments import Enrollments
from scms.ee.state.files import key_of, pem_of, private_dir
from scms.ee.state.index import INDEX_FORMAT, INDEX_FORMAT_VERSION, DeviceIndex, PolicyRecord, TrustRecord
from scms.ee.state.lock import DirectoryLock
from scms.ee.state.requests import Requests
from scms.ee.state.store import DirectoryStore, MemoryStore, Store
from scms.ee.trust import TrustMaterial
from scms.protocol.ctl import parse_ctl
from scms.protocol.ee_eca import CanonicalIdentity

__all__ = ["INDEX_FILE", "DeviceState"]

INDEX_FILE = "device.json"
_CANONICAL_KEY = "canonical.key"


class DeviceState:
    """A device state directory (or store), opened."""

    def __init__(self, store: Store, index: DeviceIndex) -> None:
        self.store = store
        self.where = store.where
        self._index = index
        self.enrollments = Enrollments(self)
        self.requests = Requests(self)

    def __repr__(self) -> str:
        return f"DeviceState({self.where!r}, {self._index.device_type})"

    @property
    def index(self) -> DeviceIndex:
        """The index as written (a copy: change it through `change()`)."""
        return self._index.model_copy(deep=True)

    @classmethod
    def create(cls, directory: Path, device_type: DeviceType, *, wait: float | None = None) -> DeviceState:
        """A new device of `device_type` with a fresh canonical key; refuses a directory that holds a device. The
        directory's lock is held until `close()`."""
        directory = Path(directory)
        private_dir(directory)
        store = DirectoryStore(directory, lock=DirectoryLock.acquire(directory, wait))
        try:
            return cls.create_in(store, device_type)
        except BaseException:
            store.close()
            raise

    @classmethod
    def in_memory(cls, device_type: DeviceType, name: str = "device") -> DeviceState:
        """A new device kept in memory only (a simulated device: nothing is written to disk)."""
        return cls.create_in(MemoryStore(name), device_type)

    @classmethod
    def create_in(cls, store: Store, device_type: DeviceType) -> DeviceState:
        if store.exists(INDEX_FILE):
            raise StateError(f"{store.where}: already holds a device ({INDEX_FILE})")
        key = SoftwareKey.generate()
        store.write(_CANONICAL_KEY, pem_of(key), secret=True)
        index = DeviceIndex(device_type=device_type, canonical_key=_CANONICAL_KEY,
                            canonical_public_key=key.public_point.encode(compressed=True).hex())
        state = cls(store, index)
        state._write_index(index)
        return state

    @classmethod
    def open(cls, directory: Path, *, read_only: bool = False, wait: float | None = None) -> DeviceState:
        """Open a device directory; StateError names what is missing or wrong. Its lock is held until `close()`
        (waiting up to `wait` seconds, default `scms.ee.state.lock.LOCK_WAIT_S`, for another process to let it
        go) and leftovers of a crash are removed; `read_only`: neither (nothing can be written then)."""
        directory = Path(directory)
        locked = not read_only and (directory / INDEX_FILE).is_file()  # no lock file left in a wrong directory
        store = DirectoryStore(directory, lock=DirectoryLock.acquire(directory, wait) if locked else None,
                               read_only=read_only)
        try:
            return cls._opened(store)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        """Let the directory go (its lock released); the state must not be used after."""
        self.store.close()

    def __enter__(self) -> DeviceState:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
                 ) -> None:
        self.close()

    @classmethod
    def _opened(cls, store: DirectoryStore) -> DeviceState:
        directory = store.directory
        data = store.read(INDEX_FILE)
        try:
            value = json.loads(data)
        except ValueError:
            raise StateError(f"{directory / INDEX_FILE}: not JSON") from None
        if not isinstance(value, dict) or value.get("format") != INDEX_FORMAT:
            raise StateError(f"{directory / INDEX_FILE}: not an {INDEX_FORMAT} index")
        if value.get("format_version") != INDEX_FORMAT_VERSION:
            raise StateError(f"{directory / INDEX_FILE}: format_version {value.get('format_version')!r}, "
                             f"this version reads {INDEX_FORMAT_VERSION}")
        try:
            index = DeviceIndex.model_validate(value)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise StateError(f"{directory / INDEX_FILE}: {where}: {first['msg']}") from None
        store.clean()
        return cls(store, index)

    def _write_index(self, index: DeviceIndex) -> None:
        self.store.write(INDEX_FILE, (index.model_dump_json(indent=2) + "\n").encode())

    @contextmanager
    def change(self) -> Iterator[DeviceIndex]:
        """Edit a copy of the index; it is written when the block ends without an exception, and only then used."""
        draft = self._index.model_copy(deep=True)
        yield draft
        self._write_index(draft)
        self._index = draft

    # -- files ---------------------------------------------------------------------------------------------------
    def write(self, relative: str, data: bytes, *, secret: bool = False) -> str:
        self.store.write(relative, data, secret=secret)
        return relative

    def write_key(self, relative: str, key: SoftwareKey) -> str:
        """A private key as PKCS#8 PEM (a secret file)."""
        return self.write(relative, pem_of(key), secret=True)

    def write_versioned(self, folder: str, name: str, suffix: str, data: bytes) -> str:
        """A public file named by its content (`<folder>/<name>-<16 hex of SHA-256>.<suffix>`): a new version gets
        a new name, so the index never names a file that was half replaced."""
        return self.write(f"{folder}/{name}-{sha256(data)[:8].hex()}{suffix}", data)

    def prune(self, folder: str) -> None:
        """Delete the files of `folder` that the index no longer names (old versions)."""
        named = set(_named_files(self._index))
        for name in self.store.files(folder):
            if name not in named:
                self.store.remove(name)

    def read(self, relative: str) -> bytes:
        return self.store.read(relative)

    def read_secret(self, relative: str) -> bytes:
        return self.store.read_secret(relative)

    def remove(self, relative: str) -> None:
        self.store.remove(relative)

    def key(self, relative: str) -> SoftwareKey:
        return key_of(self.store.read_secret(relative), f"{self.where}/{relative}")

    # -- identity, registration, policy, trust ---------------------------------------------------------------------
    def canonical_key(self) -> SoftwareKey:
        key = self.key(self._index.canonical_key)
        if key.public_point.encode(compressed=True).hex() != self._index.canonical_public_key:
            raise StateError(f"{self.where}/{self._index.canonical_key}: not the device's canonical key")
        return key

    def canonical_identity(self) -> CanonicalIdentity:
        if self._index.canonical_id is None:
            raise StateError(f"{self.where}: the device is not registered yet")
        return CanonicalIdentity(self._index.canonical_id, self.canonical_key())

    def save_registration(self, registration: Registration) -> None:
        with self.change() as index:
            index.canonical_id = registration.canonical_id
            index.registration_state = registration.state

    def save_policies(self, policies: Policies) -> None:
        global_file = self.write_versioned("policy", "global", ".json", policies.global_file)
        device_file = self.write_versioned("policy", self._index.device_type.lower(), ".json", policies.device_file)
        with self.change() as index:
            index.policy = PolicyRecord(global_file=global_file, device_file=device_file)
            index.urls = {**policies.global_policy.urls, **index.urls}
        self.prune("policy")

    def policies(self) -> Policies:
        record = self._index.policy
        if record is None:
            raise StateError(f"{self.where}: no policy files yet (register, or give them)")
        try:
            return parse_policies(self.read(record.global_file), self.read(record.device_file),
                                  self._index.device_type)
        except ValueError as error:
            raise StateError(f"{self.where}: {error}") from None

    def save_urls(self, urls: dict[str, str]) -> None:
        """Set component base URLs (they win over the global policy's)."""
        with self.change() as index:
            index.urls = {**index.urls, **urls}

    def url(self, component: str) -> str:
        found = self._index.urls.get(component)
        if found is None:
            raise StateError(f"{self.where}: no URL for the {component} (register, or give it)")
        return found

    def save_trust(self, trust: TrustMaterial) -> None:
        series = trust.series_id.hex()
        ctls = [self.write_versioned("trust", f"ctl_{series}_{parse_ctl(c).sequence_number}", ".oer", c)
                for c in trust.ctls]
        record = TrustRecord(
            anchor_ctl=self.write_versioned("trust", "anchor-ctl", ".oer", trust.anchor_ctl),
            ctls=ctls,
            ccf=self.write_versioned("trust", "ccf", ".oer", trust.ccf),
            composite_crl=self.write_versioned("trust", "composite-crl", ".oer", trust.composite_crl),
            ra_certificate=self.write_versioned("trust", "ra-certificate", ".oer", trust.ra_certificate_bytes),
            verified_at=int(trust.verified_at),
        )
        with self.change() as index:
            index.trust = record
        self.prune("trust")

    def anchor_ctl(self) -> bytes | None:
        """The anchor CTL the device holds, if it has bootstrapped."""
        record = self._index.trust
        return None if record is None else self.read(record.anchor_ctl)

    def trust(self, now: Time32) -> TrustMaterial:
        """The stored trust material verified again at `now` (Ieee1609Error if it no longer verifies)."""
        record = self._index.trust
        if record is None:
            raise StateError(f"{self.where}: no trust material yet (bootstrap first)")
        return TrustMaterial.verify(
            self.read(record.anchor_ctl),
            [self.read(c) for c in record.ctls],
            self.read(record.ccf),
            self.read(record.composite_crl),
            self.read(record.ra_certificate),
            now,
        )


def _named_files(index: DeviceIndex) -> Iterator[str]:
    """Every file path the index names (policy and trust files: the ones that get new versions)."""
    if index.policy is not None:
        yield from (index.policy.global_file, index.policy.device_file)
    if index.trust is not None:
        trust = index.trust
        yield from (trust.anchor_ctl, *trust.ctls, trust.ccf, trust.composite_crl, trust.ra_certificate)
