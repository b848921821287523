"""The RA's certificate tables on SQLite and PostgreSQL: the migrated schema is the table definitions; an accepted
request is stored once with one generation job even when the same bytes arrive together; work items are leased by
compare-and-set (a held, unexpired item is never taken twice) and their first stored request and answer stay."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select

from scms.crypto import HashedId8, SoftwareKey, sha256
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.time import Time32
from scms.services.common import begin_write, migrate_to_head
from scms.services.common.task_tables import jobs
from scms.services.ra import DeviceStore
from scms.services.ra.authorization_store import AuthorizationStore, RaLimits, StoredRequest
from scms.services.ra.authorization_tables import authorization_requests
from scms.services.ra.tables import RA_METADATA
from scms.services.ra.work_items import WorkItemStore

T0 = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
NOW = Time32.from_datetime(T0)
LIMITS = RaLimits(max_reqs=100, min_wait=0)


@pytest.fixture
def migrated(engine: Engine) -> Iterator[Engine]:
    migrate_to_head(engine, "ra")
    yield engine


def request(canonical_id: str, raw: bytes, *, profile: str = "pseudonym") -> StoredRequest:
    return StoredRequest(
        request_hash=HashedId8.of(raw), request_digest=sha256(raw), enrollment_id=HashedId8(b"\x01" * 8),
        canonical_id=canonical_id, device_type="OBU", profile=profile, variant=None,
        certificate_type=CertificateType.IMPLICIT, parameters=None, template=b"tbs", generation_time=NOW,
        received_at=NOW, i_first=None, i_last=None, j_count=1, next_dl_time=NOW, ack=b"ack " + raw,
    )


def device(engine: Engine) -> str:
    return DeviceStore(engine).register("OBU", SoftwareKey.generate().public_point, T0)[0].canonical_id


def test_the_migrated_schema_is_the_table_definitions(migrated: Engine) -> None:
    def ours(_obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
        return kind != "table" or name in RA_METADATA.tables

    with migrated.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours, "compare_type": True})
        assert compare_metadata(context, RA_METADATA) == []


def test_the_same_request_arriving_together_is_stored_once(migrated: Engine) -> None:
    store, owner = AuthorizationStore(migrated), device(migrated)
    raw = b"one request"
    results: list[StoredRequest] = []

    def accept() -> None:
        results.append(store.accept(request(owner, raw), LIMITS, now=T0, max_attempts=3, run_after=T0))

    threads = [threading.Thread(target=accept) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6 and {r.ack for r in results} == {b"ack one request"}
    with migrated.connect() as connection:
        assert connection.execute(select(func.count()).select_from(authorization_requests)).scalar_one() == 1
        assert connection.execute(select(func.count()).select_from(jobs)).scalar_one() == 1


def test_the_limits_hold_under_concurrent_requests(migrated: Engine) -> None:
    store, owner = AuthorizationStore(migrated), device(migrated)
    limits = RaLimits(max_reqs=3, min_wait=0)
    outcomes: list[str] = []

    def accept(number: int) -> None:
        try:
            store.accept(request(owner, f"request {number}".encode()), limits, now=T0, max_attempts=3, run_after=T0)
            outcomes.append("accepted")
        except Exception as error:  # the 400-79 refusals
            outcomes.append(getattr(error, "header_value", repr(error)))

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["400-79"] * 5 + ["accepted"] * 3


def test_items_are_leased_once_and_keep_their_first_request_and_answer(migrated: Engine) -> None:
    requests, items, owner = AuthorizationStore(migrated), WorkItemStore(migrated), device(migrated)
    mine, other = request(owner, b"mine"), request(owner, b"other", profile="identification")
    for one in (mine, other):
        requests.accept(one, LIMITS, now=T0, max_attempts=3, run_after=T0)
    with begin_write(migrated) as connection:
        items.add(connection, [{"request_hash": bytes(r.request_hash), "i": 0, "j": j} for r in (mine, other)
                               for j in range(3)])
        items.add(connection, [{"request_hash": bytes(mine.request_hash), "i": 0, "j": 0}])    # planned again
    first = items.claim("worker-1", mine.request_hash, 2, now=NOW, lease_s=60)
    assert len(first) == 5 and {i.request_hash for i in first} == {mine.request_hash, other.request_hash}
    (left,) = items.claim("worker-2", mine.request_hash, 10, now=NOW, lease_s=60)    # the one item not taken
    assert left.request_hash == other.request_hash and left.id not in {item.id for item in first}
    items.release("worker-2")
    held = items.record_signed("worker-1", [(item.id, spdu(item.id), HashedId8.of(spdu(item.id))) for item in first],
                               [item.id for item in first])
    assert all(item.aca_request == spdu(item.id) for item in held) and len(held) == 5
    (one,) = items.record_signed("worker-1", [], [first[0].id, left.id])    # only its own items of those asked for
    assert one.id == first[0].id and one.aca_request == spdu(one.id)
    # worker 1 dies; later worker 3 takes its items and cannot replace the stored requests
    again = items.claim("worker-3", mine.request_hash, 10, now=Time32(NOW + 61), lease_s=60)
    assert {item.id for item in again} == {item.id for item in first} | {left.id}
    kept = items.record_signed("worker-3", [(item.id, b"another", HashedId8.of(item.id.to_bytes(2, "big")))
                                            for item in again], [item.id for item in again])
    assert {item.aca_request for item in kept} == {spdu(item.id) for item in first} | {b"another"}
    touched = items.record_answers([(HashedId8.of(spdu(item.id)), b"answer") for item in first])
    assert touched == {(mine.request_hash, 0), (other.request_hash, 0)}
    items.record_answers([(HashedId8.of(spdu(first[0].id)), b"second answer")])              # a late duplicate
    assert items.answered(mine.request_hash, 0) == {0: b"answer", 1: b"answer", 2: b"answer"}
    assert items.open_count(mine.request_hash) == 0 and items.answered(other.request_hash, 0) is None


def spdu(item_id: int) -> bytes:
    return f"spdu {item_id}".encode()
