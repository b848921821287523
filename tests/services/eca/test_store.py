"""The ECA's enrollment record on SQLite and PostgreSQL: accept (rate limits, the same request again), finish by
compare-and-set, concurrent writers (threads), and the migrated schema."""

from __future__ import annotations

import os
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from scms.crypto import HashedId8
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.services.common import migrate_to_head
from scms.services.eca import RATE_WINDOW, Enrollment, EnrollmentStore, RateLimits
from scms.services.eca.tables import ECA_METADATA

T = Time32(700_000_000)
LIMITS = RateLimits(max_reqs=3, min_wait=0)


@pytest.fixture
def store(engine: Engine) -> EnrollmentStore:
    migrate_to_head(engine, "eca")
    return EnrollmentStore(engine)


def enrollment(device: str = "a" * 64, generated: int = T) -> Enrollment:
    digest = os.urandom(32)
    return Enrollment(digest, HashedId8(digest[-8:]), device, "OBU", Time32(generated), CertificateType.IMPLICIT,
                      planned_tbs=b"plan-" + digest[:4])


def test_the_migrated_schema_is_the_table_definitions(store: EnrollmentStore) -> None:
    def ours(_obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
        return kind != "table" or name in ECA_METADATA.tables

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours, "compare_type": True})
        assert compare_metadata(context, ECA_METADATA) == []


def test_accept_then_finish_then_the_same_request_again(store: EnrollmentStore) -> None:
    first = enrollment()
    assert store.find(first.request_digest) is None
    accepted = store.accept(first, LIMITS, T)
    assert accepted == first and store.find(first.request_digest) == first
    issued = store.finish(first, HashedId8(b"certific"), b"response-1", Time32(T + 1))
    assert (issued.certificate_hash, issued.response) == (HashedId8(b"certific"), b"response-1")
    assert store.find(first.request_digest) == issued
    again = store.accept(first, RateLimits(max_reqs=1, min_wait=10**6), Time32(T + 2))  # limits do not apply
    assert again == issued
    late = store.finish(first, HashedId8(b"other-ce"), b"response-2", Time32(T + 3))  # compare-and-set lost
    assert late == issued


def test_eca_max_reqs_counts_a_week_of_generation_time(store: EnrollmentStore) -> None:
    for offset in (0, 10, 20):
        store.accept(enrollment(generated=T + offset), LIMITS, T)
    with pytest.raises(Ieee1609Error) as error:
        store.accept(enrollment(generated=T + 30), LIMITS, T)
    assert error.value.header_value == "400-71"
    store.accept(enrollment(device="b" * 64, generated=T + 30), LIMITS, T)  # another device
    store.accept(enrollment(generated=T + RATE_WINDOW), LIMITS, T)  # the first one left the window


def test_eca_min_wait_between_generation_times(store: EnrollmentStore) -> None:
    limits = RateLimits(max_reqs=10, min_wait=60)
    store.accept(enrollment(generated=T), limits, T)
    for generated in (T + 59, T - 5):
        with pytest.raises(Ieee1609Error) as error:
            store.accept(enrollment(generated=generated), limits, T)
        assert error.value.header_value == "400-73"
    store.accept(enrollment(generated=T + 60), limits, T)


def test_concurrent_requests_of_one_device_respect_eca_max_reqs(store: EnrollmentStore) -> None:
    """Ten different requests of one device at once with eca-maxReqs 3: exactly three are accepted."""
    outcomes: list[str] = []
    barrier = threading.Barrier(10)

    def accept(offset: int) -> None:
        barrier.wait()
        try:
            store.accept(enrollment(generated=T + offset), LIMITS, T)
            outcomes.append("accepted")
        except Ieee1609Error as error:
            outcomes.append(error.header_value)

    threads = [threading.Thread(target=accept, args=(offset,)) for offset in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["400-71"] * 7 + ["accepted"] * 3


def test_concurrent_finishers_of_one_request_agree_on_the_first(store: EnrollmentStore) -> None:
    """Six attempts finish the same accepted request with their own certificate: one is stored, and every attempt
    gets that one back."""
    accepted = store.accept(enrollment(), LIMITS, T)
    results: list[Enrollment] = []
    barrier = threading.Barrier(6)

    def finish(number: int) -> None:
        barrier.wait()
        results.append(store.finish(accepted, HashedId8(bytes([number]) * 8), b"response-%d" % number, T))

    threads = [threading.Thread(target=finish, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = store.find(accepted.request_digest)
    assert stored is not None and stored.response is not None
    assert all(result == stored for result in results)
    winner = int(stored.response.removeprefix(b"response-"))
    assert stored.certificate_hash == HashedId8(bytes([winner]) * 8)  # one attempt's certificate and response
