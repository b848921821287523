"""The RA's device registry on SQLite and PostgreSQL: registration, lifecycle by compare-and-set (also under
concurrent writers), enrollment certificates recorded idempotently, and the migrated schema."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select

from scms.crypto import HashedId8, SoftwareKey, sha256
from scms.services.common import migrate_to_head
from scms.services.ra import (
    DeviceConflict,
    DeviceEvent,
    DeviceNotFound,
    DeviceState,
    DeviceStore,
    LifecycleError,
    canonical_id,
)
from scms.services.ra.tables import RA_METADATA, enrollment_certificates

T0 = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(minutes=5)


@pytest.fixture
def store(engine: Engine) -> DeviceStore:
    migrate_to_head(engine, "ra")
    return DeviceStore(engine)


def test_the_migrated_schema_is_the_table_definitions(store: DeviceStore) -> None:
    def ours(_obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
        return kind != "table" or name in RA_METADATA.tables

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours, "compare_type": True})
        assert compare_metadata(context, RA_METADATA) == []


def test_canonical_id_is_the_sha256_of_the_compressed_key() -> None:
    key = SoftwareKey.generate().public_point
    assert canonical_id(key) == sha256(key.encode(compressed=True)).hex()
    assert len(canonical_id(key)) == 64


def test_register_read_and_register_again(store: DeviceStore) -> None:
    key = SoftwareKey.generate().public_point
    device, created = store.register("OBU", key, T0)
    assert created and device.state is DeviceState.REGISTERED
    assert device.canonical_id == canonical_id(key) and device.public_key == key.encode(compressed=True)
    assert device.curve == "P-256"
    again, created_again = store.register("OBU", key, T1)
    assert not created_again and again == device == store.get(device.canonical_id)
    assert again.registered_at == T0
    with pytest.raises(DeviceConflict, match="registered as OBU"):
        store.register("RSU", key, T1)
    assert store.get("00" * 32) is None


def test_lifecycle_changes_are_stored(store: DeviceStore) -> None:
    key = SoftwareKey.generate().public_point
    device, _ = store.register("RSU", key, T0)
    blocked = store.apply(device.canonical_id, DeviceEvent.BLOCK, T1)
    assert (blocked.state, blocked.blocked_from) == (DeviceState.BLOCKED, DeviceState.REGISTERED)
    assert blocked.updated_at == T1
    assert store.get(device.canonical_id) == blocked
    with pytest.raises(LifecycleError, match="is blocked: enrol is not allowed"):
        store.apply(device.canonical_id, DeviceEvent.ENROL, T1)
    assert store.apply(device.canonical_id, DeviceEvent.UNBLOCK, T1).state is DeviceState.REGISTERED
    assert store.apply(device.canonical_id, DeviceEvent.DELETE, T1).state is DeviceState.DELETED
    with pytest.raises(DeviceConflict, match="was deleted"):
        store.register("RSU", key, T1)
    with pytest.raises(DeviceNotFound):
        store.apply("ab" * 32, DeviceEvent.BLOCK, T1)


def test_enrollment_is_recorded_once_and_refused_when_blocked(store: DeviceStore) -> None:
    device, _ = store.register("OBU", SoftwareKey.generate().public_point, T0)
    first, second = HashedId8(bytes(range(8))), HashedId8(bytes(range(8, 16)))
    assert store.record_enrollment(device.canonical_id, first, T1).state is DeviceState.ENROLLED
    assert store.record_enrollment(device.canonical_id, first, T1).state is DeviceState.ENROLLED  # the same report
    store.record_enrollment(device.canonical_id, second, T1)
    assert store.enrollment_certificates(device.canonical_id) == (first, second)
    assert store.device_of_enrollment_certificate(second) == store.get(device.canonical_id)
    assert store.device_of_enrollment_certificate(HashedId8(bytes(8))) is None

    other, _ = store.register("OBU", SoftwareKey.generate().public_point, T0)
    with pytest.raises(DeviceConflict, match="another device"):
        store.record_enrollment(other.canonical_id, first, T1)
    assert store.get(other.canonical_id).state is DeviceState.REGISTERED  # type: ignore[union-attr]  # rolled back

    store.apply(other.canonical_id, DeviceEvent.BLOCK, T1)
    with pytest.raises(LifecycleError):
        store.record_enrollment(other.canonical_id, HashedId8(bytes(8)), T1)
    with store.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(enrollment_certificates)).scalar()
    assert count == 2


def test_concurrent_operators_block_a_device_exactly_once(store: DeviceStore) -> None:
    """Eight writers race to block one device: compare-and-set lets one through; the others see it blocked."""
    device, _ = store.register("OBU", SoftwareKey.generate().public_point, T0)
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def block() -> None:
        barrier.wait()
        try:
            store.apply(device.canonical_id, DeviceEvent.BLOCK, T1)
            outcomes.append("blocked")
        except LifecycleError:
            outcomes.append("refused")

    threads = [threading.Thread(target=block) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["blocked"] + ["refused"] * 7
    assert store.get(device.canonical_id).blocked_from is DeviceState.REGISTERED  # type: ignore[union-attr]


def test_concurrent_registrations_of_one_key_make_one_device(store: DeviceStore) -> None:
    key = SoftwareKey.generate().public_point
    created: list[bool] = []
    barrier = threading.Barrier(6)

    def register() -> None:
        barrier.wait()
        created.append(store.register("OBU", key, T0)[1])

    threads = [threading.Thread(target=register) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == [False] * 5 + [True]
